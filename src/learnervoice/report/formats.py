"""Tables in every format: md, html, latex, docx, xlsx, csv, json — which writer of `report/writers/` each gets.

Text formats return a string; binary formats write to a path. Files are
written beside their target and moved in, so a failed write leaves no half file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import TableError
from ..privacy.gate import Gate
from ..stats.comparisons import NumericByGroup
from ..stats.frequencies import FrequencyTable
from ..stats.tables import CrossTab, TableSet
from .writers import docx, html, latex, md, tidy, xlsx

TEXT_FORMATS = ("md", "csv", "html", "latex", "json")
BINARY_FORMATS = ("docx", "xlsx")
FORMATS = TEXT_FORMATS + BINARY_FORMATS


def render_text(tables: TableSet, fmt: str, *, intervals: bool = False) -> str:
    """The tables in a text format.

    >>> print(render_text(tables, "md"))  # doctest: +SKIP
    """
    writers: dict[str, Callable[[TableSet, bool], str]] = {
        "md": md.render_tables,
        "csv": lambda t, _: tidy.render_csv(t),
        "html": html.render_tables,
        "latex": latex.render_tables,
        "json": lambda t, _: tidy.render_json(t),
    }
    if fmt not in writers:
        raise TableError(f"{fmt!r} is not a text format; write it to a file with -o")
    return writers[fmt](tables, intervals)


def released_tables(tables: TableSet, gate: Gate) -> TableSet:
    """The tables with every label passed through the disclosure gate (an option label could hold a name)."""
    from dataclasses import replace

    def frequency(t: FrequencyTable) -> FrequencyTable:
        rows = tuple(replace(r, label=gate.release(r.label), code=gate.release(r.code)) for r in t.rows)
        return replace(t, label=gate.release(t.label), rows=rows, notes=gate.release(t.notes))

    def crosstab(ct: CrossTab) -> CrossTab:
        variable, by = replace(ct.variable, label=gate.release(ct.variable.label)), replace(ct.by, label=gate.release(ct.by.label))
        return replace(ct, variable=variable, by=by, groups=gate.release(ct.groups), note=gate.release(ct.note),
                       columns=tuple(frequency(c) for c in ct.columns), total=frequency(ct.total))

    def numbers(nt: NumericByGroup) -> NumericByGroup:
        variable, by = replace(nt.variable, label=gate.release(nt.variable.label)), replace(nt.by, label=gate.release(nt.by.label))
        test = nt.test and replace(nt.test, reason=gate.release(nt.test.reason), groups=gate.release(nt.test.groups))
        return replace(nt, variable=variable, by=by, groups=gate.release(nt.groups), test=test)

    return replace(tables, title=gate.release(tables.title), frequencies=tuple(frequency(t) for t in tables.frequencies),
                   crosstabs=tuple(crosstab(ct) for ct in tables.crosstabs),
                   numbers=tuple(numbers(nt) for nt in tables.numbers),
                   left_out=tuple(replace(lo, label=gate.release(lo.label)) for lo in tables.left_out))


def write_tables(tables: TableSet, fmt: str, path: Path, *, intervals: bool = False) -> None:
    if fmt not in FORMATS:
        raise TableError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if fmt == "docx":
            docx.save_tables(tables, tmp, intervals)
        elif fmt == "xlsx":
            xlsx.save_xlsx(tables, tmp, intervals)
        else:
            tmp.write_text(render_text(tables, fmt, intervals=intervals), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def format_from_suffix(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    return {"markdown": "md", "htm": "html", "tex": "latex"}.get(suffix, suffix) if suffix else None
