"""Words that look like names of people outside the roster are listed, and the report waits for a review."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.privacy.review import name_candidates
from learnervoice.study.load import Study


def test_candidates(example: Study) -> None:
    text = ("I told Joe and Ms Kowalczyk about Moodle on Monday in Barcelona. Joe agreed. "
            "We used Zoom with Mr Smith, and P07 agreed with Jordi.")
    found = {c.word: c.reason for c in name_candidates(example, [("d", text)])}
    # first names, surnames after a title, words no dictionary knows; not places, days, roster names or pseudonyms
    assert found == {"Joe": "a first name", "Kowalczyk": "after a title", "Smith": "after a title"}


def test_report_waits_for_the_review(example: Study, tmp_path: Path) -> None:
    extra = tmp_path / "fg9.vtt"
    extra.write_text("WEBVTT\n\n1\n00:59:00.000 --> 00:59:02.000\nAlbert Roca: My colleague Joe Rigby said the same.\n",
                     encoding="utf-8")
    runner = CliRunner()
    imported = runner.invoke(app, ["transcripts", "import", str(example.folder), str(extra)])
    assert "2 word(s) look like names of people not in the roster" in imported.output
    refused = runner.invoke(app, ["report", str(example.folder), "-o", str(tmp_path / "r.md")])
    assert refused.exit_code == 2 and "2 word(s) in the transcripts or memos look like names" in refused.output
    assert not (tmp_path / "r.md").exists()
    listed = runner.invoke(app, ["transcripts", "review", str(example.folder)])
    assert "Joe\t1×\ta first name\tin fg9" in listed.output and "Rigby" in listed.output
    anyway = runner.invoke(app, ["report", str(example.folder), "-o", str(tmp_path / "r.md"), "--allow-unreviewed"])
    assert anyway.exit_code == 0, anyway.output
    marked = runner.invoke(app, ["transcripts", "review", str(example.folder), "--safe", "Joe", "--safe", "Rigby"])
    assert "2 word(s) marked safe" in marked.output and "no unreviewed word looks like a name" in marked.output
    assert runner.invoke(app, ["report", str(example.folder), "-o", str(tmp_path / "r2.md")]).exit_code == 0
