"""The study's tables: the survey's items and, after them, the codes declared as participant variables.

>>> tables = frequency_tables(open_study("examples/microcredentials-2023"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..stats.backends import EngineSettings
from ..stats.frequencies import BaseChoice
from ..stats.tables import TableSet, crosstab_tables
from ..stats.tables import frequency_tables as survey_tables
from ..study.load import Study
from .quantitised import quantitised_tables

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
    coding store given, or from one opened for them)."""
    quantitised = {v.id for v in study.config.quantitised}
    survey_ids = None if not questions else [q for q in questions if q not in quantitised]
    if questions and not survey_ids:
        tables = TableSet.of(study.config)
    else:
        tables = survey_tables(study, questions=survey_ids, base=base, weighted=weighted, engine=engine, responses=responses,
                               summarise=summarise)
    if not quantitised:
        return tables
    extra = quantitised_tables(study, questions or None, store=qual)
    return replace(tables, frequencies=tables.frequencies + tuple(extra))
