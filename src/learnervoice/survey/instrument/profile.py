"""What the cells of a response file hold, column by column: the values seen, whether they are numbers.

The whole file is read in the reader's bounded chunks; per column only counts and at most
:data:`MAX_DISTINCT` distinct values are kept, so a file of millions of rows costs little memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..readers import FileInfo, open_response_file
from .joins import JOINER, split_joined

if TYPE_CHECKING:
    import pandas as pd

MAX_DISTINCT = 200
MAX_TICK_CELLS = 2000  # distinct cells kept to tell joined ticks apart (checkbox combinations are many)


@dataclass
class ColumnProfile:
    """The non-empty cells of one column, summarised."""

    name: str
    filled: int = 0
    values: Counter[str] = field(default_factory=Counter)  # up to MAX_DISTINCT distinct values
    overflow: bool = False  # more distinct values than kept
    numbers: int = 0  # cells that read as numbers
    whole: int = 0  # cells that read as whole numbers
    joined: int = 0  # cells holding ", " (Google Forms checkboxes)
    cells: Counter[str] = field(default_factory=Counter)  # up to MAX_TICK_CELLS distinct cells
    many_cells: bool = False
    unique_ids: set[int] | None = None  # hashes, for id candidates only
    duplicate: bool = False

    @property
    def numeric(self) -> bool:
        return self.filled > 0 and self.numbers == self.filled

    @property
    def integer(self) -> bool:
        return self.numeric and self.whole == self.filled

    @property
    def distinct(self) -> int:
        return len(self.values)

    @property
    def pieces(self) -> Counter[str]:
        """The options of joined ticks with their counts (see :mod:`.joins`); empty when no cell is a join."""
        if self.joined == 0 or self.many_cells:
            return Counter()
        return split_joined(self.cells) or Counter()


@dataclass
class FileProfile:
    info: FileInfo
    rows: int
    columns: dict[str, ColumnProfile]


def profile_file(
    path: Path, *, format: str = "auto", skip_records: int = 0, id_candidates: tuple[str, ...] = (),
    encoding: str | None = None,
) -> FileProfile:
    """Read the whole file once and summarise each column.

    ``skip_records`` leaves out leading records the reader takes for data (header rows it does not
    know about); ``id_candidates`` are columns whose uniqueness is checked exactly.
    """
    response_file = open_response_file(path, format=format, encoding=encoding)
    info = response_file.info
    profiles = {c: ColumnProfile(c) for c in info.columns}
    for c in id_candidates:
        if c in profiles:
            profiles[c].unique_ids = set()
    rows = 0
    for chunk in response_file.chunks():
        if skip_records > rows:
            drop = min(skip_records - rows, len(chunk))
            rows += drop
            chunk = chunk.iloc[drop:]
        rows += len(chunk)
        for column in info.columns:
            _add(profiles[column], chunk[column], info.decimal_comma)
    return FileProfile(info, max(rows - skip_records, 0), profiles)


def _add(profile: ColumnProfile, series: pd.Series, decimal_comma: bool) -> None:
    import pandas as pd

    text = series.astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return
    profile.filled += len(text)
    counts = text.value_counts()
    if not profile.overflow:
        for value, n in counts.items():
            if value in profile.values or len(profile.values) < MAX_DISTINCT:
                profile.values[str(value)] += int(n)
            else:
                profile.overflow = True
    as_numbers = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False) if decimal_comma else text
    numbers = pd.to_numeric(as_numbers, errors="coerce")
    profile.numbers += int(numbers.notna().sum())
    profile.whole += int((numbers.notna() & (numbers % 1 == 0)).sum())
    if profile.unique_ids is not None and not profile.duplicate:
        hashes = pd.util.hash_pandas_object(text, index=False)
        if hashes.duplicated().any() or any(h in profile.unique_ids for h in hashes.tolist()):
            profile.duplicate = True
        profile.unique_ids.update(hashes.tolist())
    _add_pieces(profile, counts)


def _add_pieces(profile: ColumnProfile, counts: pd.Series) -> None:
    joined = counts[counts.index.str.contains(JOINER, regex=False)]
    profile.joined += int(joined.sum())
    if profile.many_cells:
        return
    for value, n in counts.items():
        if value not in profile.cells and len(profile.cells) >= MAX_TICK_CELLS:
            profile.many_cells = True
            return
        profile.cells[str(value)] += int(n)
