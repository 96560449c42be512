"""Read focus-group transcripts into speaker turns: Zoom and Teams WebVTT, SRT, DOCX, text and Markdown.

A transcript becomes cues (time span, speaker label, text), then turns:
consecutive cues of one speaker merge; cues with no speaker are kept and
flagged. Nothing is matched or replaced here; see :mod:`.documents`.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import TranscriptError

MAX_TRANSCRIPT_BYTES = 50 * 1024 * 1024
MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024
FORMATS = ("vtt", "srt", "docx", "txt")
TIMING = re.compile(r"^\s*(?:\d+:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+(?:\d+:)?\d{2}:\d{2}[.,]\d{3}(?:\s|$)")
ZOOM_CHAT = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})\t([^\t]+?):\t(.*)$")
SPEAKER_LINE = re.compile(r"^\s*(?:\*\*)?([^:\n]{1,60}?)(?:\*\*)?\s*:\s+(.*)$")


@dataclass(frozen=True)
class Cue:
    line: int  # where the cue starts in the file (1-based), for messages
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


def read_cues(path: Path, *, format: str = "auto", allow_overlap: bool = False) -> list[Cue]:
    """The cues of a transcript file, in order, with their speaker label when the file gives one."""
    _check_file(path)
    fmt = detect_format(path) if format == "auto" else format
    if fmt in ("vtt", "srt"):
        cues = _timed_cues(path, fmt)
        _check_order(path, cues, allow_overlap)
    elif fmt == "docx":
        cues = _paragraph_cues(path, _docx_paragraphs(path))
    elif fmt == "txt":
        lines = _text_lines(path)
        first = next((text for _, text in lines if text.strip()), "")
        cues = _chat_cues(lines) if ZOOM_CHAT.match(first) else _paragraph_cues(path, lines)
    else:
        raise TranscriptError(f"{path.name}: unknown transcript format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not any(c.text for c in cues):
        raise TranscriptError(f"{path.name}: the transcript holds no text")
    return cues


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".vtt": "vtt", ".srt": "srt", ".docx": "docx", ".md": "txt", ".txt": "txt"}.get(suffix, "txt")


def merge_turns(cues: list[Cue]) -> list[Turn]:
    """Consecutive cues of one speaker make one turn; unlabelled cues stay turns of their own."""
    turns: list[Turn] = []
    for cue in cues:
        if not cue.text:
            continue
        last = turns[-1] if turns else None
        if last is not None and cue.speaker is not None and cue.speaker == last.speaker:
            turns[-1] = Turn(last.speaker, f"{last.text} {cue.text}", last.start, cue.end, last.cues + 1, last.line)
        else:
            turns.append(Turn(cue.speaker, cue.text, cue.start, cue.end, 1, cue.line))
    return turns


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


# --- WebVTT and SRT -------------------------------------------------------------------------


def _timed_cues(path: Path, fmt: str) -> list[Cue]:
    import io

    import webvtt
    from webvtt.errors import MalformedFileError

    text = _read_text(path)
    for number, raw in enumerate(text.split("\n"), start=1):
        if "-->" in raw and not TIMING.match(raw):
            raise TranscriptError(f"{path.name}, line {number}: not a cue timing (expected 00:00:01.000 --> 00:00:02.000)")
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=fmt)
    except MalformedFileError as exc:
        raise TranscriptError(f"{path.name}: not a valid {fmt.upper()} file ({exc})") from None
    except (ValueError, IndexError) as exc:
        raise TranscriptError(f"{path.name}: not a valid {fmt.upper()} file ({exc})") from None
    lines = _cue_lines(text)
    cues = []
    for i, caption in enumerate(list(captions.captions)):
        body = html.unescape(caption.text).strip()
        speaker = html.unescape(caption.voice).strip() if caption.voice else None
        if speaker is None:
            speaker, body = _split_speaker(body)
        body = re.sub(r"\s+", " ", body).strip()
        line = lines[i] if i < len(lines) else 0
        cues.append(Cue(line, speaker, body, caption.start_in_seconds + caption.start_time.milliseconds / 1000,
                        caption.end_in_seconds + caption.end_time.milliseconds / 1000))
    return cues


def _cue_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), start=1) if "-->" in line]


def _check_order(path: Path, cues: list[Cue], allow_overlap: bool) -> None:
    for prev, cue in zip(cues, cues[1:]):
        if prev.start is None or cue.start is None or prev.end is None:
            continue
        if cue.start < prev.start:
            raise TranscriptError(f"{path.name}, line {cue.line}: this cue starts before the one above it")
        if cue.start < prev.end - 1e-6 and not allow_overlap:
            raise TranscriptError(
                f"{path.name}, line {cue.line}: this cue overlaps the one above it "
                f"({cue.start:.3f}s < {prev.end:.3f}s); fix the timings or import with --allow-overlap"
            )


def _split_speaker(body: str) -> tuple[str | None, str]:
    """Zoom writes `Name: text`. A label is short and reads like a name, not like a sentence."""
    match = SPEAKER_LINE.match(body)
    if match is None:
        return None, body
    label = match.group(1).strip()
    words = label.split()
    if not words or len(words) > 6 or any(ch in label for ch in "?!,;\"“”()[]") or label[0].islower():
        return None, body
    if label.endswith(".") or ". " not in label + " " and "." in label:  # "Dr. Ko" yes; "e.g" or "end." no
        return None, body
    if any(ch.isdigit() for ch in label) and not re.fullmatch(r"[A-Z][A-Za-z]*\s?\d+", label):
        return None, body  # "At 10" or a time is not a speaker; pseudonyms like P01 are
    return label, match.group(2)


# --- DOCX and plain text --------------------------------------------------------------------


def _docx_paragraphs(path: Path) -> list[tuple[int, str]]:
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
    return [(n, p.text) for n, p in enumerate(doc.paragraphs, start=1)]


def _text_lines(path: Path) -> list[tuple[int, str]]:
    return list(enumerate(_read_text(path).split("\n"), start=1))


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


def _paragraph_cues(path: Path, lines: list[tuple[int, str]]) -> list[Cue]:
    """`Speaker: text` starts a turn; other non-empty lines continue the current one."""
    cues: list[Cue] = []
    for line, raw in lines:
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        speaker, body = _split_speaker(text)
        if speaker is None and cues:
            last = cues[-1]
            cues[-1] = Cue(last.line, last.speaker, f"{last.text} {text}")
        else:
            cues.append(Cue(line, speaker, body.strip()))
    return cues
