"""The participant roster: pseudonyms, the names people are called in transcripts, attributes.

The roster lives in the study's private folder (`private/participants.csv`):
names and aliases never leave it. Everything else reads pseudonyms.

Columns: pseudonym, names (``;``-separated: full names, first names, aliases
as transcripts spell them), role (participant or moderator), respondent_id
(the questionnaire respondent), then any other columns. Only the columns that
study.yaml declares as analysis attributes (``roster: {attributes: [...]}``)
describe participants anywhere outside the roster (quotes, cross-tabs, exports,
the workbench); every other column is private, and a column of e-mail addresses
or phone numbers is always private.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RosterError
from .load import Study
from ..text import normalize

ROSTER_FILE = Path("private") / "participants.csv"
FIXED = ("pseudonym", "names", "role", "respondent_id")
PSEUDONYM = re.compile(r"^[A-Z][A-Za-z]*\d{1,4}$")
HONORIFIC = re.compile(r"^(?:dr|dra|prof|mr|mrs|ms|mx|sr|sra|srta)\.?\s+")
CONTACT_COLUMN = re.compile(
    r"e-?mail|correo|correu|(?:^|_)mail|phone|tel[eèé]f|(?:^|_)tel(?:$|_)|mobile|m[oòó]bil|cell|whatsapp|"
    r"address|adre[cç]a|direcci[oó]n|postcode|zip", re.IGNORECASE)
CONTACT_VALUE = re.compile(  # anywhere in a cell: an e-mail address, a web address, or a number of nine digits or more
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|edu|cat|es|eu|io|me)/\S*"
    r"|(?<!\w)\+?\d(?:[\s().\-–—/]*\d){8,}", re.IGNORECASE)


@dataclass(frozen=True)
class Participant:
    pseudonym: str
    names: tuple[str, ...]
    role: str = "participant"
    respondent_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)  # the declared analysis attributes only
    private: dict[str, str] = field(default_factory=dict, repr=False)  # every other column: never leaves the study

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
    private_columns: tuple[str, ...] = ()
    contact_columns: tuple[str, ...] = ()  # private columns holding e-mail addresses or phone numbers

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
    declared = study.config.roster.attributes
    if not path.is_file():
        if declared:
            raise RosterError(f"study.yaml declares roster attributes ({', '.join(declared)}) but {path} is missing")
        return Roster(())
    stat = path.stat()
    return _read_roster(path, stat.st_mtime_ns, stat.st_size, declared)


@functools.lru_cache(maxsize=16)
def _read_roster(path: Path, _mtime_ns: int, _size: int, declared: tuple[str, ...]) -> Roster:
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
    participants = [_participant(path, line, rec, columns, declared) for line, rec in rows]
    _check_unique(path, participants)
    missing_declared = [c for c in declared if c not in columns or c in FIXED]
    if missing_declared:
        raise RosterError(f"{path}, row 1: study.yaml (roster: attributes) declares column(s) "
                          f"{', '.join(missing_declared)}, which the roster does not have as attribute columns")
    contact = _contact_columns(columns, rows)
    leaking = [c for c in declared if c in contact]
    if leaking:
        raise RosterError(f"{path}: column(s) {', '.join(leaking)} hold e-mail addresses or phone numbers and are "
                          "always private; remove them from roster: attributes in study.yaml")
    private = tuple(c for c in columns if c not in FIXED and c not in declared)
    return Roster(tuple(participants), private, tuple(c for c in private if c in contact))


def _contact_columns(columns: list[str], rows: list[tuple[int, dict[str, str]]]) -> set[str]:
    """Columns named like, or holding, e-mail addresses and phone numbers."""
    found = {c for c in columns if c not in FIXED and CONTACT_COLUMN.search(c)}
    for _, rec in rows:
        found |= {c for c in columns if c not in FIXED and CONTACT_VALUE.search((rec.get(c) or "").strip())}
    return found


def _participant(path: Path, line: int, rec: dict[str, str], columns: list[str], declared: tuple[str, ...]) -> Participant:
    pseudonym = (rec.get("pseudonym") or "").strip()
    if not PSEUDONYM.match(pseudonym):
        raise RosterError(f"{path}, row {line}, column 'pseudonym': {pseudonym!r} is not a pseudonym like P01 or M1")
    names = tuple(n.strip() for n in (rec.get("names") or "").split(";") if n.strip())
    if not names:
        raise RosterError(f"{path}, row {line}, column 'names': give at least one name")
    role = (rec.get("role") or "participant").strip() or "participant"
    if role not in ("participant", "moderator"):
        raise RosterError(f"{path}, row {line}, column 'role': {role!r}; use participant or moderator")
    attributes = {c: (rec.get(c) or "").strip() for c in declared}
    private = {c: (rec.get(c) or "").strip() for c in columns if c not in FIXED and c not in declared}
    return Participant(pseudonym, names, role, (rec.get("respondent_id") or "").strip() or None, attributes, private)


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
