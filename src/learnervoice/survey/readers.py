"""Read response files of many tools into chunks of text cells, with what the file says about them.

Every reader yields pandas DataFrames of strings (empty string = empty cell) in
bounded chunks, so a file of hundreds of megabytes never sits in memory whole.
Tool dialects (Qualtrics' extra header rows, SPSS value labels and
multiple-response sets) are turned into :class:`FileInfo` here; what the cells
mean is decided later by the mapping.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UnreadableFileError

if TYPE_CHECKING:
    import pandas as pd

CHUNK_ROWS = 50_000
SNIFF_BYTES = 256 * 1024
MAX_FILE_BYTES = 2 * 1024**3
MAX_XLSX_UNCOMPRESSED = 512 * 1024**2
FORMATS = ("csv", "xlsx", "sav", "dta", "qualtrics", "limesurvey", "kobo")


@dataclass(frozen=True)
class MultipleResponseSet:
    """An SPSS multiple-response set: dichotomies (one column per option) or categories."""

    name: str
    label: str
    columns: tuple[str, ...]
    counted_value: str | None  # dichotomy sets: the value that means "ticked"


@dataclass
class FileInfo:
    """What a reader learnt about a file besides its cells."""

    path: Path
    format: str
    columns: list[str]
    header_rows: int = 1
    column_labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    user_missing: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    mr_sets: list[MultipleResponseSet] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    decimal_comma: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def row_number(self, index: int) -> int:
        """The 1-based row of a data record as a spreadsheet shows it (header rows counted)."""
        return index + self.header_rows + 1


class ResponseFile:
    """An opened response file: its info, and an iterator over chunks of text cells."""

    def __init__(self, info: FileInfo, chunks: Iterator[pd.DataFrame]) -> None:
        self.info = info
        self._chunks = chunks

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Chunks with a RangeIndex counting data records from 0 across the whole file."""
        return self._chunks


def open_response_file(path: Path, *, format: str = "auto", encoding: str | None = None) -> ResponseFile:
    """Open a response file of any supported tool.

    >>> f = open_response_file(Path("examples/microcredentials-2023/data/responses.csv"))  # doctest: +SKIP
    >>> f.info.format  # doctest: +SKIP
    'csv'
    """
    _check_size(path)
    fmt = detect_format(path) if format == "auto" else format
    if fmt in ("csv", "qualtrics", "limesurvey", "kobo"):
        return _open_csv(path, encoding=encoding, fmt=fmt)
    if fmt == "xlsx":
        return _open_xlsx(path)
    if fmt in ("sav", "dta"):
        return _open_readstat(path, fmt)
    raise UnreadableFileError(path.name, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".sav", ".zsav"):
        return "sav"
    if suffix == ".dta":
        return "dta"
    return "csv"


def _check_size(path: Path) -> None:
    if not path.is_file():
        raise UnreadableFileError(str(path), "no such file")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFileError(path.name, "the file is empty")
    if size > MAX_FILE_BYTES:
        raise UnreadableFileError(path.name, f"the file is {size / 1024**3:.1f} GB, above the 2 GB limit")


# --- CSV and the tools that export CSV ------------------------------------------------------


@dataclass(frozen=True)
class CsvDialect:
    encoding: str
    delimiter: str
    decimal_comma: bool


