"""The WebVTT/SRT reader on what real tools write: Teams' short and negative timings, identifiers, voice spans,
NOTE/STYLE/REGION blocks, "-->" said aloud, overlapping and unreadable cues noted (never a crash)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learnervoice.qual.timed import parse_timestamp, parse_timing, read_timed


@pytest.mark.parametrize(("text", "seconds"), [
    ("00:00:01.000", 1.0), ("0:0:0.0", 0.0), ("0:0:10.20", 10.2), ("0:0:7.80", 7.8), ("0:1:2.5", 62.5),
    ("01:02.500", 62.5), ("1:02:03,040", 3723.04), ("12:00:00.001", 43200.001), ("-0:0:1.500", -1.5),
    ("00:00:05", 5.0), ("100:00:00.000", 360000.0),
])
def test_timestamps_as_tools_write_them(text: str, seconds: float) -> None:
    assert parse_timestamp(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "5", "1.5", "a:b:c", "00:00:01.", "00:00:01.0000000000", "--00:01.0", "1:2:3:4"])
def test_not_timestamps(text: str) -> None:
    assert parse_timestamp(text) is None


@pytest.mark.parametrize(("line", "timing"), [
    ("00:00:01.000 --> 00:00:02.000", (1.0, 2.0)),
    ("0:0:0.0 --> 0:0:10.20", (0.0, 10.2)),
    ("00:01.000-->00:02.500", (1.0, 2.5)),
    ("00:00:01,000 --> 00:00:02,000 X1:100 X2:200 Y1:10 Y2:20", (1.0, 2.0)),
    ("  00:00:01.000 --> 00:00:02.000 align:start position:10%  ", (1.0, 2.0)),
])
def test_timing_lines(line: str, timing: tuple[float, float]) -> None:
    assert parse_timing(line) == pytest.approx(timing)


@pytest.mark.parametrize("line", [
    "a --> b", "I went from course --> badge --> job", "00:00:01.000 --> banana", "00:00:01.000 --> 00:00:02.000 and then",
    "1 --> 2", "00:00:01.000 -> 00:00:02.000", "-->",
])
def test_lines_that_are_not_timings(line: str) -> None:
    assert parse_timing(line) is None


def test_teams_layout_blocks_tags_and_identifiers() -> None:
    cues, notes = read_timed(
        "WEBVTT\nKind: captions\nLanguage: en\n\n"
        "NOTE exported by a tool\nwith a line that says a --> b\n\n"
        "STYLE\n::cue { color: yellow }\n\n"
        "REGION\nid:fred width:40%\n\n"
        "90a4b0c8-b2ca-4147-85e9-515fe750cc7a/18-0\n0:0:0.0 --> 0:0:4.630\n"
        "<v.loud Ann Roig>First <c.yellow>line</c>,\n<i>second</i> <00:00:02.000>line</v>\n\n"
        "7\n00:05.000 --> 00:08.000 line:0 position:50%\n<v Bo Li>No closing tag &amp; an entity\n\n"
        "00:00:08.000 --> 00:00:09.000\n<v Ann Roig>Hi</v> <v Bo Li>Hello</v>\n\n"
        "00:00:09.500 --> 00:00:10.000\n<b>Nobody</b> named\n", "vtt")
    assert [(c.line, c.voice, c.text, c.start, c.end) for c in cues] == [
        (15, "Ann Roig", "First line, second line", 0.0, 4.63),
        (20, "Bo Li", "No closing tag & an entity", 5.0, 8.0),
        (23, "Ann Roig", "Hi", 8.0, 9.0),
        (23, "Bo Li", "Hello", 8.0, 9.0),
        (26, None, "Nobody named", 9.5, 10.0),
    ]
    assert notes == []


def test_arrow_said_aloud_is_text() -> None:
    cues, notes = read_timed("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ann>a --> b\nand 1 --> 2 too</v>\n", "vtt")
    assert [c.text for c in cues] == ["a --> b and 1 --> 2 too"] and notes == []


def test_what_is_kept_and_noted() -> None:
    text = ("WEBVTT\n\n"
            "-0:0:1.500 --> 0:0:2.0\nbefore the recording\n\n"        # line 3: negative
            "00:00:03.000 --> 00:00:08.000\n<v Ann>long answer</v>\n\n"  # line 6
            "00:00:05.000 --> 00:00:06.000\n<v Bo>at once</v>\n\n"       # line 9: overlap
            "00:00:04.000 --> 00:00:07.000\n<v Cy>me too</v>\n\n"        # line 12: out of order
            "00:00:12.000 --> 00:00:11.000\nbackwards\n\n"             # line 15: ends before it starts
            "00:00:20.000 --> banana\nwords kept\n\n"                  # line 18: unreadable timing
            "a second paragraph of the same cue\n")                   # line 21: outside any cue
    cues, notes = read_timed(text, "vtt")
    assert [c.text for c in cues] == ["before the recording", "long answer", "at once", "me too", "backwards",
                                      "words kept a second paragraph of the same cue"]
    assert cues[0].start == -1.5 and cues[4].end == 12.0 and cues[5].start is None
    assert [(n.line, n.kind) for n in notes] == [(3, "negative"), (9, "overlap"), (12, "order"), (15, "backwards"),
                                                 (18, "timing"), (21, "outside")]
    assert "banana" not in str(notes[4])  # a note never repeats what the line says (it may hold a name)


def test_cues_without_blank_lines_and_srt() -> None:
    cues, _ = read_timed("0:0:0.0 --> 0:0:1.250\nJane: Hi\n12ab-3/4-0\n0:0:2.90 --> 0:0:4.480\nJohn: Hello\n", "vtt")
    assert [(c.text, c.start) for c in cues] == [("Jane: Hi", 0.0), ("John: Hello", 2.9)]
    srt = "1\n00:00:01,000 --> 00:00:02,500\n<font color=\"#fff\">{\\an8}Top line</font>\n\n2\n00:00:03,000 --> 00:00:04,000\n<i>x</i>\n"
    cues, notes = read_timed(srt, "srt")
    assert [(c.text, c.start, c.end) for c in cues] == [("Top line", 1.0, 2.5), ("x", 3.0, 4.0)] and notes == []


def test_a_vtt_without_header_is_read_and_noted() -> None:
    cues, notes = read_timed("1\n00:00:01.000 --> 00:00:02.000\nhello\n", "vtt")
    assert cues[0].text == "hello" and [n.kind for n in notes] == ["header"]


def test_no_readable_timing_at_all_is_refused_with_the_line() -> None:
    with pytest.raises(ValueError, match="line 3: not a cue timing"):
        read_timed("WEBVTT\n\n00:00:01.000 --> banana\nhello\n", "vtt")
    with pytest.raises(ValueError, match="no cue timing found"):
        read_timed("just some words\n", "vtt")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["WEBVTT", "", "NOTE x", "0:0:1.0 --> 0:0:2.0", "-0:0:3.0 --> 0:0:1.0", "a --> b",
                                 "00:01.000 --> banana", "<v Ann>hi", "</v>", "12-ab/3-0", "7", "words", "&amp;<b>"]),
                max_size=30))
def test_never_crashes(lines: list[str]) -> None:
    try:
        cues, notes = read_timed("\n".join(lines), "vtt")
    except ValueError as exc:
        assert "timing" in str(exc)
        return
    assert all(c.text for c in cues) and all(n.line >= 1 for n in notes)
