"""How well each offer fits the learners who answered, dimension by dimension and respondent by respondent.

For a dimension (a preference question read against a catalogue field), a respondent's
preference is met when the offer satisfies one of the options they chose. Respondents who
did not answer, or were not asked, state nothing on it and are left out of its base. The
joint fit of an offer is the share of respondents all of whose stated preferences it meets
(dimensions the offer does not describe are left out, and said so). Candidate changes are
the values the options stand for; the best single change is the one that raises joint fit
most, and the best design is the combination of values that fits the most respondents.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import TableError
from ..study.types import question_type
from ..stats.intervals import wilson_interval
from ..stats.variables import NOT_ASKED, find_variable, question_variable
from ..study.load import Study
from ..study.model import OFFER_SETS, AlignmentRule
from .catalogue import WEEKS_PER_MONTH, Catalogue, Offer

if TYPE_CHECKING:
    from numpy.typing import NDArray

MAX_DESIGNS = 200_000
FIELD_NAMES = {"duration_weeks": "Length", "hours_per_week": "Hours a week", "sync_share": "Synchronous share",
               "participation": "Participation", "schedule": "Schedule", "level": "Level", "credential": "Credential",
               "price": "Price", "ects": "ECTS", "hours": "Workload", "eqf_level": "EQF level"}


@dataclass(frozen=True)
class Dimension:
    """One rule, with the respondents' choices as a matrix (respondent × option) and who stated one."""

    rule: AlignmentRule
    label: str
    options: tuple[str, ...]
    chose: NDArray[np.bool_]
    stated: NDArray[np.bool_]
    not_asked: int
    bands: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)  # a binned question's own

    def option_met(self, offer: Offer | dict[str, Any]) -> NDArray[np.bool_] | None:
        """Which options the offer satisfies; None when the offer does not give this field."""
        value = _value(offer, self.rule.field)
        if value is None or value == ():
            return None
        if self.rule.field in OFFER_SETS:
            held = set(value) if isinstance(value, tuple) else {value}
            return np.array([bool(held & set(self.rule.values.get(o, ()))) for o in self.options])
        ranges = self.ranges()
        return np.array([o in ranges and _within(float(value), ranges[o]) for o in self.options])

    def ranges(self) -> dict[str, tuple[float | None, float | None]]:
        return dict(self.rule.ranges) if self.rule.ranges else self.bands

    def met(self, offer: Offer | dict[str, Any]) -> NDArray[np.bool_] | None:
        options = self.option_met(offer)
        return None if options is None else (self.chose @ options.astype(np.int64)) > 0


@dataclass(frozen=True)
class Fit:
    met: int
    base: int

    @property
    def share(self) -> float:
        return self.met / self.base if self.base else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.met, self.base) if self.base else (math.nan, math.nan)


@dataclass(frozen=True)
class Change:
    label: str
    field: str
    before: str
    after: str
    fit: Fit
    gain: float


@dataclass
class OfferFit:
    offer: Offer
    dimensions: dict[str, Fit | None]  # label -> fit (None: the offer does not say)
    joint: Fit
    groups: dict[str, dict[str, Fit]] = field(default_factory=dict)  # grouping label -> group label -> fit
    change: Change | None = None


@dataclass
class Alignment:
    offers: list[OfferFit]
    dimensions: list[Dimension]
    respondents: int
    best_design: dict[str, str]
    best_design_fit: Fit
    notes: list[str]


def _value(offer: Offer | dict[str, Any], name: str) -> Any:
    if isinstance(offer, dict):
        return offer.get(name)
    return getattr(offer, name)


def _within(x: float, bounds: tuple[float | None, float | None]) -> bool:
    low, high = bounds
    return (low is None or x >= low - 1e-9) and (high is None or x <= high + 1e-9)


