"""The Slack bot: cited answers, drafts and code look-ups in threads; feedback that becomes training data.

`build_app(settings, services)` (bot.app) makes the Bolt app; `python -m bot` / `rfp bot` runs it.
"""
