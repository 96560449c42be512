"""Workbooks (.xlsx, and .xlsm/.xls/.xlsb/.ods) read with calamine, from the cells themselves.

openpyxl's read-only mode trusts the sheet's ``<dimension>`` record, which some tools leave
stale (``A1:N10`` over 41 rows): rows past it were lost. calamine reads every cell. Before it
opens the file, the archive's declared sizes are checked, so a zip bomb is refused at once;
calamine itself refuses a member larger than it declares.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...errors import UnreadableFileError
from .base import FileInfo, ResponseFile, cell_text, frames, unique_columns
from .dialects import HEAD_RECORDS, apply_layout, detect_layout

MAX_UNCOMPRESSED = 512 * 1024**2
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx


def check_workbook(path: Path) -> None:
    """Refuse what is not a workbook, or would unpack to too much, before any parser sees it."""
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic == OLE_MAGIC:
        return
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except Exception:  # zipfile raises several kinds for a damaged archive (BadZipFile, NotImplementedError, EOFError…)
        raise UnreadableFileError(path.name, "not an Excel .xlsx file (not a readable zip archive); export it again as XLSX or CSV") from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names and "content.xml" not in names:
        inside = [n for n in sorted(names) if n.lower().endswith((".csv", ".sav", ".zsav", ".dta", ".xlsx", ".sps"))][:3]
        hint = f"; it holds {', '.join(inside)}: unzip it and import that" if inside else "; is it an .xlsx file?"
        raise UnreadableFileError(path.name, "a zip archive without a workbook in it (no xl/workbook.xml)" + hint)
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise UnreadableFileError(
            path.name, f"the workbook would unpack to {total / 1024**2:,.0f} MB, above the "
            f"{MAX_UNCOMPRESSED // 1024**2} MB limit (a zip bomb, or too large: export it as CSV)",
        )


def _open_sheet(path: Path) -> tuple[Any, list[str]]:
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if not names:
            raise UnreadableFileError(path.name, "the workbook has no sheets")
        return workbook.get_sheet_by_index(0), names
    except UnreadableFileError:
        raise
    except PasswordError:
        raise UnreadableFileError(path.name, "the workbook is protected by a password; save a copy without one") from None
    except Exception as exc:  # calamine raises several kinds (XmlError, ZipError, CalamineError…) for broken files
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise UnreadableFileError(path.name, f"the workbook is damaged and cannot be read ({reason})") from None


def open_xlsx(path: Path, *, fmt: str, skip_rows: int, header_rows: int | None) -> ResponseFile:
    """The first sheet of a workbook: its layout from the first rows, its rows as text."""
    check_workbook(path)
    sheet, sheets = _open_sheet(path)
    rows = (_texts(r) for r in sheet.iter_rows())
    skipped = 0
    head: list[list[str]] = []
    for row in rows:
        if skipped < skip_rows or (not head and not any(row)):
            skipped += 1
            continue
        head.append(row)
        if len(head) == max(HEAD_RECORDS, (header_rows or 0) + 1):
            break
    if not head:
        raise UnreadableFileError(path.name, f"the first sheet, {sheets[0]!r}, is empty")
    layout = detect_layout(head, fmt, header_rows, path.name, container="xlsx")
    width = _width(head[0])
    layout.names = layout.names[:width]
    info = FileInfo(path=path, format=layout.format, columns=unique_columns(layout.names), header_rows=layout.header_rows,
                    skip_rows=skipped, header_lines=layout.header_rows, sheet=sheets[0])
    apply_layout(info, layout)
    _note_sheets(info, sheets)
    data = head[layout.header_rows:]
    if not data:
        raise UnreadableFileError(path.name, "the sheet has a header but no responses", row=info.row_number(0))
    return ResponseFile(info, frames(_fit(_chain(data, rows), info, width), info.columns))


def _texts(row: list[Any]) -> list[str]:
    return [cell_text(v) for v in row]


def _width(names: list[str]) -> int:
    width = len(names)
    while width and not names[width - 1].strip():
        width -= 1
    return width


def _chain(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
    yield from rest


def _fit(rows: Iterator[list[str]], info: FileInfo, width: int) -> Iterator[list[str]]:
    """Rows cut to the named columns (a value beyond them is an error, never dropped); trailing empty rows left out."""
    blank: list[list[str]] = []
    for index, row in enumerate(rows):
        extra = next((i for i in range(width, len(row)) if row[i].strip()), None)
        if extra is not None:
            raise UnreadableFileError(
                info.name, f"sheet {info.sheet!r}, cell {_column_letter(extra)}{info.row_number(index)} holds "
                f"{row[extra][:40]!r} in a column with no name in the header row; name the column or delete the value",
            )
        cells = row[:width] + [""] * (width - len(row))
        if not any(cells):
            blank.append(cells)
            continue
        yield from blank
        blank = []
        yield cells


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _note_sheets(info: FileInfo, sheets: list[str]) -> None:
    if len(sheets) < 2:
        return
    others = ", ".join(repr(s) for s in sheets[1:6]) + (f" and {len(sheets) - 6} more" if len(sheets) > 6 else "")
    if info.format == "kobo":
        info.notes.append(f"KoboToolbox workbook: read the main sheet {sheets[0]!r}; repeat groups in other sheets not read: {others}")
    else:
        info.notes.append(f"the workbook has {len(sheets)} sheets; read the first, {sheets[0]!r} (not read: {others})")
