"""The tables of a study: frequencies of every item, cross-tabs by a subgroup, as objects and DataFrames."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TableError
from ..study.load import Study
from ..study.model import StudyConfig
from .backends import EngineSettings, open_engine
from .engine import Engine
from .frequencies import BaseChoice, FrequencyTable, build_tables
from .significance import AssociationTest, association
from .variables import Variable, all_variables, find_variable

if TYPE_CHECKING:
    import pandas as pd

TIDY_COLUMNS = ["question_id", "question", "option", "count", "percent", "base", "base_kind"]


@dataclass(frozen=True)
class CrossTab:
    """One item by a subgroup: a column-% table per group, the total, and the test."""

    variable: Variable
    by: Variable
    groups: tuple[tuple[str, str], ...]
    columns: tuple[FrequencyTable, ...]
    total: FrequencyTable
    test: AssociationTest | None
    note: str | None = None


@dataclass(frozen=True)
class TableSet:
    """Everything `learnervoice tables` prints; renderers and `to_frame` read it."""

    title: str
    decimal_comma: bool
    frequencies: tuple[FrequencyTable, ...]
    crosstabs: tuple[CrossTab, ...] = ()
    weighted: bool = False

    def to_frame(self) -> pd.DataFrame:
        """The tidy table: one row per (question, option[, group])."""
        return tidy_frame(self)


def frequency_tables(
    study: Study,
    *,
    questions: list[str] | None = None,
    base: BaseChoice = "declared",
    weighted: bool = True,
    engine: EngineSettings | None = None,
    responses: Path | str | None = None,
    extra: Sequence[Variable] = (),
) -> TableSet:
    """Frequency tables of the survey's items (or the ones named), computed on the study's store
    (`learnervoice.mixed.tables.frequency_tables` adds the quantitised codes; `extra` are variables
    made elsewhere, as SQL over the responses, tabulated after the questions).

    >>> tables = frequency_tables(open_study("examples/microcredentials-2023"))  # doctest: +SKIP
    >>> tables.to_frame().query("question_id == 'familiar'")[["option", "count"]]  # doctest: +SKIP
    """
    with open_engine(study, engine, responses) as running:
        return frequencies_on(running, study.config, questions=questions, base=base, weighted=weighted, extra=extra)


def frequencies_on(
    engine: Engine,
    config: StudyConfig,
    *,
    questions: list[str] | None = None,
    base: BaseChoice = "declared",
    weighted: bool = True,
    extra: Sequence[Variable] = (),
) -> TableSet:
    variables = _select(config, questions, extra)
    weight = config.weight if weighted else None
    aggregates = engine.aggregate(variables, weight=weight)
    tables = build_tables(variables, aggregates, base=base, weighted=weight is not None)
    return TableSet(config.title, config.decimal_comma, tuple(tables), weighted=weight is not None)


def crosstab_tables(
    study: Study,
    by: str,
    *,
    questions: list[str] | None = None,
    base: BaseChoice = "declared",
    weighted: bool = True,
    engine: EngineSettings | None = None,
    responses: Path | str | None = None,
    extra: Sequence[Variable] = (),
) -> TableSet:
    """Every item by a subgroup variable: column %, chi-square or exact tests, Cramér's V (`by` and the
    items may be among `extra`, variables made elsewhere)."""
    with open_engine(study, engine, responses) as running:
        return crosstabs_on(running, study.config, by, questions=questions, base=base, weighted=weighted, extra=extra)


def crosstabs_on(
    engine: Engine,
    config: StudyConfig,
    by: str,
    *,
    questions: list[str] | None = None,
    base: BaseChoice = "declared",
    weighted: bool = True,
    extra: Sequence[Variable] = (),
) -> TableSet:
    group_var = find_variable(config, by, extra)
    if group_var.category_sql is None or not group_var.options:
        raise TableError(f"{by!r} cannot define subgroups: use a single-choice, Likert, binned or derived variable")
    variables = [v for v in _select(config, questions, extra) if v.id != group_var.id and v.options]
    weight = config.weight if weighted else None
    split = engine.aggregate(variables, by=group_var, weight=weight)
    overall = split.overall()
    groups = tuple((o.code, o.label) for o in group_var.options)
    totals = build_tables(variables, overall, base=base, weighted=weight is not None)
    per_group = [build_tables(variables, split, group=code, base=base, weighted=weight is not None) for code, _ in groups]
    crosstabs = []
    for i, v in enumerate(variables):
        columns = tuple(tables[i] for tables in per_group)
        test = None if v.is_multiple else association([[r.count for r in col.rows] for col in columns])
        note = "No test: a respondent can be counted in several rows." if v.is_multiple else None
        crosstabs.append(CrossTab(v, group_var, groups, columns, totals[i], test, note))
    return TableSet(config.title, config.decimal_comma, tuple(totals), tuple(crosstabs), weight is not None)


def _select(config: StudyConfig, questions: list[str] | None, extra: Sequence[Variable] = ()) -> list[Variable]:
    if not questions:
        return all_variables(config) + list(extra)
    return [find_variable(config, qid, extra) for qid in questions]


def tidy_frame(tables: TableSet) -> pd.DataFrame:
    import pandas as pd

    records: list[dict[str, object]] = []
    if tables.crosstabs:
        for ct in tables.crosstabs:
            for (code, label), column in zip(ct.groups, ct.columns):
                records += _records(column, {"group_variable": ct.by.id, "group": label})
        leading = ["group_variable", "group"]
    else:
        for table in tables.frequencies:
            records += _records(table, {})
        leading = []
    extra = ["option_code", "ci_low", "ci_high", "weighted_percent"]
    return pd.DataFrame.from_records(records, columns=leading + TIDY_COLUMNS + extra)


def _records(table: FrequencyTable, prefix: dict[str, object]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    common = {"question_id": table.variable_id, "question": table.label}
    for row in table.rows:
        out.append(
            prefix | common | {
                "option": row.label, "option_code": row.code, "count": row.count, "percent": row.percent,
                "base": table.base, "base_kind": table.base_kind, "ci_low": row.ci_low, "ci_high": row.ci_high,
                "weighted_percent": row.weighted_percent,
            }
        )
    for label, count, kind in (("Missing", table.missing, "missing"), ("Not asked", table.not_asked, "not_asked")):
        if count or (kind == "missing" and table.answered_only):
            out.append(prefix | common | {"option": label, "option_code": f"~{kind}", "count": count, "base_kind": kind})
    if table.answered_only:
        out.append(prefix | common | {"option": "Answered", "option_code": "~answered", "count": table.base,
                                      "base": table.base, "base_kind": "answered"})
    return out
