"""Interview transcripts in the layouts people write them in, read with their speakers.

Each fixture is written for this test in the layout of a real public transcript or export (no text is
copied): lower-case `interviewer:`/`interviewee:` labels (poclecoqq/quality_issues_in_MLSSs,
interviews/transcripts), `(0:02) **Name:** text` Markdown (Alejotxw/emprendeUIDEmovil, docs/Interviews),
`**Name**: text`, `Name (00:01:02): text`, `[00:01:02] Name: text`, and Otter.ai's `Name  0:02` /
`Speaker 1  0:02` headings with the words below.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from docx import Document

from learnervoice.qual.transcripts import merge_turns, read_transcript

from .conftest import write

LOWER_CASE = """interviewee: Thanks. This call is being recorded.

interviewer: Right. So, can you tell us about your background?

interviewee: Sure. I studied economics first.

interviewee: Then I moved to data work. The reason is simple: the pay was better.

interviewer: And what problems did you meet with your data?

interviewee: Mostly late files from a provider.
note to self: ask about the provider later.
interviewer: Thank you.
"""

BOLD_TIMED = """# Interview with Marta - student

**Participants:** Lluís Pons (interviewer) and Marta Soler (student)

---

(0:00) **Lluís:** Good afternoon. We are building an app for student
(0:06) businesses and would like your opinion.
(0:10) Would you take part?
(0:14) **Marta:** Yes, of course.
(0:17) **Lluís:** How would you like to sign up: e-mail or phone?
(1:02) **Marta:** By phone, it is always at hand.
(1:05) at hand and quick.
"""


def _read(path: Path) -> tuple[list[str | None], list[str]]:
    turns = merge_turns(read_transcript(path).cues)
    return [t.speaker for t in turns], [t.text for t in turns]


def test_lower_case_labels_recurring_through_the_file_are_speakers(tmp_path: Path) -> None:
    speakers, texts = _read(write(tmp_path / "int.txt", LOWER_CASE))
    assert speakers == ["interviewee", "interviewer", "interviewee", "interviewer", "interviewee", "interviewer"]
    # a sentence with a colon inside a turn, and a one-off lower-case "label", are words, not speakers
    assert texts[2] == "Sure. I studied economics first. Then I moved to data work. The reason is simple: the pay was better."
    assert texts[4] == "Mostly late files from a provider. note to self: ask about the provider later."


def test_a_lower_case_label_said_once_or_twice_is_not_a_speaker(tmp_path: Path) -> None:
    speakers, texts = _read(write(tmp_path / "n.txt", "Ann: We met.\nsummary: it went well.\nBen: Yes.\n"
                                                      "summary: again.\n"))
    assert speakers == ["Ann", "Ben"] and texts[1] == "Yes. summary: again."


def test_markdown_with_times_and_bold_labels(tmp_path: Path) -> None:
    turns = merge_turns(read_transcript(write(tmp_path / "e.md", BOLD_TIMED)).cues)
    assert [t.speaker for t in turns] == ["Lluís", "Marta", "Lluís", "Marta"]  # the title lines are not a speaker
    assert turns[0].text == ("Good afternoon. We are building an app for student businesses and would like your "
                             "opinion. Would you take part?")  # times taken off the lines that go on
    assert turns[2].text == "How would you like to sign up: e-mail or phone?"
    assert [(t.start, t.end) for t in turns] == [(0.0, 10.0), (14.0, 14.0), (17.0, 17.0), (62.0, 65.0)]


@pytest.mark.parametrize(("name", "text", "speakers", "starts"), [
    ("bold_colon_outside.md", "**Ann Roig**: Hello there.\n**Ben**: Hi.\nI agree.\n**Ann Roig**: Good: so we start.\n",
     ["Ann Roig", "Ben", "Ann Roig"], [None, None, None]),
    ("time_in_label.txt", "Ann Roig (00:00:02): Hello.\nBen (00:00:05): Hi: all well.\nstill Ben\n"
                          "Ann Roig (00:01:10): Good.\n", ["Ann Roig", "Ben", "Ann Roig"], [2.0, 5.0, 70.0]),
    ("time_first.txt", "[00:00:02] Ann Roig: Hello.\n[00:00:05] Ben: Hi.\n[00:00:09] and more from Ben\n"
                       "[00:01:10] Ann Roig: Good.\n", ["Ann Roig", "Ben", "Ann Roig"], [2.0, 5.0, 70.0]),
    ("time_bracket_in_label.txt", "Ann Roig [00:00:02]: Hello.\nBen [00:00:05]: Hi.\nAnn Roig [00:01:10]: Good.\n",
     ["Ann Roig", "Ben", "Ann Roig"], [2.0, 5.0, 70.0]),
    ("bare_time_first.txt", "00:00:02 Ann Roig: Hello.\n00:00:05 Ben: Hi.\n00:01:10 Ann Roig: Good.\n",
     ["Ann Roig", "Ben", "Ann Roig"], [2.0, 5.0, 70.0]),
    ("otter.txt", "Ann Roig  0:02\nHello, everyone.\nThanks for coming.\n\nBen Soto  0:09\nHi: glad to be here.\n\n"
                  "Ann Roig  1:02:03\nGood.\n", ["Ann Roig", "Ben Soto", "Ann Roig"], [2.0, 9.0, 3723.0]),
    ("otter_numbered.txt", "Speaker 1  0:02\nHello.\n\nSpeaker 2  0:07\nHi.\n\nSpeaker 1  0:11\nGood.\n",
     ["Speaker 1", "Speaker 2", "Speaker 1"], [2.0, 7.0, 11.0]),
])
def test_common_layouts(tmp_path: Path, name: str, text: str, speakers: list[str], starts: list[float | None]) -> None:
    turns = merge_turns(read_transcript(write(tmp_path / name, text)).cues)
    assert [t.speaker for t in turns] == speakers
    assert [t.start for t in turns] == starts
    assert "Hi" in turns[1].text and ":" not in (turns[1].speaker or "")


def test_bold_continuation_keeps_its_words(tmp_path: Path) -> None:
    _, texts = _read(write(tmp_path / "b.md", "**Ann Roig**: Hello there.\n**Ben**: Hi.\nI agree.\n"))
    assert texts == ["Hello there.", "Hi. I agree."]


def test_sentences_with_colons_are_not_labels(tmp_path: Path) -> None:
    text = ("We asked three things: why, how and when.\nThe answer was clear: online.\n"
            "One more point: price.\nAnd a last one: time.\n")
    turns = merge_turns(read_transcript(write(tmp_path / "notes.txt", text)).cues)
    assert len(turns) == 1 and turns[0].speaker is None


def test_times_are_read_only_when_most_lines_start_with_one(tmp_path: Path) -> None:
    text = "Ann: We met at\n10:30 before class.\nBen: Fine.\nAnn: Then\n11:00 again.\n"
    turns = merge_turns(read_transcript(write(tmp_path / "t.txt", text)).cues)
    assert [(t.speaker, t.text, t.start) for t in turns] == [
        ("Ann", "We met at 10:30 before class.", None), ("Ben", "Fine.", None), ("Ann", "Then 11:00 again.", None)]


def test_a_long_interview_in_lower_case_becomes_many_turns(tmp_path: Path) -> None:
    """The tester's 9,400-word file read as one turn; the same layout at length reads turn by turn."""
    lines = [f"{'interviewer' if i % 2 else 'interviewee'}: " + "word " * 70 + "end." for i in range(130)]
    speakers, _ = _read(write(tmp_path / "long.txt", "\n\n".join(lines)))
    assert len(speakers) == 130 and Counter(speakers) == {"interviewee": 65, "interviewer": 65}


def test_docx_paragraphs_in_a_text_layout(tmp_path: Path) -> None:
    doc = Document()
    for line in ["Interview 3", "interviewer (00:00:01): Welcome.", "interviewee (00:00:04): Thanks: glad to be here.",
                 "interviewer (00:00:09): Why this course?", "interviewee (00:00:12): For my job.",
                 "And for fun.", "interviewer (00:00:20): Thank you.", "interviewee (00:00:22): Bye."]:
        doc.add_paragraph(line)
    doc.save(str(tmp_path / "int3.docx"))
    turns = merge_turns(read_transcript(tmp_path / "int3.docx").cues)
    assert [(t.speaker, t.start) for t in turns] == [(None, None), ("interviewer", 1.0), ("interviewee", 4.0),
                                                     ("interviewer", 9.0), ("interviewee", 12.0), ("interviewer", 20.0),
                                                     ("interviewee", 22.0)]
    assert turns[4].text == "For my job. And for fun."
