"""XLSX: a workbook to publish from — a Contents sheet linking one formatted sheet per table, and the tidy data.

Each table's sheet has its title, a styled header row, counts as whole numbers and percentages as numbers
(the printed, rounded figure with a number format at the printed precision, so the cell shows and holds what
the tables print), its notes below. Sheet names keep within Excel's rules (31 characters, none of : \\ / ? * [ ],
unique whatever the case). Text that a spreadsheet would run as a formula is neutralised (`numbers.neutralise`).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...stats.tables import TableSet
from ..blocks import Block, table_blocks
from ..numbers import neutralise
from .tidy import printed_frame

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

SHEET_NAME_LIMIT = 31
FORBIDDEN = re.compile(r"[:\\/?*\[\]\x00-\x1f]")
_COUNT = re.compile(r"^\d+$")
_PERCENT = re.compile(r"^(\d+)(?:[.,](\d+))?%$")
HEADER_FILL = "DDE6F0"
CONTENTS = "Contents"


def save_xlsx(tables: TableSet, path: Path, intervals: bool = False) -> None:
    """The workbook: Contents, one sheet per table (as `tables` prints them), and Data (the tidy rows)."""
    from openpyxl import Workbook

    wb = Workbook()
    contents = wb.active
    assert contents is not None
    contents.title = CONTENTS
    blocks = table_blocks(tables, intervals=intervals)
    names = sheet_names([_short_name(i, key) for i, key in enumerate(_keys(tables), start=1)], taken={CONTENTS, "Data"})
    for name, block in zip(names, blocks):
        _table_sheet(wb.create_sheet(name), block)
    _data_sheet(wb.create_sheet("Data"), tables)
    _contents_sheet(contents, tables, list(zip(names, blocks)))
    wb.save(path)


def _keys(tables: TableSet) -> list[str]:
    """A key per block, in `table_blocks`' order: cross-tabs then numbers by group, else each item (a grid or
    ranking once, in its first item's place)."""
    if tables.crosstabs or tables.numbers:
        return ([f"{ct.variable.id} by {ct.by.id}" for ct in tables.crosstabs]
                + [f"{nt.variable.id} by {nt.by.id}" for nt in tables.numbers])
    item_of = {item: b.question_id for b in tables.batteries for item in b.item_ids}
    return list(dict.fromkeys(item_of.get(t.variable_id, t.variable_id) for t in tables.frequencies))


def _short_name(number: int, key: str) -> str:
    return f"{number} {key}"


def sheet_names(wanted: list[str], taken: set[str] | None = None) -> list[str]:
    """Excel sheet names for the wanted ones: forbidden characters replaced, at most 31 characters, no leading or
    trailing apostrophe, unique regardless of case (a number added where two would clash).

    >>> sheet_names(["a/b", "A/B", "x" * 40, "'q'"])
    ['a_b', 'A_B (2)', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'q']
    """
    seen = {t.casefold() for t in (taken or set())}
    out = []
    for want in wanted:
        base = FORBIDDEN.sub("_", want).strip().strip("'").strip() or "Table"
        if base.casefold() == "history":  # reserved by Excel
            base += "_"
        name, n = base[:SHEET_NAME_LIMIT], 1
        while name.casefold() in seen:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        seen.add(name.casefold())
        out.append(name)
    return out


def _text(text: str) -> str:
    return str(neutralise(text))


def cell_value(text: str) -> tuple[Any, str | None]:
    """A printed cell as a spreadsheet value and its number format: counts as integers, percentages as the
    printed fraction ('12.3%' → 0.123 shown as 0.0%), anything else as (neutralised) text."""
    if _COUNT.match(text):
        return int(text), "0"
    match = _PERCENT.match(text)
    if match:
        whole, decimals = match.group(1), match.group(2) or ""
        return float(Decimal(f"{whole}.{decimals or 0}") / 100), ("0." + "0" * len(decimals) if decimals else "0") + "%"
    return _text(text), None


