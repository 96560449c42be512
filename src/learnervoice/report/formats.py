"""Writers of a TableSet: md, html, latex, docx, xlsx, csv, json.

Text formats return a string; binary formats write to a path. Files are
written beside their target and moved in, so a failed write leaves no half file.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import TableError
from ..privacy.gate import Gate
from ..stats.frequencies import FrequencyTable
from ..stats.tables import TIDY_COLUMNS, CrossTab, TableSet
from .blocks import Block, table_blocks
from .numbers import neutralise

TEXT_FORMATS = ("md", "csv", "html", "latex", "json")
BINARY_FORMATS = ("docx", "xlsx")
FORMATS = TEXT_FORMATS + BINARY_FORMATS


def render_text(tables: TableSet, fmt: str, *, intervals: bool = False) -> str:
    """The tables in a text format.

    >>> print(render_text(tables, "md"))  # doctest: +SKIP
    """
    writers: dict[str, Callable[[TableSet, bool], str]] = {
        "md": to_markdown,
        "csv": lambda t, _: to_csv(t),
        "html": to_html,
        "latex": to_latex,
        "json": lambda t, _: to_json(t),
    }
    if fmt not in writers:
        raise TableError(f"{fmt!r} is not a text format; write it to a file with -o")
    return writers[fmt](tables, intervals)


def released_tables(tables: TableSet, gate: Gate) -> TableSet:
    """The tables with every label passed through the disclosure gate (an option label could hold a name)."""
    from dataclasses import replace

    def frequency(t: FrequencyTable) -> FrequencyTable:
        rows = tuple(replace(r, label=gate.release(r.label), code=gate.release(r.code)) for r in t.rows)
        return replace(t, label=gate.release(t.label), rows=rows, notes=gate.release(t.notes))

    def crosstab(ct: CrossTab) -> CrossTab:
        variable, by = replace(ct.variable, label=gate.release(ct.variable.label)), replace(ct.by, label=gate.release(ct.by.label))
        return replace(ct, variable=variable, by=by, groups=gate.release(ct.groups), note=gate.release(ct.note),
                       columns=tuple(frequency(c) for c in ct.columns), total=frequency(ct.total))

    return replace(tables, title=gate.release(tables.title), frequencies=tuple(frequency(t) for t in tables.frequencies),
                   crosstabs=tuple(crosstab(ct) for ct in tables.crosstabs))


def write_tables(tables: TableSet, fmt: str, path: Path, *, intervals: bool = False) -> None:
    if fmt not in FORMATS:
        raise TableError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if fmt == "docx":
            to_docx(tables, tmp, intervals)
        elif fmt == "xlsx":
            to_xlsx(tables, tmp)
        else:
            tmp.write_text(render_text(tables, fmt, intervals=intervals), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def format_from_suffix(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    return {"markdown": "md", "htm": "html", "tex": "latex"}.get(suffix, suffix) if suffix else None


# --- tidy formats ---------------------------------------------------------------------------


def to_csv(tables: TableSet) -> str:
    """Tidy CSV: question_id,question,option,count,percent,base,base_kind (group columns lead for --by)."""
    frame = tables.to_frame()
    columns = [c for c in frame.columns if c in TIDY_COLUMNS or c in ("group_variable", "group")]
    frame = frame[columns].copy()
    frame["base"] = frame["base"].astype("Int64")
    for col in ("question", "option", "group"):
        if col in frame:
            frame[col] = frame[col].map(neutralise)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.15g")
    return buffer.getvalue()


def to_json(tables: TableSet) -> str:
    frame = tables.to_frame()
    records = [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    doc = {
        "title": tables.title,
        "weighted": tables.weighted,
        "rows": records,
        "tests": [
            {
                "question_id": ct.variable.id, "by": ct.by.id,
                "chi2": ct.test.chi2, "dof": ct.test.dof, "p_chi2": ct.test.p_chi2, "p": ct.test.p,
                "method": ct.test.method, "cramers_v": ct.test.cramers_v, "warning": ct.test.warning,
            }
            for ct in tables.crosstabs
            if ct.test is not None
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _json_value(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is not None and type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def to_xlsx(tables: TableSet, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "tables"
    frame = tables.to_frame()
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([neutralise(None if _json_value(v) is None else _json_value(v)) for v in row])
    wb.save(path)


# --- documents ------------------------------------------------------------------------------


def to_markdown(tables: TableSet, intervals: bool = False) -> str:
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


def _gt(block: Block):  # type: ignore[no-untyped-def]
    import pandas as pd
    from great_tables import GT

    frame = pd.DataFrame(list(block.rows), columns=[f"c{i}" for i in range(len(block.header))])
    table = GT(frame).tab_header(title=block.title)
    labels: dict[str, Any] = {f"c{i}": h for i, h in enumerate(block.header)}
    table = table.cols_label(labels)
    table = table.cols_align(align="right", columns=[f"c{i}" for i in range(1, len(block.header))])
    for note in block.notes:
        table = table.tab_source_note(note)
    return table


def to_html(tables: TableSet, intervals: bool = False) -> str:
    import html

    bodies = [_gt(block).as_raw_html() for block in table_blocks(tables, intervals=intervals)]
    title = html.escape(tables.title)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n" + "\n".join(bodies) + "\n</body></html>\n"
    )


def to_latex(tables: TableSet, intervals: bool = False) -> str:
    return "\n\n".join(_gt(block).as_latex() for block in table_blocks(tables, intervals=intervals)) + "\n"


def to_docx(tables: TableSet, path: Path, intervals: bool = False) -> None:
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
