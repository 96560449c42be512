"""What a REFI-QDA project or codebook holds once read, and the report of what reading it adjusted.

Positions are Unicode code points over the source's text exactly as it was in the archive (CRLF line
ends kept, so a CRLF counts two), end exclusive: whatever dialect the tool wrote is converted once, on
reading, and said in the `Adjustments`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class CodeNode:
    guid: str
    name: str
    codable: bool
    colour: str | None
    description: str
    notes: list[str] = field(default_factory=list)  # GUIDs of notes on the code
    children: list[CodeNode] = field(default_factory=list)


@dataclass(slots=True)
class Selection:
    """One coding of a span: a selection with several codings gives one of these per coding."""

    start: int
    end: int
    code: str  # the code's GUID
    guid: str | None  # the coding's GUID
    user: str  # the coder's name
    created: datetime | None
    notes: tuple[str, ...] = ()  # GUIDs of the selection's notes


@dataclass
class Source:
    name: str
    guid: str | None
    text: str
    selections: list[Selection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class Note:
    guid: str | None
    name: str
    text: str
    user: str
    created: datetime | None


@dataclass
class Variable:
    guid: str
    name: str
    type: str  # Text, Boolean, Integer, Float, Date, DateTime
    description: str = ""


@dataclass
class Case:
    guid: str
    name: str
    variables: dict[str, str]  # variable name -> value as written
    sources: list[str] = field(default_factory=list)  # GUIDs of the case's sources
    description: str = ""


@dataclass
class CodeSet:
    guid: str
    name: str
    description: str
    codes: list[str] = field(default_factory=list)  # members' GUIDs
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


SHOWN = 40  # adjustments in words shown on screen; the audit record holds them all


@dataclass
class Adjustments:
    """What reading a project changed or could not keep: in words (`lines`) and as a record (`record`)."""

    dialect: str = "REFI-QDA specification (code points)"
    utf16_sources: int = 0  # sources whose positions were converted from UTF-16 code units
    utf16_positions: int = 0
    crlf_as_one_sources: int = 0  # sources whose positions counted CRLF as one character
    crlf_sources: int = 0  # sources with CRLF line ends (kept)
    crlf_count: int = 0
    snapped: int = 0  # positions inside a character, moved to its edge
    sets_kept: int = 0
    notes: list[str] = field(default_factory=list)  # other adjustments, in words
    not_kept: Counter[str] = field(default_factory=Counter)  # what learnervoice cannot hold -> how many
    converted: Counter[str] = field(default_factory=Counter)  # what was written differently -> how many

    def lines(self) -> list[str]:
        out = [f"positions read as {self.dialect}"] if self.dialect else []
        if self.utf16_sources:
            out.append(f"{self.utf16_positions} position(s) in {self.utf16_sources} source(s) converted from UTF-16 "
                       "code units to code points (characters outside the Basic Multilingual Plane count two in UTF-16)")
        if self.crlf_as_one_sources:
            out.append(f"positions in {self.crlf_as_one_sources} source(s) counted each CRLF line end as one character; "
                       "converted to count it as two")
        if self.crlf_sources:
            out.append(f"{self.crlf_count} CRLF line end(s) in {self.crlf_sources} source(s) kept as they were")
        if self.snapped:
            out.append(f"{self.snapped} position(s) fell inside a character and were moved to its edge")
        if self.sets_kept:
            out.append(f"{self.sets_kept} set(s) kept (exported again with their members)")
        out += self.notes[:SHOWN]
        if len(self.notes) > SHOWN:
            out.append(f"… and {len(self.notes) - SHOWN} more (all of them in the import's audit record)")
        out += [f"converted: {count} {what}" for what, count in sorted(self.converted.items()) if count]
        out += [f"not kept: {count} {what}" for what, count in sorted(self.not_kept.items()) if count]
        return out

    def record(self) -> dict[str, Any]:
        return {"dialect": self.dialect, "utf16_sources": self.utf16_sources, "utf16_positions": self.utf16_positions,
                "crlf_as_one_sources": self.crlf_as_one_sources, "crlf_sources": self.crlf_sources,
                "crlf_line_ends": self.crlf_count, "positions_snapped": self.snapped, "sets_kept": self.sets_kept,
                "notes": list(self.notes), "converted": dict(sorted(self.converted.items())), "not_kept": {k: v for k, v in sorted(self.not_kept.items()) if v}}


@dataclass
class ImportedProject:
    name: str
    origin: str
    codes: list[CodeNode] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)  # guid -> name (names made distinct)
    sources: list[Source] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sets: list[CodeSet] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)  # GUIDs of notes on the project itself
    description: str = ""
    report: Adjustments = field(default_factory=Adjustments)

    @property
    def adjustments(self) -> list[str]:
        return self.report.lines()


@dataclass
class ImportedCodebook:
    origin: str
    codes: list[CodeNode]
    sets: list[CodeSet]
    report: Adjustments
