"""LaTeX: a TableSet's blocks through great_tables (the study report has no LaTeX form)."""

from __future__ import annotations

from ...stats.tables import TableSet
from ..blocks import table_blocks
from .html import great_table


def render_tables(tables: TableSet, intervals: bool = False) -> str:
    """One LaTeX table per block, separated by a blank line."""
    return "\n\n".join(great_table(block).as_latex() for block in table_blocks(tables, intervals=intervals)) + "\n"
