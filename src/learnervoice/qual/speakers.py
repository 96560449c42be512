"""Speakers assigned by turn, for transcripts that name nobody (OneDrive and Teams exports, captions) or someone wrongly.

An assignment lives in a plain file of the study, ``transcripts/<document>.speakers.csv`` (columns
``turn,speaker``; turns counted from 1 as `learnervoice transcripts turns` shows them; a turn may be
a range like ``1-12``), and every import of the document reads it. So it survives the study being
opened again, the transcript being imported into a new store, and a move to a team server. The file
holds pseudonyms only: a name given for a speaker is linked to the roster (private/participants.csv)
as the import links the speakers a file names, and written as the pseudonym; a name the roster does
not know is refused, never stored.

>>> assign_speakers(study, store, "FG1", parse_assignments(["1-12=P03", "13,15=moderator"]))  # doctest: +SKIP
14
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotFoundError, TranscriptError
from ..store import QualStore
from ..store import documents as documents_db
from ..store import sync as sync_db
from ..study.load import Study
from ..study.roster import Roster, load_roster
from ..text import normalize

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

SPEAKERS_DIR = "transcripts"
UNIDENTIFIED = "Unidentified"  # "Unidentified 2": someone the roster does not hold, kept apart from the others
TURNS = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")

Wanted = dict[int, tuple[str, str]]  # turn (from 1) -> (speaker as given, where it was given, for messages)


@dataclass(frozen=True)
class Voice:
    """Who a turn is attributed to, as the store keeps it."""

    speaker: str  # a pseudonym, or "Unidentified N"
    participant: str | None
    role: str


def speakers_file(study: Study, document: str) -> Path:
    """Where the study keeps the speakers assigned to a document's turns."""
    safe = re.sub(r"[^\w.\- ]", "_", document).strip().lstrip(".") or "document"
    return study.folder / SPEAKERS_DIR / f"{safe}.speakers.csv"


def parse_assignments(items: Sequence[str], where: str = "--turns") -> Wanted:
    """`TURNS=SPEAKER` items (`1-12=P03`, `13,15=moderator`) as turn -> speaker.

    >>> sorted(parse_assignments(["1-2=P03", "4,6=M1"]).items())[0]
    (1, ('P03', "--turns '1-2=P03'"))
    """
    wanted: Wanted = {}
    for item in items:
        turns, sep, speaker = item.rpartition("=")
        place = f"{where} {item!r}"
        if not sep or not speaker.strip():
            raise TranscriptError(f"{place}: write turns and a speaker as 1-12=P03 or 13,15=moderator")
        for turn in _turn_numbers(turns, place):
            wanted[turn] = (speaker.strip(), place)
    return wanted


