"""The tables of a study: frequencies of every item, cross-tabs by a subgroup, as objects and DataFrames."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from ..errors import TableError
from ..study.load import Study
from ..study.model import StudyConfig, TableSettings
from .backends import EngineSettings, open_engine
from .batteries import Battery, battery_tables
from .comparisons import BySubgroup, NumericByGroup, TestChoice, numeric_by_group
from .engine import Aggregates, Engine
from .frequencies import FrequencyTable, build_tables
from .options import CrosstabChoices, FrequencyChoices, TableOptions
from .significance import AssociationTest, association
from .summaries import NumericSummary
from .variables import MISSING, NOT_ASKED, Variable, all_variables, find_variable, find_variables

if TYPE_CHECKING:
    import pandas as pd

TIDY_COLUMNS = ["question_id", "question", "option", "count", "percent", "base", "base_kind", "value"]
STATISTICS = (("mean", "Mean"), ("sd", "SD"), ("median", "Median"), ("q1", "Q1"), ("q3", "Q3"), ("minimum", "Minimum"),
              ("maximum", "Maximum"), ("ci_low", "95% CI of the mean, low"), ("ci_high", "95% CI of the mean, high"))


@dataclass(frozen=True)
class CrossTab(BySubgroup[FrequencyTable, AssociationTest]):
    """One item by a subgroup: a column-% table per group, the total, and the test."""

    note: str | None = None
    apart: int = 0  # respondents of groups left out of the columns (a screen's disclosure control): in the total only


@dataclass(frozen=True)
class LeftOut:
    """An item asked for that the tables do not show, and why (an open-text question cannot be split by a subgroup)."""

    variable_id: str
    label: str
    by: str  # the subgroup variable's id
    reason: str

    @property
    def note(self) -> str:
        return f"{self.variable_id} ({self.label}) is not split by {self.by}: {self.reason}"


@dataclass(frozen=True)
class TableSet:
    """Everything `learnervoice tables` prints; renderers and `to_frame` read it."""

    title: str
    decimal_comma: bool
    frequencies: tuple[FrequencyTable, ...]
    crosstabs: tuple[CrossTab, ...] = ()
    weighted: bool = False
    language: str = "en"
    settings: TableSettings = field(default_factory=TableSettings)  # rounding rule and column words
    numbers: tuple[NumericByGroup, ...] = ()  # numeric items by the subgroup (with `--by`)
    batteries: tuple[Battery, ...] = ()  # grids and rankings, put together from their items' tables
    left_out: tuple[LeftOut, ...] = ()  # items that could not be tabulated as asked (split by `--by`), with why

    @classmethod
    def of(cls, config: StudyConfig, frequencies: tuple[FrequencyTable, ...] = (),
           crosstabs: tuple[CrossTab, ...] = (), weighted: bool = False,
           numbers: tuple[NumericByGroup, ...] = (), batteries: tuple[Battery, ...] = ()) -> TableSet:
        """Tables printed as the study says: its title, decimal mark, language, rounding and column words."""
        return cls(config.title, config.decimal_comma, frequencies, crosstabs, weighted, config.language, config.tables,
                   numbers, batteries)

    def to_frame(self) -> pd.DataFrame:
        """The tidy table: one row per (question, option[, group])."""
        return tidy_frame(self)


def frequency_tables(study: Study, *, engine: EngineSettings | None = None, responses: Path | str | None = None,
                     **choices: Unpack[FrequencyChoices]) -> TableSet:
    """Frequency tables of the survey's items (or the `questions` named), computed on the study's store or the
    `responses` given (`learnervoice.mixed.tables.frequency_tables` adds the quantitised codes; `extra` are
    variables made elsewhere, as SQL over the responses, tabulated after the questions); binned questions named in
    `summarise` are summarised as numbers beside their bands. The keywords: `stats/options.py`.

    >>> tables = frequency_tables(open_study("examples/microcredentials-2023"))  # doctest: +SKIP
    >>> tables.to_frame().query("question_id == 'familiar'")[["option", "count"]]  # doctest: +SKIP
    """
    with open_engine(study, engine, responses) as running:
        return frequencies_on(running, study.config, TableOptions(**choices))


def frequencies_on(engine: Engine, config: StudyConfig, options: TableOptions = TableOptions()) -> TableSet:
    variables = _select(config, options.questions, options.summarise, options.extra)
    weight = config.weight if options.weighted else None
    aggregates = engine.aggregate(variables, weight=weight)
    tables = build_tables(variables, aggregates, base=options.base, weighted=weight is not None)
    return TableSet.of(config, tuple(tables), weighted=weight is not None,
                       batteries=battery_tables(config, tables, weighted=weight is not None))


def crosstab_tables(study: Study, by: str, *, engine: EngineSettings | None = None, responses: Path | str | None = None,
                    **choices: Unpack[CrosstabChoices]) -> TableSet:
    """Every item by a subgroup variable: column %, chi-square or exact tests, Cramér's V; numeric items (and the
    binned ones named in `summarise`) as a summary per group with Welch's or a rank test (`test`,
    `stats/comparisons.py`), groups under `k` respondents (per variable id when a mapping), and the groups whose codes
    are in `hide`, hidden from those (`by` and the items may be among `extra`, variables made elsewhere). The keywords:
    `stats/options.py`."""
    with open_engine(study, engine, responses) as running:
        return crosstabs_on(running, study.config, by, TableOptions(**choices))


def crosstabs_on(engine: Engine, config: StudyConfig, by: str, options: TableOptions = TableOptions()) -> TableSet:
    group_var = find_variable(config, by, options.extra)
    if group_var.category_sql is None or not group_var.options:
        raise TableError(f"{by!r} cannot define subgroups: use a single-choice, Likert, binned or derived variable")
    chosen = [v for v in _select(config, options.questions, options.summarise, options.extra) if v.id != group_var.id]
    variables = [v for v in chosen if v.options and not v.summary]
    numbers = [v for v in chosen if v.summary]
    left_out = tuple(_not_split(v, group_var) for v in chosen if not v.options and not v.summary)
    weight = config.weight if options.weighted else None
    split = engine.aggregate(variables + numbers, by=group_var, weight=weight)
    overall = split.overall()
    groups = tuple((o.code, o.label) for o in group_var.options)
    totals = build_tables(variables, overall, base=options.base, weighted=weight is not None)
    per_group = [build_tables(variables, split, group=code, base=options.base, weighted=weight is not None)
                 for code, _ in groups]
    crosstabs = []
    for i, v in enumerate(variables):
        columns = tuple(tables[i] for tables in per_group)
        association_test = None if v.is_multiple else association([[r.count for r in col.rows] for col in columns])
        note = "No test: a respondent can be counted in several rows." if v.is_multiple else None
        crosstabs.append(CrossTab(v, group_var, groups, columns, totals[i], association_test, note))
    by_number = _numbers_by_group(engine, numbers, group_var, overall, weight, options.test, options.k,
                                 options.hide)
    made = TableSet.of(config, tuple(totals), tuple(crosstabs), weight is not None, by_number)
    return replace(made, left_out=left_out)


def _not_split(v: Variable, by: Variable) -> LeftOut:
    """Why an item has no table by the subgroup: it has no categories to count and no numbers to summarise."""
    if v.kind == "text":
        why = "open text has words, not categories, to count (code the answers and split the codes)"
    else:
        why = "it has no categories to count and no numbers to summarise"
    return LeftOut(v.id, v.label, by.id, why)


def _numbers_by_group(
    engine: Engine, numbers: list[Variable], group_var: Variable, counts: Aggregates, weight: str | None,
    test: TestChoice, k: int | Mapping[str, int], hide: Collection[str] = (),
) -> tuple[NumericByGroup, ...]:
    """Each numeric item by the groups, from the distributions of its values per group."""
    if not numbers:
        return ()
    found = engine.distributions(numbers, by=group_var, weight=weight)
    out = []
    for v in numbers:
        split = {group: d for (group, vid), d in found.items() if vid == v.id}
        missing, not_asked = (counts.categories.get((None, v.id, key), (0, 0.0, 0.0))[0] for key in (MISSING, NOT_ASKED))
        out.append(numeric_by_group(v, group_var, split, weighted=weight is not None, choice=test,
                                    missing=missing, not_asked=not_asked, k=k.get(v.id, 0) if isinstance(k, Mapping) else k,
                                    hide=hide))
    return tuple(out)


def _select(
    config: StudyConfig, questions: Sequence[str] | None, summarise: Sequence[str] = (), extra: Sequence[Variable] = ()
) -> list[Variable]:
    """The variables asked for (every question and `extra` without a list; those named in `summarise` too), those
    named in `summarise` as numbers."""
    named = list(questions or []) + [qid for qid in summarise if questions and qid not in questions]
    variables = (all_variables(config) + list(extra) if not questions
                 else [v for qid in named for v in find_variables(config, qid, extra)])
    for qid in summarise:
        v = find_variable(config, qid, extra)
        if v.value_sql is None or v.kind == "derived":
            raise TableError(f"{qid!r} holds no numbers to summarise: name a numeric or binned question")
    return [replace(v, summary=True) if v.id in summarise else v for v in variables]


def tidy_frame(tables: TableSet) -> pd.DataFrame:
    import pandas as pd

    records: list[dict[str, object]] = []
    if tables.crosstabs or tables.numbers:
        for ct in tables.crosstabs:
            for (code, label), column in zip(ct.groups, ct.columns):
                records += _records(column, {"group_variable": ct.by.id, "group": label})
        for nt in tables.numbers:
            common: dict[str, object] = {"question_id": nt.variable.id, "question": nt.variable.label}
            for i, ((code, label), summary) in enumerate(zip(nt.groups, nt.columns)):
                if i not in nt.hidden:
                    records += _statistic_records(summary, {"group_variable": nt.by.id, "group": label} | common)
            records += _statistic_records(nt.total, {"group_variable": nt.by.id, "group": "Total"} | common)
        leading = ["group_variable", "group"]
    else:
        for table in tables.frequencies:
            records += _records(table, {})
        leading = []
    extra = ["option_code", "ci_low", "ci_high", "weighted_percent", "weighted_base"]
    return pd.DataFrame.from_records(records, columns=leading + TIDY_COLUMNS + extra)


def _statistic_records(s: NumericSummary, prefix: dict[str, object]) -> list[dict[str, object]]:
    """A numeric summary as rows: n (a count), then each statistic's value (weighted ones say so)."""
    out: list[dict[str, object]] = [prefix | {"option": "n", "option_code": "~n", "count": s.n, "base_kind": "statistic"}]
    weighted = " (weighted)" if s.weighted else ""
    for name, label in STATISTICS:
        out.append(prefix | {"option": label + weighted, "option_code": f"~{name}", "value": getattr(s, name),
                             "base": s.n, "base_kind": "statistic"})
    return out


def _records(table: FrequencyTable, prefix: dict[str, object]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    common = {"question_id": table.variable_id, "question": table.label}
    for row in table.rows:
        out.append(
            prefix | common | {
                "option": row.label, "option_code": row.code, "count": row.count, "percent": row.percent,
                "base": table.base, "base_kind": table.base_kind, "ci_low": row.ci_low, "ci_high": row.ci_high,
                "weighted_percent": row.weighted_percent, "weighted_base": table.weighted_base,
            }
        )
    for label, count, kind in (("Missing", table.missing, "missing"), ("Not asked", table.not_asked, "not_asked")):
        if count or (kind == "missing" and table.answered_only):
            out.append(prefix | common | {"option": label, "option_code": f"~{kind}", "count": count, "base_kind": kind})
    if table.answered_only:
        out.append(prefix | common | {"option": "Answered", "option_code": "~answered", "count": table.base,
                                      "base": table.base, "base_kind": "answered"})
    if table.summary is not None and table.summary.n:
        out += _statistic_records(table.summary, prefix | common)[1:]  # n is the table's base
    return out
