"""CSV exports of any tool: encoding, delimiter and header rows found, data read in chunks by pandas' C parser.

The first records are read with the :mod:`csv` module (they may hold quoted line breaks, as
Qualtrics' question texts do) to learn the layout; the data then streams from the byte where the
first response starts. When a fast reader fails, :mod:`.locate` finds the line to name.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ...errors import UnreadableFileError
from .base import CHUNK_ROWS, MAX_CELL_CHARS, FileInfo, ResponseFile, unique_columns
from .dialects import HEAD_RECORDS, apply_layout, detect_layout
from .locate import Finding, locate_decode_error, scan_csv

if TYPE_CHECKING:
    import pandas as pd

SNIFF_BYTES = 256 * 1024
MAX_LINE_BYTES = 16 * 1024 * 1024  # a longer line in the header rows is scanned for its over-long cell
DELIMITERS = ",;\t|"
EXTRA = "\x00extra"  # a column past the named ones: empty on records with a trailing delimiter, else an error


@dataclass(frozen=True)
class CsvDialect:
    encoding: str
    delimiter: str
    decimal_comma: bool
    quote: str = '"'


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """The csv module's cell limit (a process-wide setting) raised for the duration, then put back."""
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def sniff_csv(path: Path, encoding: str | None = None, *, skip_rows: int = 0) -> CsvDialect:
    """Guess encoding, delimiter and decimal mark from the first 256 KB (after ``skip_rows`` lines).

    The delimiter is the one of ``, ; TAB |`` that splits the sampled records into the most
    consistent number of cells (quoted cells respected), so commas inside question texts or a
    Kobo ``;`` export are not mistaken.
    """
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
        whole = not fh.read(1)
    encoding = encoding or _guess_encoding(path.name, head)
    text = _decode_head(path.name, head, encoding)
    if not text.strip():
        raise UnreadableFileError(path.name, "the file is empty")
    _reject_binary(path.name, text)
    lines = re.findall(r"[^\n]*\n|[^\n]+", text)[skip_rows:]
    if not whole and len(lines) > 1:
        lines = lines[:-1]  # cut off mid-line
    sample = "".join(lines[:200])
    delimiter = _choose_delimiter(sample)
    decimal_comma = delimiter != "," and bool(re.search(r"(^|[;\t|])\"?-?\d+,\d+\"?($|[;\t|])", sample, re.M))
    return CsvDialect(encoding=encoding, delimiter=delimiter, decimal_comma=decimal_comma)


def _choose_delimiter(sample: str) -> str:
    best, best_score = ",", (0.0, 0)
    with _field_limit(MAX_CELL_CHARS):
        for candidate in DELIMITERS:
            try:
                widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=candidate) if r]
            except csv.Error:
                continue
            if not widths or widths[0] < 2:
                continue
            score = (sum(1 for w in widths if w == widths[0]) / len(widths), widths[0])
            if score > best_score:
                best, best_score = candidate, score
    return best


def _guess_encoding(name: str, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise UnreadableFileError(name, "this is not a text file (it holds NUL bytes); export the responses as CSV")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=["cp1252", "latin_1", "utf_8"]).best()
    return "cp1252" if best is None or best.encoding in ("cp1252", "windows_1252") else str(best.encoding)


def _decode_head(name: str, head: bytes, encoding: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=False)
    except UnicodeDecodeError as exc:
        line = head[: exc.start].count(b"\n") + 1
        raise UnreadableFileError(
            name, f"not valid {encoding} text on line {line} (byte {exc.start:,}); give the file's real encoding"
        ) from None
    except LookupError:
        raise UnreadableFileError(name, f"unknown encoding {encoding!r}") from None


