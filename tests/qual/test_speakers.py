"""Speakers assigned by turn to a transcript without names: linked to the roster, logged, kept in a plain file
of the study, and still there when the study is opened again or the transcript imported into a new store."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import NotFoundError, TranscriptError
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.speakers import assign_speakers, parse_assignments, speakers_file
from learnervoice.store import QualStore
from learnervoice.store.schema import audit, documents, turns
from learnervoice.study.load import Study
from learnervoice.workspace import open_workspace

from ..conftest import snapshot

NAMELESS = Path(__file__).resolve().parent.parent / "data" / "transcripts" / "onedrive_no_speakers.vtt"


def _speakers(store: QualStore, name: str = "OD") -> list[tuple[str, str | None, str, bool]]:
    with store.read() as conn:
        doc = conn.execute(sa.select(documents.c.id).where(documents.c.name == name)).scalar_one()
        rows = conn.execute(sa.select(turns.c.speaker, turns.c.participant, turns.c.role, turns.c.flagged)
                            .where(turns.c.document_id == doc).order_by(turns.c.idx)).all()
    return [(r.speaker, r.participant, r.role, r.flagged) for r in rows]


@pytest.fixture
def declared(qual_study: Study) -> Study:
    """The study declaring the nameless transcript, opened once as every command opens it."""
    folder = qual_study.folder
    shutil.copy(NAMELESS, folder / "od.vtt")
    yaml = (folder / "study.yaml").read_text(encoding="utf-8")
    (folder / "study.yaml").write_text(yaml + "transcripts:\n  - {file: od.vtt, name: OD}\n", encoding="utf-8")
    open_workspace(folder).close()
    return qual_study


def test_assign_by_turn_through_the_roster(declared: Study) -> None:
    with open_workspace(declared.folder) as ws:
        wanted = parse_assignments(["1,4=Melissa Ko", "2=Ryan Sloan", "3=P01", "5=Unidentified 1"])
        assert assign_speakers(ws.study, ws.qual, "OD", wanted, who="anna") == 5
        assert _speakers(ws.qual) == [("M2", "M2", "moderator", False), ("P02", "P02", "participant", False),
                                      ("P01", "P01", "participant", False), ("M2", "M2", "moderator", False),
                                      ("Unidentified 1", None, "unknown", False)]
        with ws.qual.read() as conn:
            who, detail = conn.execute(sa.select(audit.c.who, audit.c.detail).where(audit.c.action == "assign_speakers")).one()
    assert who == "anna" and '"turns": 5' in detail and "Ryan" not in detail
    kept = speakers_file(declared, "OD").read_text(encoding="utf-8")
    assert kept.splitlines() == ["turn,speaker", "1,M2", "2,P02", "3,P01", "4,M2", "5,Unidentified 1"]  # pseudonyms only


def test_the_assignment_survives_reopening_and_a_new_store(declared: Study) -> None:
    with open_workspace(declared.folder) as ws:
        assign_speakers(ws.study, ws.qual, "OD", parse_assignments(["1-2=P03"]))
        assign_speakers(ws.study, ws.qual, "OD", parse_assignments(["2=P04"]))  # a later assignment wins, the rest stays
    before = snapshot(declared.folder)
    with open_workspace(declared.folder) as ws:  # nothing changed: nothing is written again
        assert [s[0] for s in _speakers(ws.qual)] == ["P03", "P04", "(no speaker)", "(no speaker)", "(no speaker)"]
    assert snapshot(declared.folder) == before
    for file in declared.folder.glob("qual.sqlite*"):
        file.unlink()
    with open_workspace(declared.folder) as ws:  # the store rebuilt from the folder: the file's speakers come back
        assert [s[0] for s in _speakers(ws.qual)][:2] == ["P03", "P04"]


def test_a_speakers_file_edited_by_hand_is_brought_in(declared: Study) -> None:
    path = speakers_file(declared, "OD")
    path.parent.mkdir(exist_ok=True)
    path.write_text("turn,speaker\n1-3,Melissa Ko\n5,Srijani Ghosh\n", encoding="utf-8")
    with open_workspace(declared.folder) as ws:
        assert [s[0] for s in _speakers(ws.qual)] == ["M2", "M2", "M2", "(no speaker)", "P01"]
    path.write_text("turn,speaker\n1,Nobody Known\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"transcripts/OD\.speakers\.csv, line 2: 'Nobody Known' is nobody in the roster"):
        open_workspace(declared.folder)


def test_an_import_reads_the_speakers_file(qual_study: Study, store: QualStore) -> None:
    path = speakers_file(qual_study, "od")
    path.parent.mkdir()
    path.write_text("turn,speaker\n1,M2\n2-3,P02\n", encoding="utf-8")
    report = import_transcript(qual_study, NAMELESS, name="od", store=store)
    assert report.assigned == 3 and report.flagged == 2
    assert [s[0] for s in _speakers(store, "od")] == ["M2", "P02", "P02", "(no speaker)", "(no speaker)"]


@pytest.mark.parametrize(("items", "message"), [
    (["9=P01"], "turn 9 is beyond the last turn of 'OD' (5)"),
    (["1=Jordi Pons"], "--turns '1=Jordi Pons': 'Jordi Pons' is nobody in the roster"),
    (["1-x=P01"], "'1-x' is not a turn or a range of turns"),
    (["0=P01"], "'0' is not a turn"),
    (["P01"], "write turns and a speaker as 1-12=P03"),
])
def test_bad_assignments_change_nothing(declared: Study, items: list[str], message: str) -> None:
    before = snapshot(declared.folder)
    with open_workspace(declared.folder) as ws, pytest.raises(TranscriptError, match=re.escape(message)):
        assign_speakers(ws.study, ws.qual, "OD", parse_assignments(items))
    assert snapshot(declared.folder) == before


def test_moderator_must_name_one_person(declared: Study) -> None:
    with open_workspace(declared.folder) as ws, pytest.raises(TranscriptError, match=r"'moderator' names 2 people .*\(M1, M2\)"):
        assign_speakers(ws.study, ws.qual, "OD", parse_assignments(["1=moderator"]))
    roster = declared.folder / "private" / "participants.csv"
    roster.write_text("".join(line for line in roster.open(encoding="utf-8") if not line.startswith("M1,")), encoding="utf-8")
    with open_workspace(declared.folder) as ws:
        assign_speakers(ws.study, ws.qual, "OD", parse_assignments(["1=moderator"]))
        assert _speakers(ws.qual)[0] == ("M2", "M2", "moderator", False)
    with open_workspace(declared.folder) as ws, pytest.raises(NotFoundError, match="no document 'FG9'"):
        assign_speakers(ws.study, ws.qual, "FG9", parse_assignments(["1=M2"]))


def test_the_commands(declared: Study, tmp_path: Path) -> None:
    folder = str(declared.folder)
    result = CliRunner().invoke(app, ["transcripts", "import", folder, str(NAMELESS)])
    assert result.exit_code == 0, result.output
    assert ("warning: no speaker names found: 5 turns attributed to '(no speaker)'; assign speakers with "
            f"`learnervoice transcripts speakers {folder} onedrive_no_speakers --turns 1-12=P03`") in result.output
    result = CliRunner().invoke(app, ["transcripts", "turns", folder, "OD", "-f", "csv"])
    assert result.exit_code == 0 and result.stdout.splitlines()[:2] == [
        "turn,time,speaker,words", "1,0:00:00,(no speaker),So today we want to hear how you chose your course."]
    csv_file = tmp_path / "who.csv"
    csv_file.write_text("turn,speaker\n1,M2\n2-3,Ryan Sloan\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["transcripts", "speakers", folder, "OD", "--file", str(csv_file),
                                      "--turns", "3=P01", "--as", "anna"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "OD: 3 turn(s) assigned; kept in transcripts/OD.speakers.csv"
    result = CliRunner().invoke(app, ["transcripts", "turns", folder, "OD", "-f", "csv"])
    assert [line.split(",")[2] for line in result.stdout.splitlines()[1:4]] == ["M2", "P02", "P01"]
    result = CliRunner().invoke(app, ["transcripts", "speakers", folder, "OD"])
    assert result.exit_code == 2 and "give --turns 1-12=P03" in result.stderr
