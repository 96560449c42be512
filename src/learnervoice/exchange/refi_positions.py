"""Selections' positions from each tool's dialect to code points over the text as it was (CRLF kept).

The REFI-QDA specification counts Unicode code points from 0, end exclusive, and a CRLF line end is two
characters. NVivo counts UTF-16 code units (a character outside the Basic Multilingual Plane, such as
most emoji, is two); ATLAS.ti counts a CRLF line end as one character. Each conversion is a binary search
in the sorted places where the dialect differs from code points, so a source with n characters and m
selections costs O(n + m log n) — never a count from the start of the text per position.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from .refi_model import Adjustments

ASTRAL = re.compile("[\U00010000-\U0010ffff]")
CRLF = re.compile("\r\n")


def dialect_of(origin: str) -> str:
    """The positions' dialect of the tool that wrote a project, from its `origin` attribute."""
    tool = origin.strip().lower()
    if tool.startswith("nvivo"):
        return "utf16"
    if tool.startswith("atlas"):
        return "crlf-as-one"
    return "codepoints"


DIALECT_WORDS = {
    "utf16": "NVivo's (UTF-16 code units, CRLF as two)",
    "crlf-as-one": "ATLAS.ti's (code points, CRLF as one)",
    "codepoints": "the REFI-QDA specification's (code points, CRLF as two)",
}


@dataclass
class PositionMap:
    """Converts one source's positions; counts what it converted into the report."""

    dialect: str
    marks: list[int]  # where the dialect's count differs, in the dialect's own positions, sorted
    report: Adjustments

    def __call__(self, position: int, *, end: bool) -> int:
        if not self.marks:
            return position
        before = bisect_left(self.marks, position)
        if self.dialect == "utf16":
            self.report.utf16_positions += 1
            point = position - before
            if before and self.marks[before - 1] + 1 == position:  # between the two halves of a surrogate pair
                self.report.snapped += 1
                return point + 1 if end else point
            return point
        return position + before  # crlf-as-one: each CRLF before the position adds a character


def position_map(dialect: str, text: str, report: Adjustments) -> PositionMap:
    """The conversion for one source's text (which keeps its line ends); CRLFs counted into the report."""
    crlfs = [m.start() for m in CRLF.finditer(text)]
    if crlfs:
        report.crlf_sources += 1
        report.crlf_count += len(crlfs)
    if dialect == "utf16":
        astral = [m.start() for m in ASTRAL.finditer(text)]
        if astral:
            report.utf16_sources += 1
        return PositionMap(dialect, [at + i for i, at in enumerate(astral)], report)  # their UTF-16 offsets
    if dialect == "crlf-as-one" and crlfs:
        report.crlf_as_one_sources += 1
        return PositionMap(dialect, [at - i for i, at in enumerate(crlfs)], report)  # their places counted as one
    return PositionMap(dialect, [], report)
