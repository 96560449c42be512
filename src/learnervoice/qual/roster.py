"""The participant roster: pseudonyms, the names people are called in transcripts, attributes.

The roster lives in the study's private folder (`private/participants.csv`):
names and aliases never leave it. Everything else reads pseudonyms.

Columns: pseudonym, names (``;``-separated: full names, first names, aliases
as transcripts spell them), role (participant or moderator), respondent_id
(the questionnaire respondent), then any attributes (age_band, gender,
career_stage, focus_group…).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RosterError
from ..study.load import Study
from ..survey.text import normalize

ROSTER_FILE = Path("private") / "participants.csv"
FIXED = ("pseudonym", "names", "role", "respondent_id")
PSEUDONYM = re.compile(r"^[A-Z][A-Za-z]*\d{1,4}$")
HONORIFIC = re.compile(r"^(?:dr|dra|prof|mr|mrs|ms|mx|sr|sra|srta)\.?\s+")


@dataclass(frozen=True)
class Participant:
    pseudonym: str
    names: tuple[str, ...]
    role: str = "participant"
    respondent_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def is_moderator(self) -> bool:
        return self.role == "moderator"

    def spellings(self) -> set[str]:
        """Every way a transcript may name this person: each name, and each full name's first name."""
        out: set[str] = set()
        for name in self.names:
            out.add(name)
            parts = name.split()
            if len(parts) > 1:
                out.add(parts[0])
        return out


@dataclass(frozen=True)
class Roster:
    participants: tuple[Participant, ...]

    def by_pseudonym(self, pseudonym: str) -> Participant:
        for p in self.participants:
            if p.pseudonym == pseudonym:
                return p
        raise KeyError(pseudonym)

    def match(self, speaker: str) -> Participant | None:
        """The participant a speaker label names (accents, case, spacing and titles ignored), if exactly one."""
        key = HONORIFIC.sub("", normalize(speaker))
        full = [p for p in self.participants if any(normalize(n) == key for n in p.names)]
        if len(full) == 1:
            return full[0]
        first = [p for p in self.participants if any(normalize(n) == key for n in p.spellings())]
        return first[0] if len(first) == 1 else None


def roster_path(study: Study) -> Path:
    return study.folder / ROSTER_FILE


def load_roster(study: Study) -> Roster:
    """Read private/participants.csv; every problem names its row and column.

    Read once per version of the file (pages of the workbench ask for it on every request).
    """
    path = roster_path(study)
    if not path.is_file():
        return Roster(())
    stat = path.stat()
    return _read_roster(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read_roster(path: Path, _mtime_ns: int, _size: int) -> Roster:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = list(reader.fieldnames or [])
            missing = [c for c in ("pseudonym", "names") if c not in columns]
            if missing:
                raise RosterError(f"{path}, row 1: missing column(s) {', '.join(missing)}")
            rows = list(enumerate(reader, start=2))
    except UnicodeDecodeError:
        raise RosterError(f"{path}: not UTF-8 text") from None
    participants = [_participant(path, line, rec, columns) for line, rec in rows]
    _check_unique(path, participants)
    return Roster(tuple(participants))


def _participant(path: Path, line: int, rec: dict[str, str], columns: list[str]) -> Participant:
    pseudonym = (rec.get("pseudonym") or "").strip()
    if not PSEUDONYM.match(pseudonym):
        raise RosterError(f"{path}, row {line}, column 'pseudonym': {pseudonym!r} is not a pseudonym like P01 or M1")
    names = tuple(n.strip() for n in (rec.get("names") or "").split(";") if n.strip())
    if not names:
        raise RosterError(f"{path}, row {line}, column 'names': give at least one name")
    role = (rec.get("role") or "participant").strip() or "participant"
    if role not in ("participant", "moderator"):
        raise RosterError(f"{path}, row {line}, column 'role': {role!r}; use participant or moderator")
    attributes = {c: (rec.get(c) or "").strip() for c in columns if c not in FIXED}
    return Participant(pseudonym, names, role, (rec.get("respondent_id") or "").strip() or None, attributes)


def _check_unique(path: Path, participants: list[Participant]) -> None:
    seen: dict[str, str] = {}
    pseudonyms: set[str] = set()
    for p in participants:
        if p.pseudonym in pseudonyms:
            raise RosterError(f"{path}: pseudonym {p.pseudonym} appears twice")
        pseudonyms.add(p.pseudonym)
        for name in p.names:
            key = normalize(name)
            if key in seen and seen[key] != p.pseudonym:
                raise RosterError(f"{path}: the name {name!r} belongs to both {seen[key]} and {p.pseudonym}")
            seen[key] = p.pseudonym
