"""`python -m bot`: run the Slack bot (same as `rfp bot`)."""

from bot.cli import main

main()
