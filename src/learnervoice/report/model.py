"""The study report as a plain document model: sections of paragraphs, tables, charts and themes with quotes.

`report/assemble.py` builds it; the writers in `report/writers/` render it (HTML, Markdown, DOCX).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .blocks import Block
from .charts import Chart


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    description: str
    participants: int
    by_group: str
    quotes: tuple[Quote, ...]
    level: int
    rolled_up: bool = False  # the code has sub-codes: its participants are those who voiced it or any of them
    unit: str = "participant"  # who is counted: participant (focus groups), respondent (open answers), or person (both)
    folder: bool = False  # a folder of codes (codable: false) with no codings of its own: all its voices are its sub-codes'

    @property
    def voiced(self) -> str:
        """ "Voiced by 12 participant(s)", for open answers "Written by 9 respondent(s)", saying when sub-codes are
        counted in; without the groups."""
        verb = "Written by" if self.unit == "respondent" else "Voiced by"
        rolled = ", in its sub-codes" if self.folder else ", incl. sub-codes" if self.rolled_up else ""
        return f"{verb} {self.participants} {self.unit}(s){rolled}"


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Block] = field(default_factory=list)
    charts: list[Chart | None] = field(default_factory=list)  # one per table (None: no chart)
    themes: list[Theme] = field(default_factory=list)


@dataclass
class Report:
    title: str
    sections: list[Section]
    disclosure: list[str]
