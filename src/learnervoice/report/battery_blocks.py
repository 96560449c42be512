"""Grids and rankings laid out as printed blocks: one row per item (or option), in the table's order."""

from __future__ import annotations

import functools

from ..stats.batteries import Battery, GridTable, RankingTable, box_size
from .blocks import Block
from ..stats.rounding import Rounding
from .numbers import fmt_number, fmt_percent


def battery_block(table: Battery, comma: bool, rounding: Rounding = "half_up") -> Block:
    """The block of a grid or a ranking."""
    return grid_block(table, comma, rounding) if isinstance(table, GridTable) else ranking_block(table, comma, rounding)


def grid_block(t: GridTable, comma: bool, rounding: Rounding = "half_up") -> Block:
    """Item, n, % at each point, mean, SD, top-2-box, bottom-2-box (as SPSS CTABLES stacks a battery)."""
    pct = functools.partial(fmt_percent, decimal_comma=comma, rounding=rounding)
    num = functools.partial(fmt_number, decimal_comma=comma, rounding=rounding)
    box = box_size(len(t.scale))
    top, bottom = ("Top 2 %", "Bottom 2 %") if box == 2 else ("Top box %", "Bottom box %")
    header = (t.label, "n", *(f"{o.label} %" for o in t.scale), "Mean", "SD", top, bottom)
    rows = tuple((r.label, str(r.n), *(pct(p) for p in r.percents), num(r.mean), num(r.sd), pct(r.top2), pct(r.bottom2))
                 for r in t.rows)
    scores = ", ".join(f"{o.label} = {num(s, decimals=0 if s.is_integer() else 2)}"
                       for o, s in zip(t.scale, t.scores))
    notes = [f"Base: respondents who answered each item (n). Mean and SD of the scale points scored {scores}.",
             f"Top 2: {t.scale[-1].label} or {t.scale[-2].label}; bottom 2: {t.scale[0].label} or {t.scale[1].label}."
             if box == 2 else f"Top box: {t.scale[-1].label}; bottom box: {t.scale[0].label}."]
    if t.sort != "as_listed":
        notes.append("Items sorted by " + ("mean" if t.sort == "mean" else "top-2-box") + ", highest first.")
    missing = "; ".join(f"{r.label} {r.missing}" for r in t.rows if r.missing)
    if missing:
        notes.append(f"Not in the bases — no answer: {missing}.")
    if t.not_asked:
        notes.append(f"Not asked: {t.not_asked}.")
    if t.weighted:
        notes.append("Weighted %, mean and SD (n unweighted).")
    return Block(t.label, header, rows, tuple(n for n in notes if n))


def ranking_block(t: RankingTable, comma: bool, rounding: Rounding = "half_up") -> Block:
    """Option, n ranked, mean rank, % ranked first (and % in the top 3)."""
    pct = functools.partial(fmt_percent, decimal_comma=comma, rounding=rounding)
    num = functools.partial(fmt_number, decimal_comma=comma, rounding=rounding)
    top = any(r.top is not None for r in t.rows)
    header = (t.label, "n ranked", "Mean rank", "Ranked first %") + (("Top 3 %",) if top else ())
    rows = tuple((r.label, str(r.n_ranked), num(r.mean_rank), pct(r.first))
                 + ((pct(r.top),) if top else ()) for r in t.rows)
    notes = [f"Base: {t.base} respondents who ranked at least one option; % ranked first"
             + (" and % in the top 3 are" if top else " is") + " of them.",
             f"Mean rank among those who ranked the option (1 = first, {t.ranks} = last ranked); lower is preferred."]
    if t.missing:
        notes.append(f"Not in the base — ranked nothing: {t.missing}.")
    if t.not_asked:
        notes.append(f"Not asked: {t.not_asked}.")
    if t.weighted:
        notes.append("Weighted mean rank and % (n unweighted).")
    return Block(t.label, header, rows, tuple(notes))
