"""Make a response file's cells readable by SQL inside the import's transaction.

A UTF-8 CSV (the commonest export by far) is read where it lies by DuckDB's own CSV reader,
in parallel and in bounded memory, so a file of millions of rows imports at DuckDB's speed;
every other file (other encodings, XLSX, SPSS, Stata) is copied through its reader's chunks into
a temporary table. Either way each data record keeps its index in the file (`_rid`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UnreadableFileError
from .convert import literal
from .readers import FileInfo, ResponseFile, locate_decode_error

if TYPE_CHECKING:
    import duckdb

UTF8 = ("utf-8", "utf-8-sig", "utf8", "ascii")
SAMPLE_ROWS = 20_000  # first records whose cells stand for a large CSV (see the importer's one pass)
BEYOND = "(a cell beyond the last column)"  # the pseudo-column of a record one cell wider than the header
CSV_BUFFER_BYTES = 8 * 1024**2  # DuckDB's CSV buffers, a few per thread (its default, 32 MB, makes them the bulk of an import's memory)
MAX_LINE_BYTES = 2 * 1024**2  # given to DuckDB: a line (record) longer than this is refused, naming it


@dataclass(frozen=True)
class Staged:
    """Where the file's data records are for SQL: each column's name, a relation to scan, one with row numbers."""

    columns: dict[str, str]  # file column -> column of the relations (and BEYOND, for a CSV read by DuckDB)
    scan: str  # the data records' cells (aggregate passes read this; no row numbers, so cheapest)
    numbered: str  # the same with `_rid`, the record's 0-based index among the file's data records
    unnumbered: str | None = None  # a CSV's records with `_rid` 0: read in parallel (numbering them is serial)

    def with_helpers(self, helpers: dict[str, str], where: str, *, numbered: bool = True) -> str:
        """The rows the filter keeps, with helper values, as a relation named `staged` (numbered, or — for a
        CSV, when the caller numbers the stored rows itself — in file order without numbers)."""
        extra = "".join(f", {sql} AS {name}" for name, sql in helpers.items())
        rows = self.numbered if numbered or self.unnumbered is None else self.unnumbered
        return f"(SELECT *{extra} FROM {rows} AS staged WHERE {where}) AS staged"


class SerialOnly(Exception):
    """DuckDB cannot read this CSV in parallel (quoted line breaks with short rows, lines past its buffer)."""


def memory_mb(columns: int) -> int:
    """DuckDB's memory for an import: its buffers grow with the number of columns written at once (a parallel,
    order-keeping insert holds a few row groups of each column)."""
    return max(128, 64 + 2 * columns)


def stage(con: duckdb.DuckDBPyConnection, response_file: ResponseFile, *, parallel: bool = True) -> Staged:
    """Make the file's cells readable by SQL: VARCHAR cells, NULL for empty ones.

    A UTF-8 CSV is read where it lies, by DuckDB, each time a pass needs it (no copy, bounded
    memory); other files are copied chunk by chunk into the temporary table `staged`.
    """
    info = response_file.info
    columns = {name: f"c{i}" for i, name in enumerate(info.columns)}
    if _duckdb_reads(info):
        reader = _csv_reader(info, {**columns, BEYOND: "c_beyond"}, parallel)
        return Staged({**columns, BEYOND: "c_beyond"}, reader, f"(SELECT row_number() OVER () - 1 AS _rid, * FROM {reader})",
                      f"(SELECT 0 AS _rid, * FROM {reader})")
    _stage_chunks(con, response_file, columns)
    return Staged(columns, "staged", "(SELECT rowid AS _rid, * FROM staged)")


@contextmanager
def reading(info: FileInfo) -> Iterator[None]:
    """DuckDB's complaints about the CSV it reads, as the file's problem in a researcher's words."""
    import duckdb

    try:
        yield
    except duckdb.Error as exc:  # DuckDB raises CSV errors under several classes, by version and reader path
        message = str(exc)
        if info.delimiter is None:
            raise
        if "parallel" in message.lower() and ("parallel=false" in message or "not support" in message.lower()
                                              or isinstance(exc, duckdb.NotImplementedException)):
            raise SerialOnly(message) from None
        if isinstance(exc, (duckdb.InvalidInputException, duckdb.ConversionException)) or "CSV Error" in message:
            raise _csv_error(info, message) from None
        raise


