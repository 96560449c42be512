"""WebVTT and SRT read as real tools write them (Zoom, Teams, OneDrive and Stream, subtitle editors).

Real exports differ from the WebVTT specification: Teams writes `0:0:0.0 --> 0:0:5.320` and
negative times, cue identifiers like `90a4b0c8-…/18-0`, `<v Name>` spans without `</v>`; people
talk at once, so cues overlap; a participant may say "a --> b". So this reader is lenient and
never silent about it:

- a line is a cue timing only when it parses whole as one (`[-][h:]m:s[.fff] --> …`, hours,
  minutes and seconds of any width, a fraction of 1 to 9 digits, then only `name:value` settings);
- NOTE, STYLE and REGION blocks and the header are skipped; a cue identifier before a timing is dropped;
- `<v Name>` (also `<v.loud Name>`, with or without `</v>`) gives the speaker; other tags
  (`<c>`, `<i>`, `<b>`, `<u>`, `<lang>`, `<ruby>`, `<font>`, `<00:00:01.000>`) are stripped;
- what cannot be read as the format says is kept when it is text and *noted* with its line: an
  unreadable timing (its text kept without times), a negative time, a cue that ends before it
  starts, cues out of order or overlapping (kept in file order), text outside any cue.

Nothing is refused here except a file in which no cue timing can be read at all.

>>> cues, notes = read_timed("WEBVTT\\n\\n0:0:0.0 --> 0:0:10.20\\n<v Ann Roig>Hello</v>\\n", "vtt")
>>> cues[0].voice, cues[0].text, cues[0].end
('Ann Roig', 'Hello', 10.2)
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TIMESTAMP = re.compile(r"(-)?(?:(\d+):)?(\d+):(\d+)(?:[.,](\d{1,9}))?")
TIMING_SHAPE = re.compile(r"^\s*(\S+?)\s*-->\s*(\S+)((?:[ \t]+[^\s:]+:\S*)*)[ \t]*$")
LOOKS_TIMED = re.compile(r"^\s*-?\d[\d:.,]*\s*-->")  # starts like a timing, whatever follows
IDENTIFIER = re.compile(r"^\s*(?:\d+|(?=\S*\d)[0-9A-Fa-f]{4,}(?:-[0-9A-Fa-f]+)*(?:/\d+-\d+)?)\s*$")
SKIPPED_BLOCK = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t]|$)")
VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
TAGS = re.compile(r"</?(?:v|c|i|b|u|lang|ruby|rt|font|span)(?:[.\s][^>]*)?>|<\d+(?::\d+)+(?:[.,]\d+)?>|\{\\[^}]*\}",
                  re.IGNORECASE)


Raw = list[tuple[int, list[str], float | None, float | None]]  # a cue: its line, its text lines, start, end


@dataclass(frozen=True)
class TimedCue:
    """One cue as the file gives it: its first line, the voice of its `<v>` span (if any), its words."""

    line: int
    voice: str | None
    text: str
    start: float | None
    end: float | None


@dataclass(frozen=True)
class Note:
    """Something in the file that was not as the format says, and what was done about it."""

    line: int
    kind: str  # timing, negative, backwards, order, overlap, outside, header
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def parse_timestamp(text: str) -> float | None:
    """Seconds of a WebVTT or SRT time as tools write it (`00:01:02.500`, `0:1:2.5`, `01:02,5`); None if it is not one.

    >>> parse_timestamp("0:0:10.20"), parse_timestamp("01:02.5"), parse_timestamp("-0:0:1.0"), parse_timestamp("a")
    (10.2, 62.5, -1.0, None)
    """
    match = TIMESTAMP.fullmatch(text.strip())
    if match is None:
        return None
    sign, hours, minutes, seconds, fraction = match.groups()
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + (float(f"0.{fraction}") if fraction else 0.0)
    return -value if sign else value


def parse_timing(line: str) -> tuple[float, float] | None:
    """Start and end of a cue timing line, or None unless the whole line is one (so "a --> b" is text).

    >>> parse_timing("00:00:01.000 --> 00:00:02.000 align:start"), parse_timing("I said a --> b")
    ((1.0, 2.0), None)
    """
    if "-->" not in line:
        return None
    shape = TIMING_SHAPE.match(line)
    if shape is None:
        return None
    start, end = parse_timestamp(shape.group(1)), parse_timestamp(shape.group(2))
    return None if start is None or end is None else (start, end)


def read_timed(text: str, fmt: str) -> tuple[list[TimedCue], list[Note]]:
    """The cues of WebVTT (`fmt="vtt"`) or SRT text in file order, and what was noted on the way.

    Raises ValueError (with the line of the first unreadable timing) when no cue timing can be read.
    """
    notes: list[Note] = []
    blocks = _blocks(text.split("\n"))
    if blocks and blocks[0][0][1].lstrip("\ufeff").startswith("WEBVTT"):
        blocks[0] = blocks[0][1:]
        if not any(parse_timing(raw) for _, raw in blocks[0]):
            blocks = blocks[1:]  # the header: WEBVTT and its metadata lines (Kind:, Language:)
    elif fmt == "vtt" and blocks:
        notes.append(Note(blocks[0][0][0], "header", "the file does not start with WEBVTT; read as WebVTT anyway"))
    raw: Raw = []
    for block in blocks:
        _read_block(block, raw, notes)
    if not any(start is not None for _, _, start, _ in raw):
        first = next((n.line for n in notes if n.kind == "timing"), None) or \
            next((n for n, line in enumerate(text.split("\n"), start=1) if "-->" in line), None)
        where = f"line {first}: not a cue timing" if first else "no cue timing found"
        raise ValueError(f"{where} (expected 00:00:01.000 --> 00:00:02.000); no cue of the file has a readable "
                         f"timing, so it cannot be read as {fmt.upper()}")
    _check_times(raw, notes)
    cues = [cue for line, lines, start, end in raw for cue in _voices(line, "\n".join(lines), start, end)]
    return cues, sorted(notes, key=lambda n: n.line)


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its number (1-based)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [b for b in blocks if b]


def _read_block(block: list[tuple[int, str]], raw: Raw, notes: list[Note]) -> None:
    """One block: cues at each line that is a timing (several when a file leaves out the blank lines)."""
    timed = [(i, timing) for i, (_, line) in enumerate(block) if (timing := parse_timing(line)) is not None]
    if not timed:
        _untimed_block(block, raw, notes)
        return
    if timed[0][0] > 1:  # lines above the identifier: text that belongs to no cue
        _outside(block[: timed[0][0] - 1], raw, notes)
    for k, (at, (start, end)) in enumerate(timed):
        stop = timed[k + 1][0] if k + 1 < len(timed) else len(block)
        lines = [line for _, line in block[at + 1 : stop]]
        if k + 1 < len(timed) and lines and IDENTIFIER.match(lines[-1]):
            lines = lines[:-1]  # the identifier of the next cue
        raw.append((block[at][0], lines, start, end))


def _untimed_block(block: list[tuple[int, str]], raw: Raw, notes: list[Note]) -> None:
    """A block with no readable timing: a NOTE, STYLE or REGION block, an unreadable timing, or stray text."""
    if SKIPPED_BLOCK.match(block[0][1]):
        return
    bad = next((i for i, (_, line) in enumerate(block[:2]) if LOOKS_TIMED.match(line)), None)
    if bad is None:
        _outside(block, raw, notes)
        return
    number = block[bad][0]  # the line itself is not repeated: it may hold words someone said
    notes.append(Note(number, "timing", "not a cue timing (expected 00:00:01.000 --> 00:00:02.000): its text is "
                                        "kept, without times"))
    raw.append((number, [text for _, text in block[bad + 1 :]], None, None))


def _outside(lines: list[tuple[int, str]], raw: Raw, notes: list[Note]) -> None:
    """Text under no timing (a blank line inside a cue, or stray lines): kept with the cue above it."""
    words = [line for _, line in lines]
    if raw:
        number, previous, start, end = raw[-1]
        raw[-1] = (number, previous + words, start, end)
        notes.append(Note(lines[0][0], "outside", "text under no cue timing; kept with the cue above it"))
    else:
        raw.append((lines[0][0], words, None, None))
        notes.append(Note(lines[0][0], "outside", "text before the first cue timing; kept, without times"))


def _check_times(raw: Raw, notes: list[Note]) -> None:
    """Note negative times, cues that end before they start, and cues out of order or overlapping (all kept)."""
    previous: tuple[float, float] | None = None
    for i, (line, lines, start, end) in enumerate(raw):
        if start is None or end is None:
            continue
        if start < 0 or end < 0:
            notes.append(Note(line, "negative", f"a negative time ({_clock(min(start, end))}): the transcription "
                                                "began during the conversation; kept"))
        if end < start:
            notes.append(Note(line, "backwards", f"ends ({_clock(end)}) before it starts ({_clock(start)}); "
                                                 "kept, ending where it starts"))
            end = start
            raw[i] = (line, lines, start, end)
        if previous is not None and start < previous[0]:
            notes.append(Note(line, "order", f"starts ({_clock(start)}) before the cue above it "
                                             f"({_clock(previous[0])}); kept in file order"))
        elif previous is not None and start < previous[1] - 1e-6:
            notes.append(Note(line, "overlap", f"starts ({_clock(start)}) before the cue above it ends "
                                               f"({_clock(previous[1])}): people talking at once; kept in file order"))
        previous = (start, max(end, previous[1]) if previous is not None and start < previous[1] else end)


def _clock(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    millis = round(abs(seconds) * 1000)
    return f"{sign}{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def _voices(line: int, body: str, start: float | None, end: float | None) -> list[TimedCue]:
    """A cue's words, one cue per `<v>` span (most cues have one or none), tags stripped, entities decoded."""
    spans: list[tuple[str | None, str]] = []
    at = 0
    voice: str | None = None
    for match in VOICE.finditer(body):
        spans.append((voice, body[at : match.start()]))
        voice = html.unescape(match.group(1) or "").strip() or None
        at = match.end()
    spans.append((voice, body[at:]))
    cues = []
    for who, words in spans:
        clean = " ".join(html.unescape(TAGS.sub("", words)).split())
        if clean:
            cues.append(TimedCue(line, who, clean, start, end))
    return cues
