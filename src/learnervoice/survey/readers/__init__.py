"""Read response files of many tools into chunks of text cells, with what the file says about them.

Every reader yields pandas DataFrames of strings (empty string = empty cell) in bounded chunks,
so a file of hundreds of megabytes never sits in memory whole. Tool dialects (Qualtrics' header
rows, Kobo's hashtag row, SPSS value labels and multiple-response sets) become :class:`FileInfo`
here; what the cells mean is decided later by the mapping.

One module per family: :mod:`.csv` (CSV exports), :mod:`.xlsx` (workbooks), :mod:`.readstat`
(SPSS and Stata), :mod:`.dialects` (which tool, how many header rows), :mod:`.locate` (where a
broken text file goes wrong), :mod:`.base` (what every reader returns).
"""

from __future__ import annotations

from pathlib import Path

from ...errors import UnreadableFileError
from .base import CHUNK_ROWS, MAX_CELL_CHARS, FileInfo, MultipleResponseSet, ResponseFile, check_size, cell_text
from .csv import CsvDialect, open_csv, sniff_csv
from .locate import Finding, locate_decode_error, scan_csv
from .readstat import open_readstat
from .xlsx import OLE_MAGIC, open_xlsx

__all__ = [
    "CHUNK_ROWS", "FORMATS", "MAX_CELL_CHARS", "CsvDialect", "FileInfo", "Finding", "MultipleResponseSet",
    "ResponseFile", "cell_text", "detect_format", "locate_decode_error", "open_response_file", "scan_csv", "sniff_csv",
]

FORMATS = ("csv", "xlsx", "sav", "dta", "qualtrics", "limesurvey", "kobo", "google-forms")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def open_response_file(
    path: Path, *, format: str = "auto", encoding: str | None = None, skip_rows: int = 0, header_rows: int | None = None
) -> ResponseFile:
    """Open a response file of any supported tool.

    ``format`` is ``auto`` (found from the content), a container (``csv``, ``xlsx``, ``sav``, ``dta``)
    or a tool (``qualtrics``, ``limesurvey``, ``kobo``, ``google-forms``; CSV or workbook alike).
    ``skip_rows`` lines (sheet rows in a workbook, records in SPSS/Stata) come before the column
    names; ``header_rows`` (found when None) run from the column names to the first response.

    >>> f = open_response_file(Path("examples/microcredentials-2023/data/responses.csv"))
    >>> f.info.format, f.info.header_rows, f.info.row_number(0)
    ('csv', 1, 2)
    """
    path = Path(path)
    if skip_rows < 0:
        raise UnreadableFileError(path.name, f"skip_rows must be 0 or more, not {skip_rows}")
    if header_rows is not None and header_rows < 1:
        raise UnreadableFileError(path.name, f"header_rows must be 1 or more (the row of column names), not {header_rows}")
    if format not in FORMATS and format != "auto":
        raise UnreadableFileError(path.name, f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    check_size(path)
    found = detect_format(path)
    fmt = found if format == "auto" else format
    if fmt in ("sav", "dta"):
        return open_readstat(path, fmt, encoding=encoding, skip_rows=skip_rows, header_rows=header_rows)
    if fmt == "xlsx" or found == "xlsx":  # a workbook is read as one whatever the study calls it
        return open_xlsx(path, fmt=fmt, skip_rows=skip_rows, header_rows=header_rows)
    return open_csv(path, encoding=encoding, fmt=fmt, skip_rows=skip_rows, header_rows=header_rows)


def detect_format(path: Path) -> str:
    """The container of a file, from its first bytes (a renamed file is still found), then its name.

    ``xlsx`` covers every workbook (zip or the older OLE container); ``sav`` covers ``.zsav``.
    """
    with Path(path).open("rb") as fh:
        magic = fh.read(11)
    suffix = Path(path).suffix.lower()
    if magic.startswith(b"PK\x03\x04") or magic.startswith(OLE_MAGIC[:8]):
        return "xlsx"
    if magic.startswith((b"$FL2", b"$FL3")):
        return "sav"
    if magic.startswith(b"<stata_dta>"):
        return "dta"
    if suffix in SPREADSHEET_SUFFIXES:
        return "xlsx"
    if suffix in (".sav", ".zsav"):
        return "sav"
    if suffix == ".dta":
        return "dta"
    return "csv"