def _reject_binary(name: str, text: str) -> None:
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or control > max(3, len(text) // 200):
        raise UnreadableFileError(name, "this is not a text file (binary content); export the responses as CSV")


# --- the first records ----------------------------------------------------------------------


class _LineTooLong(Exception):
    pass


class _Lines:
    """The file's physical lines, decoded, counted, with the position after each (bytes; a text cookie for UTF-16/32)."""

    def __init__(self, path: Path, encoding: str) -> None:
        self.wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
        self.fh: IO[Any] = path.open("r", encoding=encoding, newline="") if self.wide else path.open("rb")
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = self.fh.readline(MAX_LINE_BYTES)
        if not raw:
            raise StopIteration
        self.count += 1
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(("\n" if self.wide else b"\n")):
            raise _LineTooLong
        return raw if self.wide else self.decoder.decode(raw)

    def position(self) -> int:
        return int(self.fh.tell())


@dataclass
class Head:
    """The first records after the skipped lines, each with the line it starts on and the position after it."""

    records: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    start: int = 0  # position where the kept lines begin (after skip_rows)
    wide: bool = False


def read_head(path: Path, dialect: CsvDialect, skip_rows: int, count: int) -> Head:
    """The first ``count`` non-blank records after ``skip_rows`` lines."""
    source = _Lines(path, dialect.encoding)
    head = Head(wide=source.wide)
    try:
        with source.fh, _field_limit(MAX_CELL_CHARS):
            for _ in range(skip_rows):
                if next(source, None) is None:
                    raise UnreadableFileError(path.name, f"the file has only {source.count} line(s); skip_rows is {skip_rows}")
            head.start = source.position()
            _read_records(source, dialect, head, count)
    except (csv.Error, _LineTooLong) as exc:
        raise _head_error(path, dialect, head, skip_rows, source.count, exc) from None
    except UnicodeDecodeError:
        raise decode_error(path, dialect.encoding) from None
    return head


def _read_records(source: _Lines, dialect: CsvDialect, head: Head, count: int) -> None:
    reader = csv.reader(source, delimiter=dialect.delimiter, quotechar=dialect.quote)
    while len(head.records) < count:
        first = source.count + 1
        record = next(reader, None)
        if record is None:
            return
        if record and not (len(record) == 1 and not record[0].strip()):  # pandas skips blank-looking lines too
            head.records.append(record)
            head.lines.append(first)
            head.ends.append(source.position())


def _head_error(path: Path, dialect: CsvDialect, head: Head, skip_rows: int, line: int, exc: Exception) -> UnreadableFileError:
    past_skip = head.start > 0 and not head.wide  # else scan from the top
    found = scan_csv(path, dialect.encoding, dialect.delimiter, dialect.quote, width=1 << 30, limit=MAX_CELL_CHARS,
                     start=head.start if past_skip else 0, start_line=skip_rows + 1 if past_skip else 1)
    if found is not None and found.kind == "long":
        return _long_cell_error(path.name, found, head.records[0] if head.records else None)
    if isinstance(exc, _LineTooLong):
        return UnreadableFileError(path.name, f"line {line} is longer than {MAX_LINE_BYTES // 1024**2} MB; is this a CSV file?")
    return UnreadableFileError(path.name, f"line {line} cannot be read as CSV ({exc})")


def _long_cell_error(name: str, found: Finding, header: list[str] | None, column: str | None = None) -> UnreadableFileError:
    if column is None:
        column = header[found.column] if header and found.column < len(header) else f"number {found.column + 1}"
    return UnreadableFileError(
        name,
        f"line {found.line}, column {column!r}: a cell of more than {MAX_CELL_CHARS:,} characters "
        f"(the limit for one answer); is a closing quote missing before it?",
    )


def decode_error(path: Path, encoding: str) -> UnreadableFileError:
    """The error for a file that stops being ``encoding`` text somewhere, naming the true line."""
    place = locate_decode_error(path, encoding)
    where = "" if place is None else f" on line {place[0]} (byte {place[1]:,})"
    return UnreadableFileError(path.name, f"not valid {encoding} text{where}; give the file's real encoding (for example cp1252)",
                               row=None if place is None else place[0])


# --- opening and streaming ------------------------------------------------------------------


def open_csv(path: Path, *, encoding: str | None, fmt: str, skip_rows: int, header_rows: int | None) -> ResponseFile:
    """A CSV export: its layout from the first records, its data in chunks from the first response on."""
    dialect = sniff_csv(path, encoding, skip_rows=skip_rows)
    head = read_head(path, dialect, skip_rows, max(HEAD_RECORDS, (header_rows or 0) + 1))
    layout = detect_layout(head.records, fmt, header_rows, path.name)
    info = FileInfo(path=path, format=layout.format, columns=unique_columns(layout.names), encoding=dialect.encoding,
                    delimiter=dialect.delimiter, quote=dialect.quote, decimal_comma=dialect.decimal_comma)
    info.header_rows = layout.header_rows
    info.skip_rows = head.lines[0] - 1
    apply_layout(info, layout)
    if len(head.records) <= layout.header_rows:
        raise UnreadableFileError(path.name, "the file has a header but no responses", row=info.row_number(0))
    info.header_lines = head.lines[layout.header_rows] - head.lines[0]
    if info.skip_rows > skip_rows:
        info.notes.append(f"{info.skip_rows - skip_rows} blank line(s) before the column names skipped")
    start = head.ends[layout.header_rows - 1]
    return ResponseFile(info, _chunks(path, info, dialect, start, head.wide))


def _open_at(path: Path, dialect: CsvDialect, start: int, wide: bool) -> IO[Any]:
    handle: IO[Any] = path.open("r", encoding=dialect.encoding, newline="") if wide else path.open("rb")
    handle.seek(start)
    return handle


def _chunks(path: Path, info: FileInfo, dialect: CsvDialect, start: int, wide: bool) -> Iterator[pd.DataFrame]:
    import pandas as pd

    with _open_at(path, dialect, start, wide) as handle:
        try:
            yield from _parse(handle, path, info, dialect, start, wide)
        except UnicodeDecodeError:
            raise decode_error(path, dialect.encoding) from None
        except pd.errors.ParserError as exc:  # raised while reading, or already when pandas opens a small file
            raise _record_error(path, info, dialect, start, wide, exc) from None
        except (ValueError, OSError, MemoryError) as exc:
            raise UnreadableFileError(path.name, f"cannot be read as CSV ({type(exc).__name__}: {str(exc)[:160]})") from None


def _parse(handle: IO[Any], path: Path, info: FileInfo, dialect: CsvDialect, start: int, wide: bool) -> Iterator[pd.DataFrame]:
    import pandas as pd

    encoding = "utf-8" if dialect.encoding == "utf-8-sig" else dialect.encoding  # the BOM lies before `start`
    reader = pd.read_csv(
        handle, sep=dialect.delimiter, quotechar=dialect.quote, encoding=None if wide else encoding,
        dtype=str, keep_default_na=False, na_filter=False, header=None, names=[*info.columns, EXTRA],
        chunksize=CHUNK_ROWS, engine="c", on_bad_lines="error", index_col=False, skip_blank_lines=True,
    )
    index = 0
    for chunk in reader:
        chunk = chunk.fillna("")  # a short record's missing cells
        if (chunk.pop(EXTRA) != "").any():  # one cell more than the header names, and not empty
            raise pd.errors.ParserError("a record is wider than the header")
        chunk.index = pd.RangeIndex(index, index + len(chunk))
        _check_lengths(chunk, path, info, dialect, start, wide)
        index += len(chunk)
        yield chunk


def _check_lengths(chunk: pd.DataFrame, path: Path, info: FileInfo, dialect: CsvDialect, start: int, wide: bool) -> None:
    """Refuse a cell over the limit (pandas' parser has none), naming its line and column."""
    longest = chunk.apply(lambda column: column.str.len().max()) if len(chunk) else None
    if longest is None or not (longest > MAX_CELL_CHARS).any():
        return
    column = str(longest.idxmax())
    found = _scan_data(path, info, dialect, start, wide)
    if found is None or found.kind != "long":
        index = int(chunk[column].str.len().idxmax())
        found = Finding("long", info.row_number(index), index, info.columns.index(column), int(longest.max()))
    raise _long_cell_error(path.name, found, None, column=info.columns[found.column] if found.column < len(info.columns) else column)


def _scan_data(path: Path, info: FileInfo, dialect: CsvDialect, start: int, wide: bool) -> Finding | None:
    """Scan the data records (for UTF-16/32, the whole file) for the first broken one."""
    if wide:  # positions are text cookies: scan from the top; records are then not counted from the data
        found = scan_csv(path, dialect.encoding, dialect.delimiter, dialect.quote, width=len(info.columns), limit=MAX_CELL_CHARS)
        return None if found is None else Finding(found.kind, found.line, -1, found.column, found.size)
    return scan_csv(path, dialect.encoding, dialect.delimiter, dialect.quote, width=len(info.columns), limit=MAX_CELL_CHARS,
                    start=start, start_line=info.skip_rows + info.header_lines + 1)


def _record_error(
    path: Path, info: FileInfo, dialect: CsvDialect, start: int, wide: bool, exc: Exception
) -> UnreadableFileError:
    found = _scan_data(path, info, dialect, start, wide)
    if found is None:
        return UnreadableFileError(path.name, f"broken CSV: {exc}")
    row = info.row_number(found.record) if found.record >= 0 else found.line
    where = f"line {found.line}" + ("" if row == found.line else f" (response row {row})")
    if found.kind == "wide":
        return UnreadableFileError(
            path.name, f"{where} has {found.size} cells but the header names {len(info.columns)} columns; "
            "is a delimiter inside an unquoted answer?",
        )
    if found.kind == "unclosed":
        return UnreadableFileError(path.name, f"a quote opened on {where} is never closed (the rest of the file would be one cell)")
    return _long_cell_error(path.name, found, info.columns)