def _table_sheet(ws: Worksheet, block: Block) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    ws["A1"] = _text(block.title)
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"← {CONTENTS}"
    ws["A2"].hyperlink = _internal(ws["A2"].coordinate, CONTENTS)
    ws["A2"].style = "Hyperlink"
    header_row = 4
    for col, text in enumerate(block.header, start=1):
        cell = ws.cell(header_row, col, _text(text))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.border = Border(bottom=Side(style="thin"))
        cell.alignment = Alignment(horizontal="left" if col == 1 else "right", vertical="bottom", wrap_text=True)
    for r, row in enumerate(block.rows, start=header_row + 1):
        for col, text in enumerate(row, start=1):
            value, number_format = cell_value(text) if col > 1 else (_text(text), None)
            cell = ws.cell(r, col, value)
            if number_format:
                cell.number_format = number_format
            if col > 1:
                cell.alignment = Alignment(horizontal="right")
    below = header_row + len(block.rows) + 2
    for i, note in enumerate(block.notes):
        ws.cell(below + i, 1, _text(note)).font = Font(italic=True, size=9)
    ws.freeze_panes = f"B{header_row + 1}"
    _widths(ws, block)


def _widths(ws: Worksheet, block: Block) -> None:
    from openpyxl.utils import get_column_letter

    for col in range(1, len(block.header) + 1):
        texts = [block.header[col - 1]] + [row[col - 1] for row in block.rows if len(row) >= col]
        widest = max((len(t) for t in texts), default=8)
        ws.column_dimensions[get_column_letter(col)].width = min(max(widest + 2, 8), 60 if col == 1 else 22)


def _contents_sheet(ws: Worksheet, tables: TableSet, sheets: list[tuple[str, Block]]) -> None:
    from openpyxl.styles import Font, PatternFill

    ws["A1"] = _text(tables.title)
    ws["A1"].font = Font(bold=True, size=14)
    rule = {"half_up": "half up", "half_even": "half to even"}[tables.settings.rounding]
    ws["A2"] = f"Percentages rounded {rule} to the decimals shown" + ("; weighted % beside the counts." if tables.weighted else ".")
    for col, text in enumerate(("Sheet", "Table", "Rows"), start=1):
        cell = ws.cell(4, col, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for r, (name, block) in enumerate(sheets, start=5):
        link = ws.cell(r, 1, name)
        link.hyperlink = _internal(link.coordinate, name)
        link.style = "Hyperlink"
        ws.cell(r, 2, _text(block.title))
        ws.cell(r, 3, len(block.rows))
    data = ws.cell(5 + len(sheets), 1, "Data")
    data.hyperlink = _internal(data.coordinate, "Data")
    data.style = "Hyperlink"
    ws.cell(5 + len(sheets), 2, "Every table as tidy rows (exact and printed percentages), for other software")
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 70


def _internal(coordinate: str, sheet: str) -> Any:
    """A link to cell A1 of another sheet of the workbook (a location, not an external target)."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    quoted = sheet.replace("'", "''")
    return Hyperlink(ref=coordinate, location=f"'{quoted}'!A1", display=sheet)


def _data_sheet(ws: Worksheet, tables: TableSet) -> None:
    from openpyxl.styles import Font

    frame = printed_frame(tables)
    if not tables.weighted:
        frame = frame.drop(columns=["weighted_percent", "weighted_percent_printed", "weighted_base"])
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    printed = {i for i, c in enumerate(frame.columns) if c.endswith("_printed")}
    for row in frame.itertuples(index=False):
        ws.append([_data_value(v, i in printed) for i, v in enumerate(row)])
    for i, column in enumerate(frame.columns, start=1):
        if column.endswith("_printed"):
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "0.0"
    ws.freeze_panes = "A2"


def _data_value(value: object, printed: bool) -> object:
    if printed:
        return float(str(value)) if value else None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "item"):
        value = value.item()  # numpy scalars
    return neutralise(value)
