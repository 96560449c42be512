"""What every reader gives back: the file's info, chunks of text cells, and cells as a person types them."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import UnreadableFileError

if TYPE_CHECKING:
    import pandas as pd

CHUNK_ROWS = 50_000
MAX_FILE_BYTES = 2 * 1024**3
MAX_CELL_CHARS = 1_000_000  # no survey answer is longer; a longer cell is a broken or hostile file


@dataclass(frozen=True)
class MultipleResponseSet:
    """An SPSS multiple-response set: dichotomies (one column per option) or categories."""

    name: str
    label: str
    columns: tuple[str, ...]
    counted_value: str | None  # dichotomy sets: the value that means "ticked"


@dataclass
class FileInfo:
    """What a reader learnt about a file besides its cells.

    Rows and lines: ``skip_rows`` lines (CSV) or sheet rows (XLSX) come before the row of column
    names; ``header_rows`` rows run from the column names to the first data record, the names
    included (a Qualtrics export has 3). So the first data record of a CSV is record number
    ``skip_rows + header_rows`` (0-based), and :meth:`row_number` gives the row a spreadsheet
    shows. ``header_lines`` is the same count in physical lines (larger than ``header_rows``
    only when a header cell holds a line break): a CSV's data starts after
    ``skip_rows + header_lines`` lines.
    """

    path: Path
    format: str
    columns: list[str]  # clean, unique names in file order
    header_rows: int = 1
    skip_rows: int = 0
    header_lines: int = 1
    column_labels: dict[str, str] = field(default_factory=dict)  # column -> question text
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> code -> label
    user_missing: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # numeric ranges, lo..hi
    user_missing_text: dict[str, list[str]] = field(default_factory=dict)  # SPSS string variables' missing values
    mr_sets: list[MultipleResponseSet] = field(default_factory=list)
    column_meta: dict[str, dict[str, str]] = field(default_factory=dict)  # Qualtrics ImportId JSON, Kobo HXL tags
    encoding: str | None = None
    delimiter: str | None = None
    quote: str = '"'
    decimal_comma: bool = False
    sheet: str | None = None  # the worksheet read, for workbooks
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def row_number(self, index: int) -> int:
        """The 1-based row of a data record as a spreadsheet shows it (skipped and header rows counted).

        >>> FileInfo(Path("q.csv"), "qualtrics", ["Q1"], header_rows=3, skip_rows=2).row_number(0)
        6
        """
        return index + self.skip_rows + self.header_rows + 1


class ResponseFile:
    """An opened response file: its info, and an iterator over chunks of text cells."""

    def __init__(self, info: FileInfo, chunks: Iterator[pd.DataFrame]) -> None:
        self.info = info
        self._chunks = chunks

    def chunks(self) -> Iterator[pd.DataFrame]:
        """DataFrames of ``str`` ("" for an empty cell) with a RangeIndex counting data records from 0."""
        return self._chunks


def check_size(path: Path) -> None:
    if not path.exists():
        raise UnreadableFileError(str(path), "no such file")
    if not path.is_file():
        raise UnreadableFileError(str(path), "not a regular file (a folder, device or pipe); give the exported file")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFileError(path.name, "the file is empty")
    if size > MAX_FILE_BYTES:
        raise UnreadableFileError(path.name, f"the file is {size / 1024**3:.1f} GB, above the 2 GB limit")


def clean_name(name: str) -> str:
    """A column name without surrounding spaces, byte-order marks or direction marks (RTL exports)."""
    name = name.strip()
    while name and (unicodedata.category(name[0]) == "Cf" or name[0].isspace()):
        name = name[1:]
    while name and (unicodedata.category(name[-1]) == "Cf" or name[-1].isspace()):
        name = name[:-1]
    return name


def unique_columns(raw: Iterable[str]) -> list[str]:
    """Names for the columns: cleaned, empty ones numbered, repeats suffixed ``.1``, ``.2`` (as pandas does).

    >>> unique_columns(["id", " Q1 ", "", "Q1", "\\ufeffQ2"])
    ['id', 'Q1', 'column_3', 'Q1.1', 'Q2']
    """
    columns: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(raw):
        name = clean_name(name) or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        columns.append(name)
    return columns


def number_text(value: float) -> str:
    """A number as a person types it: 1.0 -> '1', 0.1 + 0.2 -> '0.3', 1e-05 -> '0.00001'; NaN -> ''.

    >>> number_text(1.0), number_text(0.1 + 0.2), number_text(1e-05), number_text(-2.5)
    ('1', '0.3', '0.00001', '-2.5')
    """
    if value != value:  # NaN
        return ""
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    import numpy as np

    return str(np.format_float_positional(value, precision=15, unique=True, fractional=False, trim="-"))


def cell_text(value: Any) -> str:
    """A cell of a workbook or a statistics file as text, the way a person would type it.

    Numbers lose a trailing ``.0``; dates are ISO (``2024-01-17``), date-times ``2024-01-17 18:07:45``
    (with ``.597`` when there are fractions of a second), times ``14:12:00``; durations ``1:30:00``;
    booleans ``TRUE``/``FALSE`` as a spreadsheet shows them (which the tick columns of a
    multiple-response question read as ticked/not ticked); missing values ``""``.

    >>> cell_text(3.0), cell_text(True), cell_text(dt.datetime(2024, 1, 17, 18, 7, 45, 597000)), cell_text(None)
    ('3', 'TRUE', '2024-01-17 18:07:45.597', '')
    """
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return _datetime_text(value)
    if isinstance(value, (dt.date, dt.time)):
        return _time_text(value) if isinstance(value, dt.time) else value.isoformat()
    if isinstance(value, dt.timedelta):
        return _duration_text(value)
    return _other_text(value)


def _datetime_text(value: dt.datetime) -> str:
    if value != value:  # NaT
        return ""
    return value.date().isoformat() + " " + _time_text(value.time())


def _time_text(value: dt.time) -> str:
    text = value.strftime("%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text


def _duration_text(value: dt.timedelta) -> str:
    seconds = value.total_seconds()
    sign = "-" if seconds < 0 else ""
    whole, fraction = divmod(abs(seconds), 1)
    hours, rest = divmod(int(whole), 3600)
    text = f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return text + (f"{fraction:.6f}".lstrip("0").rstrip("0") if fraction else "")


def _other_text(value: Any) -> str:
    if hasattr(value, "item"):  # numpy scalars
        return cell_text(value.item())
    if value != value:  # pandas NaT / NA-like
        return ""
    return str(value)


def frames(rows: Iterator[list[str]], columns: list[str], chunk_rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """Rows of text cells (already as wide as ``columns``) in DataFrames of ``chunk_rows``, indexed from 0."""
    import pandas as pd

    start = 0
    batch: list[list[str]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == chunk_rows:
            yield pd.DataFrame(batch, columns=columns, index=pd.RangeIndex(start, start + len(batch)), dtype=str)
            start += len(batch)
            batch = []
    if batch:
        yield pd.DataFrame(batch, columns=columns, index=pd.RangeIndex(start, start + len(batch)), dtype=str)

