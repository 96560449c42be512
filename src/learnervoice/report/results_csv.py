"""The results a screen shows (`results.py`) as one CSV file: the tables as printed, one after another.

Each table is its title, its header, its rows and its notes, then an empty line; the joint displays follow
when shown, then what disclosure control hid. It holds exactly what the page shows (the same small groups left
out), every cell released by the privacy gate, and text that a spreadsheet would run as a formula neutralised
(`numbers.neutralise`; a plain number such as -1.5 stays a number). UTF-8 with a byte-order mark, so that a
spreadsheet reads the accents, χ² and the like.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .blocks import Block
from .numbers import neutralise

if TYPE_CHECKING:
    from ..privacy.gate import Gate
    from .results import Results

PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?%?")


def results_csv(results: Results, gate: Gate) -> str:
    """The CSV text of what the results page shows (BOM first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _rows(results):
        writer.writerow([_cell(gate.release(cell)) for cell in row])
    return "\ufeff" + buffer.getvalue()


def _rows(results: Results) -> Iterator[list[str]]:
    yield [results.title]
    if results.by is not None:
        yield ["Split by", results.by.label]
    yield []
    for message in (results.missing, results.withheld):
        if message:
            yield [message]
            yield []
    yield from _blocks(s.block for s in results.tables)
    if results.joint:
        yield from _blocks(results.joint)
    if results.disclosure:
        yield ["Disclosure control"]
        yield from ([d] for d in results.disclosure)


def _blocks(blocks: Iterable[Block]) -> Iterator[list[str]]:
    for block in blocks:
        yield [block.title]
        yield list(block.header)
        yield from (list(row) for row in block.rows)
        yield from ([note] for note in block.notes)
        yield []


def _cell(text: str) -> str:
    """The cell as a spreadsheet may read it: formulas neutralised, plain numbers (e.g. -1.5) left as they are."""
    return text if PLAIN_NUMBER.fullmatch(text) else str(neutralise(text))
