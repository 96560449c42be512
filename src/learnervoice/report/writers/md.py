"""Markdown: a TableSet's blocks as pipe tables under headings, and the study report.

Text is escaped for CommonMark/GFM with backslashes, never HTML entities: "p < .001" prints as such; a `<`
that would open a tag, `*`, `` ` ``, `_` at a word's edge, `&` that would read as an entity, `|` in a
table cell and a line's leading list or heading marker are escaped, so labels and quotes print as written.
"""

from __future__ import annotations

import re

from ...stats.tables import TableSet
from ..blocks import Block, table_blocks
from ..model import Report


def render_tables(tables: TableSet, intervals: bool = False) -> str:
    """The tables as Markdown: a heading per table, its notes below."""
    parts = [f"# {md_text(tables.title)}", ""]
    for block in table_blocks(tables, intervals=intervals):
        parts.append(f"### {md_text(block.title)}")
        parts.append("")
        parts.append("| " + " | ".join(md_text(h) for h in block.header) + " |")
        parts.append("|" + "|".join([":---"] + ["---:"] * (len(block.header) - 1)) + "|")
        for row in block.rows:
            parts.append("| " + " | ".join(md_text(c) for c in row) + " |")
        parts.append("")
        parts.extend(f"{md_text(n)}  " for n in block.notes)
        parts.append("")
    return "\n".join(parts)


_INLINE = re.compile(r"[\\`*|]|<(?=[A-Za-z/!?])|&(?=#?\w+;)|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(r"^\s*(?:\d{1,9}(?=[.)](?:\s|$))|(?=[-+](?:\s|$))|(?=#{1,6}(?:\s|$))|(?=>)|(?==+\s*$))")


def md_text(text: str) -> str:
    """Plain text as Markdown that renders as the same text, on one line (also safe in a pipe table's cell).

    >>> md_text("p < .001 | a*b <b>x</b> &amp; snake_case _x_")
    'p < .001 \\\\| a\\\\*b \\\\<b>x\\\\</b> \\\\&amp; snake_case \\\\_x\\\\_'
    """
    one_line = " ".join(text.split("\n")).replace("\r", " ")
    escaped = _INLINE.sub(lambda m: "\\" + m.group(0), one_line)
    start = _LINE_START.match(escaped)  # an ordered list "1. ", a list "- ", a heading "# ", a quote ">", "==="
    return escaped if start is None else escaped[:start.end()] + "\\" + escaped[start.end():]




def render_report(report: Report) -> str:
    """The report as Markdown (also the text the disclosure check reads)."""
    e = md_text
    lines = [f"# {e(report.title)}", ""]
    for section in report.sections:
        lines += [f"## {e(section.title)}", ""]
        lines += [e(p) + "\n" for p in section.paragraphs]
        for block in section.tables:
            lines += _report_table(block)
        for theme in section.themes:
            lines += [f"{'#' * min(3 + theme.level, 6)} {e(theme.name)}", ""]
            if theme.description:
                lines += [e(theme.description), ""]
            lines += [f"{e(theme.voiced)}" + (f" ({e(theme.by_group)})" if theme.by_group else "") + ".", ""]
            for q in theme.quotes:
                lines += [f"> “{e(q.text)}” — {e(q.attribution)}", ""]
    if report.disclosure:
        lines += ["## Disclosure control", ""] + [f"- {e(d)}" for d in report.disclosure] + [""]
    return "\n".join(lines)


def _report_table(block: Block) -> list[str]:
    """A table of the report: bold title, pipe table, notes in italics."""
    cell = md_text
    lines = [f"**{cell(block.title)}**", "", "| " + " | ".join(cell(h) for h in block.header) + " |",
             "|" + "|".join([":---"] + ["---:"] * (len(block.header) - 1)) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in block.rows]
    lines += [""] + [f"*{cell(n)}*  " for n in block.notes] + [""]
    return lines
