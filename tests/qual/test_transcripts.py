"""Transcript import: real Zoom files, Teams voice tags, SRT, DOCX, text; speakers; pseudonyms; offsets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document

from learnervoice.errors import TranscriptError
from learnervoice.qual.documents import import_transcript
from learnervoice.store import QualStore
from learnervoice.store.schema import documents, turns
from learnervoice.study.load import Study

from ..conftest import snapshot
from .conftest import write

ZOOM = "zoom_GMT20240124-202901_Recording.transcript.vtt"


def _turns(store: QualStore, name: str) -> tuple[str, list[sa.Row]]:  # type: ignore[type-arg]
    with store.read() as conn:
        doc = conn.execute(sa.select(documents).where(documents.c.name == name)).one()
        rows = conn.execute(sa.select(turns).where(turns.c.document_id == doc.id).order_by(turns.c.idx)).all()
    return doc.text, rows


def test_real_zoom_transcript(qual_study: Study, store: QualStore, samples: Path) -> None:
    report = import_transcript(qual_study, samples / ZOOM, name="fg1", store=store)
    assert report.status == "imported"
    assert set(report.speakers) >= {"M1", "M2", "P01", "P02", "P03"}
    text, rows = _turns(store, "fg1")
    # one speaker's consecutive cues merge into one turn; Zoom's first cues are P01 then M1
    assert [r.speaker for r in rows[:3]] == ["P01", "M1", "P01"]
    assert rows[3].start_time == pytest.approx(12.16) and rows[3].end_time == pytest.approx(32.39)
    # offsets are code points over the stored text and cover exactly each turn's words
    for r, after in zip(rows, [*rows[1:], None]):
        assert text[r.start : r.end] == text[r.start : r.end].strip()
        # a turn past the word limit goes on after a space in a turn of the same speaker
        assert after is None or text[r.end] == "\n" or (text[r.end] == " " and after.speaker == r.speaker)
    assert max(len(text[r.start : r.end].split()) for r in rows) <= 2 * 250  # Zoom's 1,000-word monologues split
    assert any(text[r.end] == " " for r in rows[:-1])
    # the cue with no speaker ("Hmm.") is kept and flagged
    assert any(r.flagged and r.speaker == "(no speaker)" for r in rows)
    for name in ("Conor", "Connor", "Healy", "Melissa", "Srijani", "Ghosh", "Sloan", "Kelkar"):
        assert name not in text
    assert import_transcript(qual_study, samples / ZOOM, name="fg1", store=store).status == "unchanged"


def test_zoom_captions_without_speakers(qual_study: Study, store: QualStore, samples: Path) -> None:
    report = import_transcript(qual_study, samples / "zoom_GMT20240124-202901_Recording.cc.vtt", store=store)
    assert report.flagged == report.turns == 100  # CRLF, no speaker labels: every cue kept, flagged


def test_teams_voice_tags_and_entities(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    vtt = write(tmp_path / "teams.vtt", (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v N&uacute;ria Vidal>I study at night; mail me at nuria@example.org</v>\n\n"
        "00:00:03.500 --> 00:00:05.000\n<v Núria Vidal>or call +34 600 123 456.</v>\n\n"
        "00:00:06.000 --> 00:00:08.000\n<v Melissa Ko>Thanks, Nuri. See www.example.org/course</v>\n"
    ))
    import_transcript(qual_study, vtt, store=store)
    text, rows = _turns(store, "teams")
    assert [r.speaker for r in rows] == ["P04", "M2"]
    assert text == "I study at night; mail me at [email] or call [phone].\nThanks, P04. See [url]"


@pytest.mark.parametrize("kind", ["srt", "txt", "md", "docx"])
def test_other_formats(qual_study: Study, store: QualStore, tmp_path: Path, kind: str) -> None:
    lines = ["Melissa Ko: What brought you here?", "Ryan Sloan: Promotion, honestly.", "It was required.", "Srijani Ghosh: Curiosity."]
    if kind == "srt":
        path = write(tmp_path / "t.srt", "1\n00:00:01,000 --> 00:00:02,000\nMelissa Ko: What brought you here?\n\n"
                     "2\n00:00:02,500 --> 00:00:04,000\nRyan Sloan: Promotion, honestly.\n\n"
                     "3\n00:00:04,000 --> 00:00:05,000\nRyan Sloan: It was required.\n\n"
                     "4\n00:00:05,500 --> 00:00:06,000\nSrijani Ghosh: Curiosity.\n")
    elif kind == "docx":
        doc = Document()
        for line in lines:
            doc.add_paragraph(line)
        path = tmp_path / "t.docx"
        doc.save(str(path))
    else:
        path = write(tmp_path / f"t.{kind}", ("# Focus group 1\n\n" if kind == "md" else "") + "\n".join(lines) + "\n")
    import_transcript(qual_study, path, name="t", store=store)
    text, rows = _turns(store, "t")
    assert [r.speaker for r in rows] == ["M2", "P02", "P01"]
    assert text.split("\n")[1] == "Promotion, honestly. It was required."


def test_unmatched_speakers_are_listed_not_guessed(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    path = write(tmp_path / "t.txt", "Melissa Ko: Welcome.\nJordi Pons: Hello.\nAnna X: Hi.\n")
    before = snapshot(qual_study.folder)
    with pytest.raises(TranscriptError) as err:
        import_transcript(qual_study, path, store=store)
    assert "'Jordi Pons' (first speaks on line 2)" in str(err.value) and "'Anna X'" in str(err.value)
    assert snapshot(qual_study.folder) == before
    report = import_transcript(qual_study, path, store=store, speakers={"Jordi Pons": "P02"}, keep_unmatched=True)
    assert report.speakers == {"M2": 1, "P02": 1, "Unidentified 1": 1}
    text, _ = _turns(store, "t")
    assert "Jordi" not in text and "Anna" not in text


BAD = {
    "malformed.vtt": b"WEBVTT\n\n00:00:01.000 --> banana\nhello\n",
    "garbage.txt": bytes(range(256)) * 20,
    "empty.vtt": b"",
    "latin1.txt": "Melissa Ko: caf\xe9\n".encode("latin-1"),
}
MESSAGES = {
    "malformed.vtt": "line 3: not a cue timing",
    "garbage.txt": "not a text file",
    "empty.vtt": "the file is empty",
    "latin1.txt": "line 1: not valid UTF-8",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_transcripts_change_nothing(qual_study: Study, store: QualStore, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BAD[name])
    before = snapshot(qual_study.folder)
    with pytest.raises(TranscriptError, match=MESSAGES[name]):
        import_transcript(qual_study, path, store=store)
    assert snapshot(qual_study.folder) == before


def test_docx_zip_bomb(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (120 * 1024 * 1024))
    before = snapshot(qual_study.folder)
    with pytest.raises(TranscriptError, match="zip bomb"):
        import_transcript(qual_study, path, store=store)
    assert snapshot(qual_study.folder) == before


def test_real_zoom_chat(qual_study: Study, store: QualStore, samples: Path) -> None:
    """Zoom's chat export (tab-separated, CRLF, emoji, reactions): messages become turns; reactions are dropped."""
    report = import_transcript(qual_study, samples / "zoom_GMT20240124-202901_RecordingnewChat.txt", name="chat", store=store)
    assert report.flagged == 0 and set(report.speakers) <= {"M1", "M2", "P01", "P02", "P03"}
    text, rows = _turns(store, "chat")
    assert "Reacted to" not in text and "Ryan" not in text and "Srijani" not in text
    assert rows[0].speaker == "P02" and rows[0].start_time == 316.0


@pytest.mark.parametrize(
    ("roster", "message"),
    [
        ("pseudonym,role\nP01,participant\n", "row 1: missing column(s) names"),
        ("pseudonym,names\nAlice,Alice Smith\n", "row 2, column 'pseudonym': 'Alice' is not a pseudonym"),
        ("pseudonym,names\nP01,\n", "row 2, column 'names': give at least one name"),
        ("pseudonym,names,role\nP01,Ann,chair\n", "row 2, column 'role': 'chair'"),
        ("pseudonym,names\nP01,Ann Roig\nP02,ann roig\n", "the name 'ann roig' belongs to both P01 and P02"),
        ("pseudonym,names\nP01,Ann\nP01,Bea\n", "pseudonym P01 appears twice"),
    ],
)
def test_bad_roster_stops_the_import(qual_study: Study, tmp_path: Path, roster: str, message: str) -> None:
    from learnervoice.errors import RosterError

    (qual_study.folder / "private" / "participants.csv").write_text(roster, encoding="utf-8")
    before = snapshot(qual_study.folder)
    with pytest.raises(RosterError, match=re.escape(message)):
        import_transcript(qual_study, write(tmp_path / "t.txt", "Ann: hello\n"))
    assert snapshot(qual_study.folder) == before
