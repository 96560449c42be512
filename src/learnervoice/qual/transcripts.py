"""Read focus-group transcripts into speaker turns: Zoom, Teams and OneDrive WebVTT, SRT, DOCX, text and Markdown.

A transcript becomes cues (time span, speaker label, text), then turns:
consecutive cues of one speaker merge, up to a limit of words (a longer turn goes on
in a new turn at a cue boundary, see `merge_turns`); cues with no speaker are kept and
flagged. What a file holds that its format does not allow is read where it can
be and noted with its line (see :mod:`.timed`); nothing is matched or replaced
here (see :mod:`.documents`). docs/transcripts.md says what is read from each tool.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TranscriptError
from .layouts import labelled_lines, looks_like_name
from .timed import Note, parse_timestamp, parse_timing, read_timed

MAX_TRANSCRIPT_BYTES = 50 * 1024 * 1024
MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024
FORMATS = ("vtt", "srt", "docx", "txt")
ZOOM_CHAT = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})\t([^\t]+?):\t(.*)$")
SPEAKER_LINE = re.compile(r"^\s*(?:\*\*)?([^:\n]{1,60}?)(?:\*\*)?\s*:\s+(.*)$")
MAX_TURN_WORDS = 250  # about two minutes of speech; docs/transcripts.md
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
TEAMS_HEADING = re.compile(r"^\s*(\S[^\t]{0,59}?)\s+[\[(]?(\d{1,2}(?::\d{2}){1,2})[\])]?\s*$")  # "Ann Roig   1:02" (Teams .docx, Otter)


@dataclass(frozen=True)
class Cue:
    line: int  # where the cue starts in the file (1-based; a paragraph for .docx), for messages
    speaker: str | None
    text: str
    start: float | None = None  # seconds
    end: float | None = None


@dataclass(frozen=True)
class Turn:
    speaker: str | None
    text: str
    start: float | None
    end: float | None
    cues: int
    line: int
    continues: bool = False  # the speaker's previous turn went on past the word limit and was split here


@dataclass(frozen=True)
class Reading:
    """A transcript as read: its cues in file order, and what was noted (kept, but not as the format says)."""

    cues: list[Cue]
    notes: list[Note] = field(default_factory=list)


def read_transcript(path: Path, *, format: str = "auto") -> Reading:
    """The cues of a transcript file, in order, with their speaker label when the file gives one.

    >>> read_transcript(Path("fg1.vtt")).cues[0].speaker  # doctest: +SKIP
    'Ann Roig'
    """
    _check_file(path)
    fmt = detect_format(path) if format == "auto" else format
    if format == "auto" and fmt == "txt" and path.suffix.lower() != ".md":
        with path.open("rb") as fh:
            fmt = "vtt" if fh.read(16).removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT") else fmt  # WebVTT saved as .txt
    notes: list[Note] = []
    if fmt in ("vtt", "srt"):
        cues, notes = _timed_cues(path, fmt)
    elif fmt in ("docx", "txt"):
        cues = _line_cues(_docx_lines(path) if fmt == "docx" else _text_lines(path))
    else:
        raise TranscriptError(f"{path.name}: unknown transcript format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not any(c.text for c in cues):
        raise TranscriptError(f"{path.name}: the transcript holds no text")
    return Reading(cues, notes)


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".vtt": "vtt", ".srt": "srt", ".docx": "docx", ".md": "txt", ".txt": "txt"}.get(suffix, "txt")


def merge_turns(cues: list[Cue], *, max_words: int = MAX_TURN_WORDS) -> list[Turn]:
    """Consecutive cues of one speaker make one turn; unlabelled cues stay turns of their own.

    A turn never grows past `max_words` words by a cue that starts a new sentence: the speaker goes on
    in a new turn (`continues`) at that cue boundary. A turn whose cues end mid-sentence grows until a
    cue ends a sentence, but past twice the limit it is split at the next cue boundary anyway.
    """
    turns: list[Turn] = []
    words = 0
    for cue in cues:
        if not cue.text:
            continue
        last = turns[-1] if turns else None
        size = len(cue.text.split())
        if last is not None and cue.speaker is not None and cue.speaker == last.speaker:
            if not _past_limit(last.text, words + size, max_words):
                turns[-1] = Turn(last.speaker, f"{last.text} {cue.text}", last.start, cue.end, last.cues + 1, last.line,
                                 last.continues)
                words += size
                continue
            turns.append(Turn(cue.speaker, cue.text, cue.start, cue.end, 1, cue.line, continues=True))
        else:
            turns.append(Turn(cue.speaker, cue.text, cue.start, cue.end, 1, cue.line))
        words = size
    return turns


def _past_limit(text: str, words: int, max_words: int) -> bool:
    """Whether a turn of `text` with `words` words once the next cue joins should stop before that cue."""
    return words > max_words and (SENTENCE_END.search(text) is not None or words > 2 * max_words)


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise TranscriptError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise TranscriptError(f"{path.name}: the file is empty")
    if size > MAX_TRANSCRIPT_BYTES:
        raise TranscriptError(f"{path.name}: {size / 1024**2:.0f} MB is above the 50 MB limit for one transcript")


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TranscriptError(f"{path.name}: this is not a text file (binary content)")
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise TranscriptError(f"{path.name}, line {line}: not valid UTF-8 text") from None
    control = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n")
    if control > 10:
        raise TranscriptError(f"{path.name}: this is not a text file (binary content)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- WebVTT and SRT (read by .timed) ---------------------------------------------------------


def _timed_cues(path: Path, fmt: str) -> tuple[list[Cue], list[Note]]:
    try:
        timed, notes = read_timed(_read_text(path), fmt)
    except ValueError as exc:
        raise TranscriptError(f"{path.name}, {exc}") from None
    cues = []
    for cue in timed:
        speaker, body = (cue.voice, cue.text) if cue.voice else _split_speaker(cue.text)
        cues.append(Cue(cue.line, speaker, body.strip(), cue.start, cue.end))
    return cues, notes


def _split_speaker(body: str) -> tuple[str | None, str]:
    """Zoom writes `Name: text`. A label is short and reads like a name, not like a sentence."""
    match = SPEAKER_LINE.match(body)
    if match is None or not looks_like_name(match.group(1)):
        return None, body
    return match.group(1).strip(), match.group(2)


# --- DOCX and plain text --------------------------------------------------------------------


def _docx_lines(path: Path) -> list[tuple[int, str]]:
    """The document's lines, each with the number of its paragraph (a line break inside one makes two lines)."""
    try:
        with zipfile.ZipFile(path) as zf:
            entries = zf.infolist()
            if len(entries) > 2000 or sum(e.file_size for e in entries) > MAX_DOCX_UNCOMPRESSED:
                raise TranscriptError(f"{path.name}: the document unpacks to too much data (a zip bomb?); refused")
    except zipfile.BadZipFile:
        raise TranscriptError(f"{path.name}: not a .docx document (not a zip archive)") from None
    from docx import Document

    try:
        doc = Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for broken packages
        raise TranscriptError(f"{path.name}: not a readable .docx document ({type(exc).__name__})") from None
    return [(n, line) for n, p in enumerate(doc.paragraphs, start=1) for line in p.text.split("\n")]