def read_speakers_csv(path: Path, label: str | None = None) -> Wanted:
    """A CSV of `turn,speaker` (turn: a number or a range like 1-12); each problem names its line and column."""
    label = label or path.name
    if not path.is_file():
        raise TranscriptError(f"{label}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in ("turn", "speaker") if c not in (reader.fieldnames or [])]
            if missing:
                raise TranscriptError(f"{label}, line 1: missing column(s) {', '.join(missing)}; the columns are turn,speaker")
            rows = list(enumerate(reader, start=2))
    except UnicodeDecodeError:
        raise TranscriptError(f"{label}: not UTF-8 text") from None
    wanted: Wanted = {}
    for line, row in rows:
        speaker = (row.get("speaker") or "").strip()
        if not speaker:
            raise TranscriptError(f"{label}, line {line}, column 'speaker': empty; give a pseudonym or a roster name")
        for turn in _turn_numbers(row.get("turn") or "", f"{label}, line {line}, column 'turn'"):
            wanted[turn] = (speaker, f"{label}, line {line}")
    return wanted


def _turn_numbers(text: str, place: str) -> list[int]:
    numbers: list[int] = []
    for part in text.split(","):
        match = TURNS.match(part)
        low, high = (int(match.group(1)), int(match.group(2) or match.group(1))) if match else (0, 0)
        if match is None or low < 1 or high < low:
            raise TranscriptError(f"{place}: {part.strip()!r} is not a turn or a range of turns like 1-12 (counted from 1)")
        numbers += range(low, high + 1)
    return numbers


def resolve(roster: Roster, wanted: Wanted) -> dict[int, Voice]:
    """Each speaker linked to the roster (a pseudonym, a name or alias, or `moderator` when there is one);
    every speaker the roster does not know is listed, by where it was given, and nothing is assigned."""
    pseudonyms = {p.pseudonym: p for p in roster.participants}
    moderators = [p for p in roster.participants if p.is_moderator]
    voices: dict[int, Voice] = {}
    problems: dict[str, str] = {}
    for turn, (label, place) in sorted(wanted.items()):
        person = pseudonyms.get(label) or roster.match(label)
        if person is None and normalize(label) == "moderator" and len(moderators) == 1:
            person = moderators[0]
        if person is not None:
            voices[turn] = Voice(person.pseudonym, person.pseudonym, person.role)
        elif re.fullmatch(rf"{UNIDENTIFIED} \d+", label):
            voices[turn] = Voice(label, None, "unknown")
        elif normalize(label) == "moderator":
            problems[place] = (f"'moderator' names {len(moderators)} people in the roster; give a pseudonym "
                               f"({', '.join(p.pseudonym for p in moderators) or 'none is a moderator'})")
        else:
            problems[place] = (f"{label!r} is nobody in the roster (private/participants.csv); give a pseudonym, a "
                               f"name or alias the roster holds, or '{UNIDENTIFIED} N'")
    if problems:
        raise TranscriptError("; ".join(f"{place}: {why}" for place, why in problems.items()) + "; nothing was assigned")
    return voices


def file_voices(study: Study, roster: Roster, document: str, turns: int) -> dict[int, Voice]:
    """The speakers the study's file assigns to the document's turns (turn from 1); none when it has no file."""
    path = speakers_file(study, document)
    if not path.is_file():
        return {}
    label = path.relative_to(study.folder).as_posix()
    voices = resolve(roster, read_speakers_csv(path, label))
    _check_range(voices, turns, label, document)
    return voices


def _check_range(voices: dict[int, Voice], turns: int, label: str, document: str) -> None:
    beyond = [t for t in voices if t > turns]
    if beyond:
        raise TranscriptError(f"{label}: turn {min(beyond)} is beyond the last turn of {document!r} ({turns}); "
                              f"see `learnervoice transcripts turns`")


def assign_speakers(study: Study, store: QualStore, document: str, wanted: Wanted, *, who: str = "cli") -> int:
    """Set the speaker of turns of a stored document, in the store and in its speakers file, together; how many."""
    roster = load_roster(study)
    voices = resolve(roster, wanted)
    path = speakers_file(study, document)
    kept = resolve(roster, read_speakers_csv(path, path.name)) if path.is_file() else {}
    merged = {turn: v.speaker for turn, v in (kept | voices).items()}
    detail = {"document": document, "turns": len(voices), "speakers": sorted({v.speaker for v in voices.values()})}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with store.change(who, "assign_speakers", detail) as conn:
            doc_id = documents_db.id_of(conn, document)
            if doc_id is None:
                raise NotFoundError(f"no document {document!r} in the study; see `learnervoice transcripts list`")
            _check_range(voices, len(documents_db.turns_of(conn, doc_id)), "--turns", document)
            documents_db.set_speakers(conn, doc_id, _changes(voices))
            _write(tmp, merged)
            record_file(study, conn, tmp, path)
            os.replace(tmp, path)  # last: a failure before it leaves the store and the file as they were
    finally:
        tmp.unlink(missing_ok=True)
    return len(voices)


def apply_file(study: Study, store: QualStore, document: str, *, who: str = "study files") -> None:
    """Bring a stored document's speakers up to date with its speakers file (the file changed since)."""
    with store.read() as conn:
        doc_id = documents_db.id_of(conn, document)
        turns = len(documents_db.turns_of(conn, doc_id)) if doc_id is not None else 0
    if doc_id is None:
        return
    voices = file_voices(study, load_roster(study), document, turns)
    detail = {"document": document, "turns": len(voices), "file": speakers_file(study, document).name}
    with store.change(who, "assign_speakers", detail) as conn:
        documents_db.set_speakers(conn, doc_id, _changes(voices))


def record_file(study: Study, conn: Connection, content: Path, path: Path) -> None:
    """Remember the speakers file as brought in (so opening the study does not apply it again)."""
    digest = hashlib.sha256(content.read_bytes()).hexdigest()
    sync_db.record(conn, path.relative_to(study.folder).as_posix(), digest)


def _changes(voices: dict[int, Voice]) -> dict[int, tuple[str, str | None, str]]:
    """Turn index (from 0, as stored) -> (speaker, participant, role)."""
    return {turn - 1: (v.speaker, v.participant, v.role) for turn, v in voices.items()}


def _write(path: Path, turns: dict[int, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["turn", "speaker"])
        writer.writerows([turn, speaker] for turn, speaker in sorted(turns.items()))


def turn_listing(store: QualStore, document: str, *, width: int = 80) -> list[dict[str, object]]:
    """The document's turns as `assign_speakers` counts them (from 1), with their start time, speaker and first words."""
    with store.read() as conn:
        doc_id = documents_db.id_of(conn, document)
        if doc_id is None:
            raise NotFoundError(f"no document {document!r} in the study; see `learnervoice transcripts list`")
        found = documents_db.timed_turns(conn, doc_id)
    return [{"turn": idx + 1, "time": "" if at is None else _clock(at), "speaker": speaker,
             "words": words if len(words) <= width else words[: width - 1] + "…"} for idx, speaker, words, at in found]


def _clock(seconds: float) -> str:
    whole = int(abs(seconds))
    return f"{'-' if seconds < 0 else ''}{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
