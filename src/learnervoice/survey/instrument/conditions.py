"""Conditions (``ask_if``) kept only when the response file agrees with them.

A tool's display logic or relevance says when a question was asked; the import refuses an answer
to a question that was not asked. So each condition is checked row by row against the file (a
second bounded pass over the columns involved) and, when some respondents answered without
meeting it, written as a comment that says how many, instead of failing the import.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..convert import TICKED, value_key
from ..readers import FileInfo, open_response_file
from .draft import Draft, DraftQuestion
from .reconcile import lookup

if TYPE_CHECKING:
    import pandas as pd


def check_conditions(draft: Draft, path: Path, skip_records: int = 0, encoding: str | None = None) -> None:
    """Drop (to a comment) every ask_if some row of the file contradicts."""
    conditional = [x for x in draft.questions if x.ask_if is not None]
    if not conditional:
        return
    by_id = {x.id: x for x in draft.questions}
    broken = dict.fromkeys((x.id for x in conditional), 0)
    response_file = open_response_file(path, encoding=encoding)
    info = response_file.info
    seen = 0
    for chunk in response_file.chunks():
        if skip_records > seen:
            drop = min(skip_records - seen, len(chunk))
            seen += drop
            chunk = chunk.iloc[drop:]
        seen += len(chunk)
        for x in conditional:
            assert x.ask_if is not None
            source = by_id.get(x.ask_if[0])
            if source is None:
                continue
            asked = _has(source, set(x.ask_if[1]), chunk, info)
            broken[x.id] += int((_answered(x, chunk, info) & ~asked).sum())
    for x in conditional:
        if broken[x.id]:
            assert x.ask_if is not None
            source_id, codes = x.ask_if
            x.ask_if = None
            x.ask_if_note = (f"Not written as ask_if {{question: {source_id}, any_of: {list(codes)}}}: {broken[x.id]} "
                             f"response(s) answer it without meeting that condition. {x.ask_if_note}").strip()


def _cells(chunk: pd.DataFrame, column: str, info: FileInfo) -> pd.Series:
    """Keys of the cells (empty and user-missing cells as '')."""
    text = chunk[column].astype(str).str.strip()
    keys = text.map({v: value_key(v) for v in text.unique()})
    for lo, hi in info.user_missing.get(column, []):
        import pandas as pd

        keys = keys.where(~pd.to_numeric(text, errors="coerce").between(lo, hi).fillna(False).astype(bool), "")
    return keys


def _has(x: DraftQuestion, codes: set[str], chunk: pd.DataFrame, info: FileInfo) -> pd.Series:
    """Rows whose answer to x is (or, for a multiple response, includes) one of the codes."""
    import pandas as pd

    result = pd.Series(False, index=chunk.index)
    if x.option_columns:
        option = {o.code: o for o in x.options}
        for code in codes & set(x.option_columns):
            ticked = {value_key(x.counted_value)} if x.counted_value is not None else (
                set(TICKED) | {value_key(option[code].code), value_key(option[code].label)})
            result |= _cells(chunk, x.option_columns[code], info).isin(ticked)
        return result
    for column in x.columns():
        table = lookup(x, column, info)
        keys = _cells(chunk, column, info)
        if x.type == "multiple" and not x.category_columns:
            sep = value_key(x.separator or ",") or ","
            result |= keys.map(lambda k: any(table.get(value_key(p)) in codes for p in k.split(sep)))
        else:
            result |= keys.map(lambda k: table.get(k) in codes)
    return result.astype(bool)


def _answered(x: DraftQuestion, chunk: pd.DataFrame, info: FileInfo) -> pd.Series:
    import pandas as pd

    if x.type == "multiple":  # as the import reads it: no tick at all is no answer
        return _has(x, {o.code for o in x.options}, chunk, info)
    answered = pd.Series(False, index=chunk.index)
    for column in x.columns():
        answered |= _cells(chunk, column, info) != ""
    return answered