def load_dimensions(study: Study, groupings: list[str]) -> tuple[list[Dimension], dict[str, tuple[list[tuple[str, str]], NDArray[Any]]], int]:
    """Each rule's respondent × option matrix from the survey store, and the respondents' subgroup codes."""
    from ..stats.engine import study_engine

    rules = study.config.alignment
    if not rules:
        raise TableError("the study has no `alignment:` rules in study.yaml: say which question reads which catalogue field")
    columns: list[str] = []
    plan: list[tuple[AlignmentRule, Any, list[str]]] = []
    for rule in rules:
        q = study.config.question(rule.question)
        v = question_variable(study.config, q)
        exprs = ([v.option_sql(o.code) for o in v.options] + [v.answered_sql(), f"CASE WHEN {v.asked_sql} THEN 1 ELSE 0 END"]
                 if v.is_multiple else [str(v.category_sql)])
        plan.append((rule, v, exprs))
        columns += exprs
    group_vars = [find_variable(study.config, g) for g in groupings]
    columns += [str(g.category_sql) for g in group_vars]
    with study_engine(study) as engine:
        rows = engine.per_respondent(columns)
    data = np.array(rows, dtype=object).reshape(len(rows), len(columns))
    dims: list[Dimension] = []
    at = 0
    for rule, v, exprs in plan:
        options = tuple(o.code for o in v.options)
        if v.is_multiple:
            ticks = data[:, at:at + len(options)].astype(np.int64) > 0
            answered = data[:, at + len(options)].astype(np.int64) > 0
            asked = data[:, at + len(options) + 1].astype(np.int64) > 0
            chose, stated, not_asked = ticks & answered[:, None], answered, int((~asked).sum())
        else:
            keys = data[:, at]
            chose = np.array([[k == o for o in options] for k in keys], dtype=bool).reshape(len(keys), len(options))
            stated = np.asarray(chose.any(axis=1), dtype=bool)
            not_asked = int(sum(1 for k in keys if k == NOT_ASKED))
        at += len(exprs)
        q = study.config.question(rule.question)
        bands = {b.code: (b.min, b.max) for b in question_type(q).bands(q)}
        dims.append(Dimension(rule, rule.label or q.text, options, chose, stated, not_asked, bands))
    groups = {}
    for i, g in enumerate(group_vars):
        groups[g.label] = ([(o.code, o.label) for o in g.options], data[:, at + i])
    return dims, groups, len(rows)


def joint_fit(dims: list[Dimension], offer: Offer | dict[str, Any], rows: NDArray[np.bool_] | None = None) -> Fit:
    """Respondents all of whose stated preferences the offer meets, over those who stated at least one."""
    n = len(dims[0].stated) if dims else 0
    ok = np.ones(n, dtype=bool)
    counted = np.zeros(n, dtype=bool)
    for d in dims:
        met = d.met(offer)
        if met is None:
            continue
        ok &= met | ~d.stated
        counted |= d.stated
    if rows is not None:
        ok, counted = ok & rows, counted & rows
    return Fit(int((ok & counted).sum()), int(counted.sum()))


def align(study: Study, catalogue: Catalogue, groupings: list[str] | None = None) -> Alignment:
    groupings = groupings if groupings is not None else [d.id for d in study.config.derived]
    dims, groups, respondents = load_dimensions(study, groupings)
    results = []
    for offer in catalogue.offers:
        per_dim: dict[str, Fit | None] = {}
        for d in dims:
            met = d.met(offer)
            per_dim[d.label] = None if met is None else Fit(int((met & d.stated).sum()), int(d.stated.sum()))
        fit = OfferFit(offer, per_dim, joint_fit(dims, offer))
        for grouping, (codes, values) in groups.items():
            fit.groups[grouping] = {label: joint_fit(dims, offer, values == code) for code, label in codes}
        fit.change = best_change(dims, offer, fit.joint)
        results.append(fit)
    results.sort(key=lambda f: (-_or_zero(f.joint.share), -_mean_dimension(f), f.offer.id))
    design, design_fit = best_design(dims)
    stated_any = np.zeros(respondents, dtype=bool)
    missing = np.zeros(respondents, dtype=bool)
    for d in dims:
        stated_any |= d.stated
        missing |= ~d.stated
    notes = [f"{d.label}: {int(d.stated.sum())} of {respondents} respondents stated a preference"
             + (f" ({d.not_asked} not asked)" if d.not_asked else "") for d in dims]
    partly = int((missing & stated_any).sum())
    if partly:
        notes.append(f"{partly} respondent(s) left at least one preference unstated (or were not asked it): "
                     "their joint fit counts the preferences they stated.")
    unstated = respondents - int(stated_any.sum())
    if unstated:
        notes.append(f"{unstated} respondent(s) stated no preference at all and are in no base.")
    for r in results:
        silent = [label for label, f in r.dimensions.items() if f is None]
        if silent:
            notes.append(f"{r.offer.id} does not give {', '.join(silent)}: left out of its joint fit.")
    return Alignment(results, dims, respondents, design, design_fit, notes)


