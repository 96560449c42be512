"""Teams, OneDrive and Zoom transcripts as exported (tests/data/transcripts, see tests/data/SOURCES.md):
short and negative timings, identifiers, voice spans, overlaps kept with a note, "-->" in speech, no speakers,
and Teams' two .docx layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document

from learnervoice.qual.documents import import_transcript
from learnervoice.store import QualStore
from learnervoice.store.schema import audit, documents, turns
from learnervoice.study.load import Study

from .conftest import write

DATA = Path(__file__).resolve().parent.parent / "data" / "transcripts"


def _turns(store: QualStore, name: str) -> tuple[str, list[sa.Row]]:  # type: ignore[type-arg]
    with store.read() as conn:
        doc = conn.execute(sa.select(documents).where(documents.c.name == name)).one()
        rows = conn.execute(sa.select(turns).where(turns.c.document_id == doc.id).order_by(turns.c.idx)).all()
    return doc.text, rows


def test_teams_meeting(qual_study: Study, store: QualStore) -> None:
    report = import_transcript(qual_study, DATA / "teams_meeting.vtt", name="teams", store=store)
    text, rows = _turns(store, "teams")
    assert [r.speaker for r in rows] == ["M2", "P04", "P02", "P04", "P01", "M2", "P02"]
    # two cues of people talking at once: kept in file order, each a warning with its line
    assert [(n.line, n.kind) for n in report.notes] == [(18, "overlap"), (32, "overlap")] and report.warnings == 2
    lines = text.split("\n")
    assert lines[0] == "Welcome, everyone, and thank you for joining this focus group about short courses. Who would like to start?"
    assert lines[3] == "The way I see it, course --> badge --> promotion, that is the whole chain."
    assert lines[4].startswith("For me it was curiosity")  # a <v> span without </v>
    assert lines[6] == "And online, because of the kids. Thanks, P04, for saying it first."
    assert rows[1].start_time == pytest.approx(10.4) and rows[2].end_time == pytest.approx(17.02)
    with store.read() as conn:
        detail = conn.execute(sa.select(audit.c.detail).where(audit.c.action == "import_transcript")).scalar_one()
    assert '"notes": 2' in detail


def test_teams_short_and_negative_timings(qual_study: Study, store: QualStore) -> None:
    report = import_transcript(qual_study, DATA / "teams_graph_short_timings.vtt", name="graph", store=store)
    _, rows = _turns(store, "graph")
    assert [r.speaker for r in rows] == ["M2", "P02", "P01", "M2"]
    assert [(r.start_time, r.end_time) for r in rows] == [(-1.2, 7.83), (8.1, 10.2), (10.2, 14.5), (62.0, 65.31)]
    assert [(n.line, n.kind) for n in report.notes] == [(3, "negative")]


def test_onedrive_transcript_without_speakers(qual_study: Study, store: QualStore) -> None:
    report = import_transcript(qual_study, DATA / "onedrive_no_speakers.vtt", name="od", store=store)
    assert not report.named and report.flagged == report.turns == 5 and report.warnings == 1
    _, rows = _turns(store, "od")
    assert {r.speaker for r in rows} == {"(no speaker)"} and all(r.flagged for r in rows)


def test_zoom_transcript_names_its_speakers(qual_study: Study, store: QualStore, samples: Path) -> None:
    report = import_transcript(qual_study, samples / "zoom_GMT20240124-202901_Recording.transcript.vtt", store=store)
    assert report.named and report.notes == []


def test_a_transcript_with_only_unreadable_timings_is_refused(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    from learnervoice.errors import TranscriptError

    path = write(tmp_path / "bad.vtt", "WEBVTT\n\n0:0:1.0 -> 0:0:2.0\nhello\n\n0:0:x --> 0:0:4.0\nbye\n")
    with pytest.raises(TranscriptError, match=r"bad\.vtt, line 6: not a cue timing"):
        import_transcript(qual_study, path, store=store)


def _docx(path: Path, paragraphs: list[str]) -> Path:
    doc = Document()
    for text in paragraphs:
        paragraph = doc.add_paragraph()
        for i, line in enumerate(text.split("\n")):
            if i:
                paragraph.add_run().add_break()
            paragraph.add_run(line)
    doc.save(str(path))
    return path


def test_teams_docx_with_timing_lines(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    """Teams' older .docx: each paragraph a timing, the speaker's name and the words (line breaks inside)."""
    path = _docx(tmp_path / "old.docx", ["0:0:0.0 --> 0:0:4.510\nMelissa Ko\nWhy this course?",
                                         "0:0:5.270 --> 0:0:7.250\nRyan Sloan\nThe price.",
                                         "0:0:7.300 --> 0:0:9.0\nRyan Sloan\nAnd it was online."])
    import_transcript(qual_study, path, name="old", store=store)
    text, rows = _turns(store, "old")
    assert [(r.speaker, r.start_time, r.end_time) for r in rows] == [("M2", 0.0, 4.51), ("P02", 5.27, 9.0)]
    assert text == "Why this course?\nThe price. And it was online."


def test_teams_docx_with_name_and_time_headings(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    """Teams' newer .docx: a title, then `Name   m:ss` lines, each followed by the words."""
    path = _docx(tmp_path / "new.docx", ["Focus group 2-20240115_100312-Meeting Recording", "January 15, 2024, 10:03AM",
                                         "Melissa Ko   0:03", "Why this course?", "Srijani Ghosh   0:09",
                                         "The timetable.", "I work shifts.", "Melissa Ko   1:02:07", "Thank you."])
    import_transcript(qual_study, path, name="new", store=store)
    text, rows = _turns(store, "new")
    assert [(r.speaker, r.start_time) for r in rows] == [("M2", 3.0), ("P01", 9.0), ("M2", 3727.0)]
    assert text == "Why this course?\nThe timetable. I work shifts.\nThank you."


def test_timed_text_saved_as_txt(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    """A WebVTT file saved as .txt is read as WebVTT; text in the older Teams layout may carry `Name: text` instead."""
    import_transcript(qual_study, write(tmp_path / "a.txt", "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n"
                                        "<v Melissa Ko>Hello.</v>\n\n2\n00:00:03.000 --> 00:00:04.000\nRyan Sloan: Hi.\n"),
                      store=store)
    import_transcript(qual_study, write(tmp_path / "b.txt", "0:0:0.0 --> 0:0:1.250\nMelissa Ko: Hello.\n"
                                        "0:0:2.90 --> 0:0:4.480\nRyan Sloan\nHi.\n"), store=store)
    for name in ("a", "b"):
        text, rows = _turns(store, name)
        assert [r.speaker for r in rows] == ["M2", "P02"] and text == "Hello.\nHi."