def sniff_csv(path: Path, encoding: str | None = None) -> CsvDialect:
    """Guess encoding, delimiter and decimal mark from the first 256 KB."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    encoding = encoding or _guess_encoding(path.name, head)
    text = _decode_head(path.name, head, encoding)
    if not text.strip():
        raise UnreadableFileError(path.name, "the file is empty")
    _reject_binary(path.name, text)
    lines = text.splitlines()[:50]
    sample = "\n".join(lines)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    decimal_comma = delimiter != "," and bool(re.search(r"(^|[;\t|])\"?-?\d+,\d+\"?($|[;\t|])", sample, re.M))
    return CsvDialect(encoding=encoding, delimiter=delimiter, decimal_comma=decimal_comma)


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
            name, f"not valid {encoding} text (byte {exc.start}); give the file's encoding", row=line
        ) from None
    except LookupError:
        raise UnreadableFileError(name, f"unknown encoding {encoding!r}") from None


def _reject_binary(name: str, text: str) -> None:
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or control > max(3, len(text) // 200):
        raise UnreadableFileError(name, "this is not a text file (binary content); export the responses as CSV")


def _open_csv(path: Path, *, encoding: str | None, fmt: str) -> ResponseFile:
    import pandas as pd

    dialect = sniff_csv(path, encoding)
    header = _read_header_rows(path, dialect)
    info = FileInfo(
        path=path,
        format=fmt,
        columns=[],
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        decimal_comma=dialect.decimal_comma,
    )
    skip: list[int] = []
    if _is_qualtrics(header):
        info.format = "qualtrics"
        info.header_rows = 3 if _is_import_id_row(header[2] if len(header) > 2 else []) else 2
        skip = list(range(1, info.header_rows))
        info.column_labels = dict(zip(header[0], header[1]))
        info.notes.append(f"Qualtrics export: {info.header_rows} header rows, labels taken from row 2")
    elif fmt == "csv":
        info.format = _csv_tool(header[0])
    columns = _clean_columns(header[0], info)
    info.columns = columns

    def chunks() -> Iterator[pd.DataFrame]:
        reader = pd.read_csv(
            path,
            sep=dialect.delimiter,
            encoding=dialect.encoding,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skiprows=skip,
            chunksize=CHUNK_ROWS,
            header=0,
            names=columns,
            engine="c",
            on_bad_lines="error",
            index_col=False,
        )
        start = 0
        try:
            for chunk in reader:
                chunk.index = pd.RangeIndex(start, start + len(chunk))
                start += len(chunk)
                yield chunk
        except UnicodeDecodeError:
            raise UnreadableFileError(
                path.name,
                f"not valid {dialect.encoding} text after row {info.row_number(start)}; "
                "give the file's real encoding (for example cp1252)",
                row=info.row_number(start),
            ) from None
        except pd.errors.ParserError as exc:
            raise UnreadableFileError(path.name, f"broken CSV: {exc}") from None

    return ResponseFile(info, chunks())


def _read_header_rows(path: Path, dialect: CsvDialect) -> list[list[str]]:
    with path.open("r", encoding=dialect.encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=dialect.delimiter)
        rows: list[list[str]] = []
        try:
            for row in reader:
                rows.append(row)
                if len(rows) == 3:
                    break
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UnreadableFileError(path.name, f"cannot read the header: {exc}") from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise UnreadableFileError(path.name, "the file is empty (no header row)")
    if len(rows) == 1:
        raise UnreadableFileError(path.name, "the file has a header but no responses", row=2)
    return rows


def _is_qualtrics(header: list[list[str]]) -> bool:
    first = header[0]
    legacy = len(first) > 1 and first[0].strip("\ufeff") == "V1" and "ResponseID" in header[1]
    modern = "ResponseId" in first and len(header) > 2 and _is_import_id_row(header[2])
    return legacy or modern


def _csv_tool(first: list[str]) -> str:
    """LimeSurvey and KoboToolbox exports are CSV with tell-tale columns."""
    names = {c.strip().lstrip("\ufeff") for c in first}
    if {"Response ID", "Date submitted"} <= names or {"id", "submitdate"} <= names:
        return "limesurvey"
    if names & {"_uuid", "_submission_time", "_submission__uuid"}:
        return "kobo"
    return "csv"


def _is_import_id_row(row: list[str]) -> bool:
    return bool(row) and row[0].startswith('{"ImportId"')


def _clean_columns(raw: list[str], info: FileInfo) -> list[str]:
    """Names for the columns: Qualtrics' V1…V10 take their label; empty trailing names are numbered."""
    columns: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(raw):
        name = name.strip().lstrip("\ufeff")
        if info.format == "qualtrics" and re.fullmatch(r"V\d+", name) and info.column_labels.get(raw[i]):
            name = info.column_labels[raw[i]]
        if not name:
            name = f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        columns.append(name)
    return columns


# --- XLSX -----------------------------------------------------------------------------------


def _open_xlsx(path: Path) -> ResponseFile:
    import pandas as pd
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFileError(path.name, "not an Excel .xlsx file (not a zip archive)") from None
    if total > MAX_XLSX_UNCOMPRESSED:
        raise UnreadableFileError(path.name, "the workbook unpacks to more than 512 MB; export it as CSV")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise UnreadableFileError(path.name, f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(c is not None for c in header):
        raise UnreadableFileError(path.name, "the first sheet is empty")
    info = FileInfo(path=path, format="xlsx", columns=[])
    info.columns = _clean_columns(["" if c is None else str(c) for c in header], info)
    width = len(info.columns)

    def chunks() -> Iterator[pd.DataFrame]:
        start = 0
        batch: list[list[str]] = []
        for row in rows:
            cells = [_cell_text(c) for c in row[:width]]
            batch.append(cells + [""] * (width - len(cells)))
            if len(batch) == CHUNK_ROWS:
                yield pd.DataFrame(batch, columns=info.columns, index=pd.RangeIndex(start, start + len(batch)))
                start += len(batch)
                batch = []
        if batch:
            yield pd.DataFrame(batch, columns=info.columns, index=pd.RangeIndex(start, start + len(batch)))
        wb.close()

    return ResponseFile(info, chunks())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- SPSS and Stata -------------------------------------------------------------------------


def _open_readstat(path: Path, fmt: str) -> ResponseFile:
    import pyreadstat

    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    kwargs: dict[str, Any] = {"user_missing": True} if fmt == "sav" else {}
    try:
        _, meta = reader(str(path), metadataonly=True, **kwargs)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise UnreadableFileError(path.name, f"not a readable {fmt.upper()} file: {exc}") from None
    info = FileInfo(path=path, format=fmt, columns=list(meta.column_names), encoding=meta.file_encoding)
    info.column_labels = {k: v for k, v in meta.column_names_to_labels.items() if v}
    info.value_labels = {
        col: {_number_text(k): str(v) for k, v in labels.items()} for col, labels in meta.variable_value_labels.items()
    }
    for col, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        info.user_missing[col] = [(float(r["lo"]), float(r["hi"])) for r in ranges if _is_number(r["lo"])]
    for name, mr in (getattr(meta, "mr_sets", None) or {}).items():
        counted = None if mr.get("counted_value") is None else _number_text(mr["counted_value"])
        info.mr_sets.append(MultipleResponseSet(name, mr.get("label") or name, tuple(mr["variable_list"]), counted))

    def chunks() -> Iterator[pd.DataFrame]:
        for frame, _ in pyreadstat.read_file_in_chunks(reader, str(path), chunksize=CHUNK_ROWS, **kwargs):
            yield frame.apply(lambda col: col.map(_number_text)).astype(object)

    return ResponseFile(info, chunks())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float))


def _number_text(value: Any) -> str:
    """Numbers as a person writes them (1.0 -> '1'); missing -> ''."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)

