"""The study's tables: the survey's items and, after them, the codes declared as participant variables.

>>> tables = frequency_tables(open_study("examples/microcredentials-2023"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..stats.backends import EngineSettings
from ..stats.comparisons import TestChoice
from ..stats.frequencies import BaseChoice
from ..stats.tables import TableSet
from ..stats.tables import crosstab_tables as survey_crosstabs
from ..stats.tables import frequency_tables as survey_tables
from ..study.load import Study
from .quantitised import quantitised_tables, respondent_variables

if TYPE_CHECKING:
    from ..store import QualStore

__all__ = ["crosstab_tables", "frequency_tables"]


def frequency_tables(
    study: Study,
    *,
    questions: list[str] | None = None,
    base: BaseChoice = "declared",
    weighted: bool = True,
    engine: EngineSettings | None = None,
    responses: Path | str | None = None,
    qual: QualStore | None = None,
    summarise: Sequence[str] = (),
) -> TableSet:
    """Frequency tables of every item (or the ones named), quantitised codes included (read from the
    coding store given, or from one opened for them): open questions' respondents' variables are
    tabulated by the survey's engine, focus-group participants' after the survey's items."""
    participant_level = {v.id for v in study.config.quantitised if v.question is None}
    extra = respondent_variables(study, qual, _respondent_ids(study, questions))
    survey_ids = None if not questions else [q for q in questions if q not in participant_level]
    if questions and not survey_ids:
        tables = TableSet.of(study.config)
    else:
        tables = survey_tables(study, questions=survey_ids, base=base, weighted=weighted, engine=engine,
                               responses=responses, summarise=summarise, extra=extra)
    if not participant_level or (questions and not participant_level & set(questions)):
        return tables
    more = quantitised_tables(study, questions or None, store=qual)
    return replace(tables, frequencies=tables.frequencies + tuple(more))


def crosstab_tables(
    study: Study,
    by: str,
    *,
    questions: list[str] | None = None,
    base: BaseChoice = "declared",
    weighted: bool = True,
    engine: EngineSettings | None = None,
    responses: Path | str | None = None,
    qual: QualStore | None = None,
    summarise: Sequence[str] = (),
    test: TestChoice = "auto",
    k: int | Mapping[str, int] = 0,
    hide: Collection[str] = (),
) -> TableSet:
    """Every item by a subgroup variable (a question, a derived variable, or a quantitised variable of an
    open question's respondents), those variables among the items too; numbers by group as
    `stats.tables.crosstab_tables` gives them (`summarise`, `test`, `k`, `hide`)."""
    wanted = _respondent_ids(study, questions)
    extra = respondent_variables(study, qual, None if wanted is None else wanted + [by])
    return survey_crosstabs(study, by, questions=questions, base=base, weighted=weighted, engine=engine,
                            responses=responses, summarise=summarise, test=test, k=k, extra=extra, hide=hide)


def _respondent_ids(study: Study, questions: list[str] | None) -> list[str] | None:
    """The respondent-level quantitised variables asked for: all (None) when no questions are named."""
    return None if not questions else [q for q in questions if any(v.id == q and v.question for v in study.config.quantitised)]
