"""SPSS (.sav, .zsav) and Stata (.dta) files through pyreadstat: labels, missing values, MR sets, data in chunks.

A damaged file must end in a clear error, never in a crash: pyreadstat raises several kinds of
exception (ReadstatError, OverflowError on impossible dates, MemoryError…), and it allocates
for the number of rows a header declares, so a header claiming more rows than the file's bytes
could hold is refused before any data is read, and data is read in chunks. Some damaged headers
make the C library behind it crash the process (one changed byte of a real .sav does): so each
file is first read once in a child process, and a file that kills the child is refused — the
command, or the workbench serving the upload, carries on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import UnreadableFileError
from .base import CHUNK_ROWS, FileInfo, MultipleResponseSet, ResponseFile, cell_text, number_text
from .crashguard import survives_reading

if TYPE_CHECKING:
    import pandas as pd

NAMES = {"sav": "SPSS", "dta": "Stata"}
ZLIB_MAX_RATIO = 1100  # deflate expands at most ~1032:1


def _reader(fmt: str) -> Any:
    import pyreadstat

    return pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta


def _kwargs(fmt: str, encoding: str | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"user_missing": True} if fmt == "sav" else {}
    if encoding:
        kwargs["encoding"] = encoding
    return kwargs


def _damaged(path: Path, fmt: str, exc: BaseException, where: str = "") -> UnreadableFileError:
    reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
    if isinstance(exc, MemoryError):
        reason = "it declares more data than memory can hold"
    return UnreadableFileError(
        path.name, f"not a readable {NAMES[fmt]} file{where}: it is damaged, cut short or not {NAMES[fmt]} ({reason})"
    )


def open_readstat(path: Path, fmt: str, *, encoding: str | None, skip_rows: int, header_rows: int | None) -> ResponseFile:
    """An SPSS or Stata file; ``skip_rows`` and ``header_rows - 1`` first records are left out, as in a CSV."""
    kwargs = _kwargs(fmt, encoding)
    survives_reading(path, fmt, encoding)
    try:
        _, meta = _reader(fmt)(str(path), metadataonly=True, **kwargs)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise _damaged(path, fmt, exc) from None
    _check_declared_rows(path, fmt, meta)
    unnamed = [i + 1 for i, name in enumerate(meta.column_names or []) if not isinstance(name, str) or not name]
    if unnamed:
        raise UnreadableFileError(path.name, f"not a readable {NAMES[fmt]} file: variable {unnamed[0]} has no name "
                                  f"in its header; it is damaged")
    info = FileInfo(path=path, format=fmt, columns=list(meta.column_names), encoding=meta.file_encoding,
                    skip_rows=skip_rows, header_rows=header_rows or 1)
    _labels(info, meta)
    return ResponseFile(info, _chunks(path, fmt, info, meta, kwargs))


def _check_declared_rows(path: Path, fmt: str, meta: Any) -> None:
    """Every value takes at least one byte (one compression code in .sav; ~1/1032 of a byte in .zsav)."""
    rows = meta.number_rows
    if rows is None or rows < 0:
        return
    ratio = ZLIB_MAX_RATIO if path.suffix.lower() == ".zsav" or _is_zsav(path) else 1
    if rows * max(1, meta.number_columns) > path.stat().st_size * ratio:
        raise UnreadableFileError(
            path.name, f"not a readable {NAMES[fmt]} file: its header declares {rows:,} rows, more than its "
            f"{path.stat().st_size:,} bytes can hold; it is damaged",
        )


def _is_zsav(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"$FL3"


def _labels(info: FileInfo, meta: Any) -> None:
    info.column_labels = {k: v for k, v in meta.column_names_to_labels.items() if v}
    info.value_labels = {
        col: {cell_text(k): str(v) for k, v in labels.items()} for col, labels in meta.variable_value_labels.items()
    }
    for col, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        numbers = [(float(r["lo"]), float(r["hi"])) for r in ranges if isinstance(r["lo"], (int, float))]
        texts = sorted({str(r[end]).strip() for r in ranges if isinstance(r["lo"], str) for end in ("lo", "hi")})
        if numbers:
            info.user_missing[col] = numbers
        if texts:  # SPSS allows discrete missing values for strings (read back as lo == hi)
            info.user_missing_text[col] = texts
    for name, mr in (getattr(meta, "mr_sets", None) or {}).items():
        counted = None if mr.get("counted_value") is None else cell_text(mr["counted_value"])
        info.mr_sets.append(MultipleResponseSet(name, mr.get("label") or name, tuple(mr["variable_list"]), counted))


def _chunks(path: Path, fmt: str, info: FileInfo, meta: Any, kwargs: dict[str, Any]) -> Iterator[pd.DataFrame]:
    import pandas as pd
    import pyreadstat

    offset = info.skip_rows + info.header_rows - 1
    declared = meta.number_rows if meta.number_rows is not None and meta.number_rows >= 0 else None
    read = offset
    start = 0
    try:
        for frame, _ in pyreadstat.read_file_in_chunks(
            _reader(fmt), str(path), chunksize=CHUNK_ROWS, offset=offset, **kwargs
        ):
            read += len(frame)
            out = pd.DataFrame({c: _column_text(frame[c]) for c in frame.columns}, columns=list(frame.columns), dtype=str)
            out.index = pd.RangeIndex(start, start + len(out))
            start += len(out)
            yield out
    except UnreadableFileError:
        raise
    except Exception as exc:  # pyreadstat raises many kinds for damaged data
        raise _damaged(path, fmt, exc, f" after row {info.row_number(start - 1)}" if start else "") from None
    if declared is not None and read < declared:
        raise UnreadableFileError(path.name, f"the file is cut short: its header declares {declared:,} rows, it holds {read:,}")


def _column_text(column: pd.Series) -> list[str]:
    """A column's values as text; whole numbers (most codes) converted at numpy speed."""
    import numpy as np

    if column.dtype.kind == "f":
        values = column.to_numpy()
        finite = np.isfinite(values)
        whole = finite & (np.floor(values) == values) & (np.abs(values) < 1e15)
        out = np.full(len(values), "", dtype=object)
        out[whole] = values[whole].astype(np.int64).astype(str)
        rest = finite & ~whole
        out[rest] = [number_text(float(v)) for v in values[rest]]
        return list(out)
    return [cell_text(v) for v in column.tolist()]
