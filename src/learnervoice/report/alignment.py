"""Offer alignment presented: the ranked table for the terminal and files (a DataFrame) and for the report
(Blocks), and the report's alignment section.

The fits are computed by `learnervoice.align`; this is their presentation, so `align` needs nothing of `report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..align.fit import Alignment, Fit
from ..study.load import Study
from .blocks import Block
from .config import ReportConfig
from ..stats.rounding import Rounding, rounded
from .numbers import fmt_interval, fmt_percent

if TYPE_CHECKING:
    import pandas as pd


def alignment_blocks(study: Study, config: ReportConfig, comma: bool) -> list[Block]:
    """The report's alignment section: the offers of report.yaml's catalogue ranked, and their fit by subgroup."""
    from ..align.catalogue import read_catalogue
    from ..align.fit import align
    from ..errors import ReportError

    if config.catalogue is None:
        raise ReportError("an alignment section needs `catalogue:` in report.yaml")
    result = align(study, read_catalogue(study.resolve(config.catalogue)))
    rounding = study.config.tables.rounding
    return [ranking_block(result, comma, rounding), groups_block(result, comma, rounding)]


def _pct(fit: Fit | None, comma: bool, rounding: Rounding = "half_up") -> str:
    if fit is None:
        return "not given"
    if not fit.base:
        return "—"
    return f"{fmt_percent(100 * fit.share, decimal_comma=comma, rounding=rounding)} ({fit.met}/{fit.base})"


def ranking_block(result: Alignment, comma: bool = False, rounding: Rounding = "half_up") -> Block:
    labels = [d.label for d in result.dimensions]
    header = ("Rank", "Offer", "Joint fit", "95% CI", *labels, "Best single change")
    rows = []
    for rank, fit in enumerate(result.offers, start=1):
        low, high = fit.joint.interval
        change = (f"{fit.change.label}: {fit.change.before} → {fit.change.after} "
                  f"(joint fit {_pct(fit.change.fit, comma, rounding)})") if fit.change else "no single change raises it"
        rows.append((str(rank), f"{fit.offer.id} {fit.offer.title}", _pct(fit.joint, comma, rounding),
                     fmt_interval(100 * low, 100 * high, decimal_comma=comma, rounding=rounding) if fit.joint.base else "",
                     *[_pct(fit.dimensions[label], comma, rounding) for label in labels], change))
    design = "; ".join(f"{k}: {v}" for k, v in result.best_design.items())
    notes = (
        "Per dimension: respondents whose stated preference the offer meets, of those who stated one. Joint fit: "
        "respondents all of whose stated preferences it meets, of those who stated at least one; offers with the "
        "same joint fit are ordered by the mean of their dimension fits.",
        f"The design the answers fit best — {design} — fits {_pct(result.best_design_fit, comma, rounding)}." if design else "",
        *result.notes,
    )
    return Block("Offers ranked by joint fit", header, tuple(rows), tuple(n for n in notes if n))


def groups_block(result: Alignment, comma: bool = False, rounding: Rounding = "half_up") -> Block:
    """Joint fit of each offer within each subgroup."""
    columns = [(grouping, label) for grouping, groups in (result.offers[0].groups.items() if result.offers else [])
               for label in groups]
    header = ("Offer", *[f"{label}" for _, label in columns])
    rows = [(fit.offer.id, *[_pct(fit.groups[g][label], comma, rounding) for g, label in columns]) for fit in result.offers]
    return Block("Joint fit by subgroup", header, tuple(rows),
                 ("Groups: " + "; ".join(f"{g} ({', '.join(gs)})" for g, gs in _group_names(result).items()) + ".",))


def _group_names(result: Alignment) -> dict[str, list[str]]:
    return {g: list(gs) for g, gs in (result.offers[0].groups.items() if result.offers else [])}


def ranking_frame(result: Alignment) -> pd.DataFrame:
    import pandas as pd

    records: list[dict[str, Any]] = []
    for rank, fit in enumerate(result.offers, start=1):
        low, high = fit.joint.interval
        record: dict[str, Any] = {"rank": rank, "offer": fit.offer.id, "title": fit.offer.title,
                                  "joint_met": fit.joint.met, "joint_base": fit.joint.base,
                                  "joint_fit": _one_decimal(100 * fit.joint.share) if fit.joint.base else None,
                                  "ci_low": _one_decimal(100 * low) if fit.joint.base else None,
                                  "ci_high": _one_decimal(100 * high) if fit.joint.base else None}
        for label, dim in fit.dimensions.items():
            record[f"{label} %"] = _one_decimal(100 * dim.share) if dim is not None and dim.base else None
        for grouping, groups in fit.groups.items():
            for label, g in groups.items():
                record[f"{grouping}: {label} %"] = _one_decimal(100 * g.share) if g.base else None
        change = fit.change
        record |= {"change": f"{change.label}: {change.before} -> {change.after}" if change else None,
                   "fit_after_change": _one_decimal(100 * change.fit.share) if change else None}
        records.append(record)
    return pd.DataFrame.from_records(records)


def _one_decimal(value: float) -> float:
    """A percentage rounded as the tables print it (half up), as a number."""
    return float(rounded(value, 1, "half_up") or 0.0)