def _or_zero(x: float) -> float:
    return 0.0 if math.isnan(x) else x


def _mean_dimension(fit: OfferFit) -> float:
    shares = [f.share for f in fit.dimensions.values() if f is not None and f.base]
    return sum(shares) / len(shares) if shares else 0.0


# --- changes and designs ------------------------------------------------------------------------


def candidates(dims: list[Dimension]) -> dict[str, list[Any]]:
    """Per catalogue field, the values the options stand for (a point inside each range; each value)."""
    out: dict[str, list[Any]] = {}
    for d in dims:
        found = out.setdefault(_stored_field(d.rule.field), [])
        values: list[Any]
        if d.rule.field in OFFER_SETS:
            values = [v for o in d.options for v in d.rule.values.get(o, ())]
        else:
            values = [_stored_value(d.rule.field, _inside(bounds)) for bounds in d.ranges().values()]
        for v in values:
            if v not in found:
                found.append(v)
    return out


def _inside(bounds: tuple[float | None, float | None]) -> float:
    low, high = bounds
    if low is not None and high is not None:
        return (low + high) / 2
    if low is not None:
        return low + 1
    assert high is not None
    return max(high - 1, high / 2)


def _stored_field(name: str) -> str:
    return "duration_weeks" if name == "duration_months" else name


def _stored_value(name: str, x: float) -> float:
    """A number in the catalogue's own unit (durations in whole weeks, shares in steps of 5%)."""
    if name == "duration_months":
        return float(max(1, round(x * WEEKS_PER_MONTH)))
    if name == "sync_share":
        return round(min(1.0, max(0.0, x)) * 20) / 20
    return float(round(x, 1))


def show(name: str, value: Any) -> str:
    if value is None or value == ():
        return "—"
    if isinstance(value, tuple):
        return ", ".join(value)
    if name == "duration_weeks":
        return f"{value:g} weeks"
    if name == "hours_per_week":
        return f"{value:g} h/week"
    if name == "sync_share":
        return f"{100 * value:.0f}% live"
    return f"{value:g}" if isinstance(value, float) else str(value)


def best_change(dims: list[Dimension], offer: Offer, current: Fit) -> Change | None:
    """The single change on one field that raises joint fit most (numbers replaced, tracks and times added)."""
    best: Change | None = None
    base = offer.model_dump()
    for name, values in candidates(dims).items():
        label = FIELD_NAMES.get(name, name)
        before = base.get(name)
        for v in values:
            if name in OFFER_SETS:
                held = tuple(before or ())
                if v in held:
                    continue
                after: Any = (*held, v)
            else:
                if before == v:
                    continue
                after = v
            fit = joint_fit(dims, base | {name: after, "duration_months": _months(base | {name: after})})
            gain = _or_zero(fit.share) - _or_zero(current.share)
            if gain > 1e-12 and (best is None or gain > best.gain + 1e-12):
                best = Change(label, name, show(name, before), show(name, after), fit, gain)
    return best


def _months(values: dict[str, Any]) -> float | None:
    weeks = values.get("duration_weeks")
    return None if weeks is None else weeks / WEEKS_PER_MONTH


def best_design(dims: list[Dimension]) -> tuple[dict[str, str], Fit]:
    """The combination of one value per field that the most respondents' stated preferences fit."""
    options = candidates(dims)
    names = list(options)
    sizes = [len(options[n]) for n in names]
    if not names or math.prod(sizes) > MAX_DESIGNS:
        return {}, Fit(0, 0)
    best: tuple[Fit, dict[str, Any]] | None = None
    for combo in itertools.product(*(options[n] for n in names)):
        design: dict[str, Any] = {n: ((v,) if n in OFFER_SETS else v) for n, v in zip(names, combo)}
        design["duration_months"] = _months(design)
        fit = joint_fit(dims, design)
        if best is None or fit.met > best[0].met:
            best = (fit, design)
    assert best is not None
    return {FIELD_NAMES.get(n, n): show(n, best[1][n]) for n in names}, best[0]