def first_cells(info: FileInfo, rows: int = SAMPLE_ROWS) -> dict[str, list[str]] | None:
    """Each column's distinct non-empty cells in the CSV's first data records (read with the csv module, a few
    MB at most); None when the file is not read by DuckDB, or these rows cannot be read (the exact way reports)."""
    if not _duckdb_reads(info):
        return None
    seen: list[dict[str, None]] = [{} for _ in info.columns]
    try:
        with info.path.open("r", encoding=info.encoding or "utf-8", newline="") as fh:
            for _ in range(info.skip_rows):
                fh.readline()
            reader = csv.reader(fh, delimiter=info.delimiter or ",", quotechar=info.quote)
            for index, record in enumerate(reader):
                if index >= rows + info.header_rows:
                    break
                if index >= info.header_rows:
                    for cells, cell in zip(seen, record):
                        if cell:
                            cells[cell] = None
    except (UnicodeDecodeError, csv.Error, OSError):
        return None
    return {name: list(cells) for name, cells in zip(info.columns, seen)}


def _duckdb_reads(info: FileInfo) -> bool:
    return (
        info.delimiter is not None
        and len(info.delimiter) == 1
        and (info.encoding or "utf-8").lower().replace("_", "-") in UTF8
    )


def _csv_reader(info: FileInfo, columns: dict[str, str], parallel: bool) -> str:
    """DuckDB's read_csv of the data records, every cell VARCHAR. Its `skip` counts records (a quoted line
    break stays in its record, as in Qualtrics' question-text row), so it skips the lines above the column
    names and the header rows."""
    assert info.delimiter is not None
    types = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns.values()) + "}"
    options = (
        f"delim={literal(info.delimiter)}, quote={literal(info.quote)}, escape={literal(info.quote)}, header=false, "
        f"skip={info.skip_rows + info.header_rows}, "
        f"columns={types}, auto_detect=false, null_padding=true, parallel={str(parallel).lower()}, "
        f"buffer_size={CSV_BUFFER_BYTES}, max_line_size={MAX_LINE_BYTES}"
    )
    return f"read_csv({literal(str(info.path))}, {options})"


def _csv_error(info: FileInfo, message: str) -> UnreadableFileError:
    """DuckDB's complaint about a CSV, in a researcher's words, with the line it names."""
    line_match = re.search(r"\b[Ll]ine:?\s*(\d+)", message)
    line = int(line_match.group(1)) if line_match else None
    if "unicode" in message.lower() or "utf" in message.lower():
        line, byte = locate_decode_error(info.path, info.encoding or "utf-8") or (line or 1, 0)
        return UnreadableFileError(
            info.name, f"not valid {info.encoding or 'utf-8'} text at line {line} (byte {byte:,}); give the file's real encoding "
            "(for example --encoding cp1252)", row=line,
        )
    if "maximum line size" in message.lower():
        return UnreadableFileError(
            info.name, f"a line longer than {MAX_LINE_BYTES // 1024**2} MB; is this a response file?", row=line
        )
    if "expected number of columns" in message.lower() or "too many columns" in message.lower():
        return UnreadableFileError(
            info.name, f"a row with more cells than the header's {len(info.columns)} columns", row=line
        )
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return UnreadableFileError(info.name, f"broken CSV: {first}", row=line)


def _stage_chunks(con: duckdb.DuckDBPyConnection, response_file: ResponseFile, columns: dict[str, str]) -> None:
    """Chunks of text cells from the file's reader, appended in order (so `rowid` is the record's index)."""
    definition = ", ".join(f"{c} VARCHAR" for c in columns.values())
    con.execute(f"CREATE TEMP TABLE staged ({definition})")
    for chunk in response_file.chunks():
        frame = chunk.rename(columns=columns)[list(columns.values())]
        frame = frame.where(frame != "", None)
        con.register("chunk_frame", frame)
        con.execute("INSERT INTO staged SELECT * FROM chunk_frame")
        con.unregister("chunk_frame")
