"""Disclosure control in the report: quote attributions coarsened to k, small cells of person-describing tables
suppressed or merged.

These rules shape what the report shows; the check that no name, handle, e-mail address or phone number is
written at all is the privacy gate's (`learnervoice.privacy.gate`), which `report/write.py` calls.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..stats.comparisons import NumericByGroup
from ..stats.rounding import Rounding
from ..study.load import Study
from .blocks import Block, Style, crosstab_cells, crosstab_header
from .config import ReportConfig


def attribute_label(row: Any, config: ReportConfig, people: list[dict[str, str]], disclosure: list[str]) -> str:
    """'P12, senior, woman', coarsened until at least k participants share the attributes shown."""
    shown = [a for a in config.attribution if str(row.get(a) or "")]
    while shown:
        same = [p for p in people if all(p.get(a) == row.get(a) for a in shown)]
        if len(same) >= config.k:
            break
        dropped = shown.pop()
        note = f"Attribution of {row['participant']}: '{dropped}' left out (fewer than {config.k} participants share it)."
        if note not in disclosure:
            disclosure.append(note)
    return ", ".join([str(row["participant"])] + [str(row[a]) for a in shown])


def bands_of(study: Study, variable_id: str) -> dict[str, Any]:
    """Option code -> band (min, max) of a binned question or a banded derived variable; empty otherwise."""
    from ..study.model import BinnedNumeric

    for q in study.config.questions:
        if q.id == variable_id and isinstance(q, BinnedNumeric):
            return {b.code: b for b in q.bands}
    for d in study.config.derived:
        if d.id == variable_id:
            return {b.code: b for b in d.bands}
    return {}


def _span_label(labels: list[str], codes: list[str], bands: dict[str, Any]) -> str:
    """The label of merged categories: a numeric span when they are bands ("36 or more"), else joined labels."""
    if not all(c in bands for c in codes):
        return " + ".join(labels)
    low, high = bands[codes[0]].min, bands[codes[-1]].max
    def number(x: float) -> str:
        return f"{x:g}"
    if low is None and high is None:
        return "All"
    if low is None:
        return f"{number(high)} or less"
    if high is None:
        return f"{number(low)} or more"
    return f"{number(low)}-{number(high)}"


def merge_small_rows(ct: Any, k: int, style: Style, bands: dict[str, Any] | None = None,
                     weighted: bool = False) -> tuple[Block, list[str]]:
    """Join each category holding a count from 1 to k-1 with its neighbour (the next, or the one before for
    the last) until no cell is under k; percentages are recomputed on the same column bases. Merged bands
    are labelled by the span they cover ("36 or more"), other categories by their joined labels."""
    columns = (*ct.columns, ct.total)
    weighted = weighted and ct.total.weighted_base is not None
    groups: list[tuple[list[str], list[str], list[int]]] = [
        ([o.code], [o.label], [col.rows[i].count for col in columns]) for i, o in enumerate(ct.variable.options)
    ]
    shares = {o.code: [col.rows[i].weighted_percent or 0.0 for col in columns] for i, o in enumerate(ct.variable.options)}
    merged: list[str] = []

    def small(counts: list[int]) -> bool:
        return any(0 < n < k for n in counts[:-1])

    i = 0
    while i < len(groups) and len(groups) > 1:
        if small(groups[i][2]):
            j = i + 1 if i + 1 < len(groups) else i - 1
            a, b = sorted((i, j))
            codes, names = groups[a][0] + groups[b][0], groups[a][1] + groups[b][1]
            counts = [x + y for x, y in zip(groups[a][2], groups[b][2])]
            groups[a:b + 1] = [(codes, names, counts)]
            merged.append(_span_label(names, codes, bands or {}))
            i = max(a - 1, 0)
        else:
            i += 1
    labelled = [(_span_label(names, codes, bands or {}) if len(codes) > 1 else names[0], counts, codes)
                for codes, names, counts in groups]
    bases = [col.base for col in columns]
    rows = []
    for label, counts, codes in labelled:
        percents = [100 * n / base if base else float("nan") for n, base in zip(counts, bases)]
        weights: list[float | None] | None = [sum(shares[c][j] for c in codes) for j in range(len(columns))] if weighted else None
        rows.append((label,) + crosstab_cells(counts, percents, weights, style))
    header = crosstab_header(ct, style, weighted)
    labelled_names = [(label, counts) for label, counts, _ in labelled]
    final = [m for m in merged if any(m == g[0] for g in labelled_names)] or merged
    notes = (f"Categories merged so that no cell is under {k}: " + "; ".join(final) + ".",) if merged else ()
    return Block(f"{ct.variable.label} by {ct.by.label}", header, tuple(rows), notes), final


def suppress_small_cells(block: Block, groups: int, k: int, bases: list[int] | None = None,
                         names: list[str] | None = None) -> tuple[Block, int]:
    """Replace group counts from 1 to k-1 (and their %, weighted % too) by '<k', with one more count of the row
    hidden so the row total cannot give it back; totals stay, as they describe one attribute only, unless the counts
    hidden in the row add up to fewer than k (`<3, 0, 0` beside a total of 1 would name the group of that one person).

    A group smaller than k (`bases`) is hidden whole, zeros included: otherwise its base, less the
    counts shown, would tell where its few members are. `names` are the groups' labels (else read from the header).
    """
    width = max((len(block.header) - 1) // (groups + 1), 2)  # n, % (and weighted %) per group and the total
    tiny = {g for g, base in enumerate(bases or []) if 0 < base < k}
    hidden = totals_hidden = 0
    rows = []
    for row in block.rows:
        cells = list(row)

        def count(g: int) -> int:
            return int(cells[1 + width * g]) if cells[1 + width * g].isdigit() else 0

        small = sorted(tiny | {g for g in range(groups) if 0 < count(g) < k})
        if len(small) == 1 and groups > 1:  # the row total would give it away: hide the next smallest count too
            others = [g for g in range(groups) if g not in small and count(g) > 0]
            small += sorted(others, key=count)[:1]
        hidden_sum = sum(count(g) for g in small)
        for g in small:
            first = 1 + width * g
            cells[first:first + width] = [f"<{k}" if 0 < count(g) < k else "·"] + [""] * (width - 1)
            hidden += 1
        if small and hidden_sum < k:  # the total less the counts shown would give them back
            first = 1 + width * groups
            cells[first:first + width] = ["·"] + [""] * (width - 1)
            totals_hidden += 1
        rows.append(tuple(cells))
    notes = block.notes
    if tiny:
        labels = names or [block.header[1 + width * g].rsplit(" ", 1)[0] for g in range(groups)]
        shown = ", ".join(labels[g] for g in sorted(tiny))
        notes = tuple(_hide_bases(n, shown, k) for n in notes)
        notes += (f"{shown}: fewer than {k} respondents, so every count of the group is hidden.",)
    if hidden:
        notes += (f"Counts from 1 to {k - 1} are shown as <{k}, and one more count in the same row as ·, "
                  "so that the row total does not reveal them.",)
    if totals_hidden:
        notes += (f"Where the counts hidden in a row add up to fewer than {k}, the row's total is hidden too (·).",)
    return Block(block.title, block.header, tuple(rows), notes), hidden


def _hide_bases(note: str, names: str, k: int) -> str:
    """The bases note with the base of each group smaller than k shown as '<k'."""
    for name in names.split(", "):
        note = re.sub(rf"(Bases: (?:.*?, )?){re.escape(name)} \d+", rf"\g<1>{name} <{k}", note)
    return note


def numeric_subgroup_block(
    nt: NumericByGroup, comma: bool, disclosure: list[str], rounding: Rounding = "half_up"
) -> Block:
    """A number by a subgroup in the report. Crossing two personal attributes (`nt.k` set), groups under k are left
    out (by the table's builder) and so are the minimum and maximum, each one respondent's value."""
    from .numeric import numeric_block

    personal = nt.k > 0
    block = numeric_block(nt, comma, rounding, extremes=not personal)
    if not personal:
        return block
    title = f"{nt.variable.label} by {nt.by.label}"
    hidden = ", ".join(nt.groups[i][1] for i in nt.hidden)
    disclosure.append(f"{title}: minimum and maximum left out (each is one respondent's value)"
                      + (f"; {hidden} left out (fewer than {nt.k} respondents)." if hidden else "."))
    return replace(block, notes=block.notes + ("Minimum and maximum are not shown: each is one respondent's value.",))
