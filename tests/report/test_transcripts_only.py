"""A study of focus groups only (no questions, or no responses): the report holds themes, quotes and agreement,
says there is no survey, and fails nowhere — through the command line and the Python API."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.report.assemble import build_report
from learnervoice.report.write import write_report
from learnervoice.study import open_study
from learnervoice.workspace import open_workspace

ROSTER = """pseudonym,names,role,career_stage
M1,Laia Ferrer,moderator,
P01,Jordi Vila;Jordi,participant,junior
P02,Marta Soler;Marta,participant,senior
P03,Pau Riba,participant,senior
"""
CODEBOOK = """codes:
  - key: motivation
    name: Motivations
    description: Why people take short courses.
    children:
      - {key: career, name: Career progression}
      - {key: pleasure, name: Pleasure of learning}
"""
TRANSCRIPT = """WEBVTT

0:0:1.0 --> 0:0:4.0
<v Laia Ferrer>Why did you take the course?</v>

0:0:4.5 --> 0:0:9.0
<v Jordi Vila>Mostly for the promotion at work, to be honest.</v>

0:0:8.5 --> 0:0:12.0
<v Marta Soler>I just enjoy learning new things in the evening.</v>

0:0:12.5 --> 0:0:16.0
<v Pau Riba>For me it counted towards a better position.</v>
"""
CODINGS = """document,quote,code,coder
FG1,Mostly for the promotion at work,career,anna
FG1,Mostly for the promotion at work,career,ben
FG1,I just enjoy learning new things,pleasure,anna
FG1,I just enjoy learning new things,pleasure,ben
FG1,it counted towards a better position,career,anna
FG1,it counted towards a better position,pleasure,ben
"""


def _study(folder: Path, questions: str = "") -> Path:
    (folder / "private").mkdir(parents=True)
    (folder / "private" / "participants.csv").write_text(ROSTER, encoding="utf-8")
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (folder / "fg1.vtt").write_text(TRANSCRIPT, encoding="utf-8")
    (folder / "codings.csv").write_text(CODINGS, encoding="utf-8")
    (folder / "study.yaml").write_text(
        f"title: Focus groups only\nconsent: ok\n{questions}roster: {{attributes: [career_stage]}}\n"
        "transcripts:\n  - {file: fg1.vtt, name: FG1}\ncodings:\n  - codings.csv\n", encoding="utf-8")
    return folder


def test_the_command_writes_the_qualitative_report(tmp_path: Path) -> None:
    folder = _study(tmp_path / "fg")
    for suffix in ("md", "html", "docx"):
        result = CliRunner().invoke(app, ["report", str(folder), "-o", str(tmp_path / f"r.{suffix}")])
        assert result.exit_code == 0, result.output
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "This study has no survey (study.yaml declares no questions)" in md
    assert "### Motivations" in md and "#### Career progression" in md and "Voiced by 2 participant(s)" in md
    assert "Mostly for the promotion at work" in md and "— P01" in md
    assert "Agreement between coders (anna, ben)" in md and "**Codebook**" in md
    assert "Per-item bases" not in md and "**Instrument**" not in md
    assert "Jordi" not in md and "Marta" not in md


def test_the_python_api_and_sections_that_need_a_survey(tmp_path: Path) -> None:
    folder = _study(tmp_path / "fg")
    (folder / "report.yaml").write_text(
        "sections:\n"
        "  - {kind: question, title: Why, themes: [motivation]}\n"
        "  - {kind: subgroups, title: By stage, by: career_stage, tables: [x]}\n"
        "  - {kind: joint, title: Side by side}\n"
        "  - {kind: appendix, title: Methods}\n", encoding="utf-8")
    with open_workspace(folder) as ws:
        report = build_report(ws.study, ws.qual)
    assert [s.title for s in report.sections] == ["Why", "By stage", "Side by side", "Methods"]
    assert report.sections[0].paragraphs[0].startswith("This study has no survey") and report.sections[0].themes
    assert report.sections[1].paragraphs == ["This study has no survey (study.yaml declares no questions), so this "
                                             "section has no tables."]
    assert not report.sections[1].tables and not report.sections[2].tables
    out = write_report(open_study(folder), tmp_path / "r.html")
    assert "no survey" in out.read_text(encoding="utf-8")


def test_questions_without_responses(tmp_path: Path) -> None:
    folder = _study(tmp_path / "fg", "questions:\n  - {id: why, text: Why?, type: text}\n")
    with open_workspace(folder) as ws:
        report = build_report(ws.study, ws.qual)
    assert report.sections[0].paragraphs[0].startswith("This study has no survey responses (none imported, none declared")
    assert any(t.key == "career" for t in report.sections[0].themes)


def test_declared_responses_not_imported_are_still_an_error(tmp_path: Path) -> None:
    from learnervoice.errors import TableError

    folder = _study(tmp_path / "fg", "questions:\n  - {id: why, text: Why?, type: text}\nresponses:\n  - {file: r.csv}\n")
    with pytest.raises(TableError, match="not imported yet"):
        build_report(open_study(folder))


def test_a_folder_of_codes_reads_as_its_sub_codes(tmp_path: Path) -> None:
    """A folder (codable: false) counts who voiced its sub-codes, said as such, and the appendix marks it."""
    folder = _study(tmp_path / "fg")
    path = folder / "codebook.yaml"
    path.write_text(CODEBOOK.replace("    name: Motivations\n", "    name: Motivations\n    codable: false\n"),
                    encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(folder), "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    motivations = md.split("### Motivations")[1].split("####")[0]
    assert "Voiced by 3 participant(s), in its sub-codes" in motivations  # P01, P02, P03 through career and pleasure
    assert "Motivations (folder)" in md and "Career progression (folder)" not in md
