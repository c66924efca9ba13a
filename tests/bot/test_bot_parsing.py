"""What people type, as Slack delivers it, into requests; and the access file."""

from __future__ import annotations

import os

import pytest

from bot.access import Access
from bot.parsing import parse
from core.errors import UserFacingError


def test_subcommands_collections_and_slack_markup():
    r = parse("<@W111> ask in:secret What does <https://sam.gov|SAM> say about R&amp;D &lt;5 years?")
    assert (r.command, r.collections) == ("ask", ["secret"])
    assert r.text == "What does SAM say about R&D <5 years?"
    assert parse("How long is the base period?").command == "ask"
    assert parse("").command == "help" and parse("<@W111>").command == "help"


def test_draft_section_solicitation_and_requirements():
    r = parse("draft Staffing plan for transition for RFQ1349024")
    assert (r.text, r.solicitation) == ("Staffing plan for transition", "RFQ1349024")
    r = parse("draft Contract terms: period of performance; travel")
    assert (r.text, r.requirements, r.solicitation) == (
        "Contract terms",
        ["period of performance", "travel"],
        None,
    )


def test_ingest_takes_slack_file_links_and_attached_files():
    private = "<https://files.slack.com/files-pri/T0123ABC-F0456DEFGH/rfq.pdf>"
    permalink = "https://acme.slack.com/files/U0123ABC/F0789XYZAB/pws.docx"
    r = parse(f"ingest {private} {permalink} in:proposals")
    assert r.file_ids == ["F0456DEFGH", "F0789XYZAB"] and r.collections == ["proposals"]
    assert parse("<@W111>", ["F0111AAAAA"]).command == "ingest"  # files shared with only a mention
    assert parse("ingest", ["F0111AAAAA"]).file_ids == ["F0111AAAAA"]


def test_access_file_rules_and_errors(tmp_path):
    path = tmp_path / "access.yaml"
    path.write_text("channels:\n  C1: [proposals, public]\nusers:\n  U1: [public, pricing]\n")
    access = Access(path, "public")
    assert access.collections("C1", "U9") == ["proposals", "public"]
    assert access.collections("C2", "U1") == ["public"]  # in a channel the channel's rules count
    assert access.collections("D1", "U1") == ["public", "pricing"]  # a DM uses the person's
    assert access.collections("D1", "U9") == ["public"]
    path.write_text("channels:\n  C1: proposals\n")  # edits are picked up
    os.utime(path, (1, 1))
    assert access.collections("C1", "U9") == ["proposals"]
    path.write_text("chanels: {}\n")
    os.utime(path, (2, 2))
    assert access.collections("C1", "U9") == ["proposals"]  # a broken edit keeps the last good rules
    with pytest.raises(UserFacingError, match="unknown key"):
        Access(path, "public")
    with pytest.raises(UserFacingError, match="no such file"):
        Access(tmp_path / "missing.yaml", "public")
