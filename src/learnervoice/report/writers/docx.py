"""DOCX: a TableSet's blocks as Word tables, and the study report with its charts (PNG with alt text).

(`from docx import …` below is python-docx: imports are absolute.)
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

from ...stats.tables import TableSet
from ..blocks import Block, table_blocks
from ..charts import Chart
from ..model import Report, Section

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument


def save_tables(tables: TableSet, path: Path, intervals: bool = False) -> None:
    """The tables as a Word document: bold header row, counts and percentages aligned right."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    doc.add_heading(tables.title, level=1)
    for block in table_blocks(tables, intervals=intervals):
        doc.add_heading(block.title, level=3)
        table = doc.add_table(rows=1, cols=len(block.header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, block.header):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in block.rows:
            cells = table.add_row().cells
            for i, (cell, text) in enumerate(zip(cells, row)):
                cell.text = text
                if i:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for note in block.notes:
            doc.add_paragraph(note).runs[0].italic = True
    doc.save(str(path))


def save_report(report: Report, path: Path | IO[bytes]) -> None:
    """The report as a Word document (to a path or a binary stream); themes' quotes in the Quote style."""
    from docx import Document

    doc = Document()
    doc.core_properties.author = "learnervoice"
    doc.add_heading(report.title, level=0)
    for section in report.sections:
        _section(doc, section)
    if report.disclosure:
        doc.add_heading("Disclosure control", level=1)
        for d in report.disclosure:
            doc.add_paragraph(d, style="List Bullet")
    doc.save(str(path) if isinstance(path, Path) else path)


def _section(doc: DocxDocument, section: Section) -> None:
    doc.add_heading(section.title, level=1)
    for p in section.paragraphs:
        doc.add_paragraph(p)
    charts = section.charts + [None] * (len(section.tables) - len(section.charts))
    for block, chart in zip(section.tables, charts):
        _report_table(doc, block)
        if chart is not None:
            _picture(doc, chart)
    for theme in section.themes:
        doc.add_heading(theme.name, level=min(2 + theme.level, 9))
        if theme.description:
            doc.add_paragraph(theme.description)
        groups = f" ({theme.by_group})" if theme.by_group else ""
        doc.add_paragraph(f"{theme.voiced}{groups}.")
        for q in theme.quotes:
            doc.add_paragraph(f"“{q.text}” — {q.attribution}", style="Quote")


def _report_table(doc: DocxDocument, block: Block) -> None:
    """A table of the report: bold title above, notes in italics below."""
    doc.add_paragraph(block.title).runs[0].bold = True
    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block.header):
        cell.text = text
    for row in block.rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    for note in block.notes:
        doc.add_paragraph(note).runs[0].italic = True


def _picture(doc: DocxDocument, chart: Chart) -> None:
    """The chart as PNG, with its alt text in the picture's description (what screen readers read)."""
    import io

    from docx.shared import Inches

    doc.add_picture(io.BytesIO(chart.png), width=Inches(5.8))
    inline = doc.inline_shapes[-1]._inline
    inline.docPr.set("descr", chart.alt)
    inline.docPr.set("title", chart.title)