def _text_lines(path: Path) -> list[tuple[int, str]]:
    return list(enumerate(_read_text(path).split("\n"), start=1))


def _line_cues(lines: list[tuple[int, str]]) -> list[Cue]:
    """Text or a document, in the layout its first lines show: a Zoom chat, one of Teams' two .docx
    layouts (`0:0:1.5 --> 0:0:4.2` / name / words, or `Name   1:02` / words), or `Speaker: text` paragraphs."""
    head = [text.strip() for _, text in lines if text.strip()][:40]
    if head and ZOOM_CHAT.match(head[0]):
        return _chat_cues(lines)
    if any(parse_timing(text) for text in head):
        return _teams_timed_cues(lines)
    headings = [i for i, text in enumerate(head) if _teams_heading(text)]
    if len(headings) >= 2 and headings[0] < 6:
        return _teams_heading_cues(lines)
    return _paragraph_cues(lines)


def _chat_cues(lines: list[tuple[int, str]]) -> list[Cue]:
    """A Zoom chat export: `HH:MM:SS<tab>Name:<tab>message`; reactions ("Reacted to …") are not words said."""
    cues: list[Cue] = []
    for line, raw in lines:
        match = ZOOM_CHAT.match(raw.strip("\n"))
        if match is None:
            if raw.strip() and cues:  # a message running over several lines
                last = cues[-1]
                cues[-1] = Cue(last.line, last.speaker, f"{last.text} {raw.strip()}", last.start, last.end)
            continue
        h, m, s, speaker, text = match.groups()
        if text.startswith(("Reacted to ", "Removed a ")):
            continue
        seconds = int(h) * 3600 + int(m) * 60 + int(s)
        cues.append(Cue(line, speaker.strip(), text.strip(), float(seconds), float(seconds)))
    return cues


def _teams_timed_cues(lines: list[tuple[int, str]]) -> list[Cue]:
    """Teams' older .docx (and copied text): a timing line, the speaker's name on the next line, then the words."""
    cues: list[Cue] = []
    current: tuple[int, float, float, list[str]] | None = None
    for line, raw in [*lines, (0, "0:0:0.0 --> 0:0:0.0")]:  # a last timing closes the last cue
        timing = parse_timing(raw)
        if timing is None:
            if raw.strip() and current is not None:
                current[3].append(raw.strip())
            continue
        if current is not None and current[3]:
            at, start, end, words = current
            name: str | None
            if len(words) > 1 and looks_like_name(words[0]):
                name, said = words[0], " ".join(words[1:])
            else:
                name, said = _split_speaker(" ".join(words))
            cues.append(Cue(at, name, said.strip(), start, end))
        current = (line, timing[0], timing[1], [])
    return cues


def _teams_heading(text: str) -> tuple[str, float] | None:
    match = TEAMS_HEADING.match(text)
    if match is None or not looks_like_name(match.group(1)):
        return None
    seconds = parse_timestamp(match.group(2))
    return None if seconds is None else (match.group(1).strip(), seconds)


def _teams_heading_cues(lines: list[tuple[int, str]]) -> list[Cue]:
    """Teams' newer .docx: `Name   1:02` on a line of its own, then the words; lines before the first are the title."""
    cues: list[Cue] = []
    for line, raw in lines:
        heading = _teams_heading(raw.strip())
        if heading is not None:
            cues.append(Cue(line, heading[0], "", heading[1], heading[1]))
        elif raw.strip() and cues:
            last = cues[-1]
            cues[-1] = Cue(last.line, last.speaker, f"{last.text} {raw.strip()}".strip(), last.start, last.end)
    return cues


def _paragraph_cues(lines: list[tuple[int, str]]) -> list[Cue]:
    """A line opening with a speaker's label starts a turn (the layouts of :mod:`.layouts`); other lines continue it."""
    cues: list[Cue] = []
    for read in labelled_lines(lines):
        if read.speaker is None and cues:
            last = cues[-1]
            end = read.time if read.time is not None else last.end
            cues[-1] = Cue(last.line, last.speaker, f"{last.text} {read.text}".strip(), last.start, end)
        else:
            cues.append(Cue(read.line, read.speaker, read.text, read.time, read.time))
    return cues
