"""Markdown: a TableSet's blocks as pipe tables under headings, and the study report."""

from __future__ import annotations

from ...stats.tables import TableSet
from ..blocks import Block, table_blocks
from ..model import Report


def render_tables(tables: TableSet, intervals: bool = False) -> str:
    """The tables as Markdown: a heading per table, its notes below."""
    parts = [f"# {_md(tables.title)}", ""]
    for block in table_blocks(tables, intervals=intervals):
        parts.append(f"### {_md(block.title)}")
        parts.append("")
        parts.append("| " + " | ".join(_md(h) for h in block.header) + " |")
        parts.append("|" + "|".join([":---"] + ["---:"] * (len(block.header) - 1)) + "|")
        for row in block.rows:
            parts.append("| " + " | ".join(_md(c) for c in row) + " |")
        parts.append("")
        parts.extend(f"{_md(n)}  " for n in block.notes)
        parts.append("")
    return "\n".join(parts)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("<", "&lt;")


def render_report(report: Report) -> str:
    """The report as Markdown (also the text the disclosure check reads)."""
    lines = [f"# {report.title}", ""]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        lines += [p + "\n" for p in section.paragraphs]
        for block in section.tables:
            lines += _report_table(block)
        for theme in section.themes:
            lines += [f"{'#' * min(3 + theme.level, 6)} {theme.name}", ""]
            if theme.description:
                lines += [theme.description, ""]
            lines += [theme.count_line + (f" ({theme.by_group})" if theme.by_group else "") + ".", ""]
            for q in theme.quotes:
                lines += [f"> “{q.text}” — {q.attribution}", ""]
    if report.disclosure:
        lines += ["## Disclosure control", ""] + [f"- {d}" for d in report.disclosure] + [""]
    return "\n".join(lines)


def _report_table(block: Block) -> list[str]:
    """A table of the report: bold title, pipe table, notes in italics."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("*", "\\*")

    lines = [f"**{cell(block.title)}**", "", "| " + " | ".join(cell(h) for h in block.header) + " |",
             "|" + "|".join([":---"] + ["---:"] * (len(block.header) - 1)) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in block.rows]
    lines += [""] + [f"*{cell(n)}*  " for n in block.notes] + [""]
    return lines
