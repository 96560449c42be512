"""Assemble the study report: its sections in the order report.yaml gives, each filled by its kind.

Survey tables with their charts, themes with attributed quotes (`themes.py`), subgroup tables under
small-cell control (`disclosure.py`), joint displays (`joint.py`), offer alignment (`alignment.py`) and the
methods appendix (`appendix.py`). The result is the plain document model of `model.py`, which the writers
render. Nothing here depends on time or machine, so the same study gives the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..study.load import Study
from .alignment import alignment_blocks
from .appendix import appendix
from .blocks import Block, table_blocks
from .charts import Chart, bar_chart
from .config import ReportConfig, load_report_config
from .config import Section as SectionSpec
from .joint import joint_displays
from .model import Report, Section
from .subgroups import subgroup_tables
from .themes import themes

if TYPE_CHECKING:
    from ..stats.tables import TableSet
    from ..store import QualStore


def build_report(study: Study, qual: QualStore | None = None) -> Report:
    """The report of a study, as report.yaml (or the default) lays it out, read from its stores
    (the coding store given, or opened here and closed again).

    >>> build_report(open_study("examples/microcredentials-2023")).sections[0].title  # doctest: +SKIP
    'Participants'
    """
    config = load_report_config(study)
    opened = qual is None
    qual = qual if qual is not None else qual_store(study)
    try:
        missing = no_survey(study)
        tables = _tables(study, qual, survey=missing is None)
        by_id = {t.variable_id: t for t in tables.frequencies}
        disclosure: list[str] = []
        sections = [_section(study, spec, config, tables, by_id, qual, disclosure, missing)
                    for spec in _with_alignment(config)]
    finally:
        if opened and qual is not None:
            qual.close()
    if missing is not None and sections:
        sections[0].paragraphs.insert(0, f"{missing}: this report holds what the focus groups said (themes, quotes, "
                                         "codes and agreement between coders), and no survey tables.")
    return Report(config.title or study.config.title, sections, disclosure)


def no_survey(study: Study) -> str | None:
    """Why the study has no survey to report (no questions, or no responses yet and none declared); None if it has one.

    Declared response files not yet imported are not a missing survey but a study not made current:
    the tables say so (`stats/engine.ready_store`).
    """
    from ..survey.store import count_responses

    if not study.config.questions:
        return "This study has no survey (study.yaml declares no questions)"
    if not study.config.responses and count_responses(study) == 0:
        return "This study has no survey responses (none imported, none declared in study.yaml)"
    return None


def _tables(study: Study, qual: QualStore | None, *, survey: bool) -> Any:
    """The survey's tables and the quantitised codes; without a survey, the quantitised codes alone."""
    from ..mixed.tables import frequency_tables
    from ..stats.tables import TableSet

    if survey:
        return frequency_tables(study, qual=qual)
    quantitised = [v.id for v in study.config.quantitised]
    if not quantitised or qual is None:
        return TableSet.of(study.config)
    return frequency_tables(study, questions=quantitised, qual=qual)


def _section(
    study: Study, spec: SectionSpec, config: ReportConfig, tables: Any, by_id: dict[str, Any],
    qual: QualStore | None, disclosure: list[str], missing: str | None = None,
) -> Section:
    """One section of the report, filled as its kind says (a section made of survey tables alone says why it is empty)."""
    section = Section(spec.title, [spec.intro] if spec.intro else [])
    if missing is not None and spec.kind in ("subgroups", "joint", "alignment"):
        section.paragraphs.append(f"{missing}, so this section has no tables.")
    elif spec.kind == "appendix":
        appendix(study, section, tables, qual, config)
    elif spec.kind == "subgroups":
        _subgroups(study, section, spec, config, disclosure, qual)
    elif spec.kind == "alignment":
        section.tables = alignment_blocks(study, config, tables.decimal_comma)
    elif spec.kind == "joint":
        if qual is not None:
            section.tables = joint_displays(study, qual, config, by_id, tables.decimal_comma, disclosure)
    else:
        section.tables, section.charts = question_tables(tables, spec.tables)
        if qual is not None:
            section.themes = themes(study, qual, spec.themes, config, disclosure)
    return section


def question_tables(tables: TableSet, ids: Sequence[str] | None = None) -> tuple[list[Block], list[Chart | None]]:
    """The tables named (every item of `tables` when None), each with its chart (None: no chart): a grid's or
    ranking's summary in place of its items' tables."""
    from ..stats.batteries import GridTable
    from .battery_blocks import battery_block
    from .diverging import grid_chart, ranking_chart

    by_id = {t.variable_id: t for t in tables.frequencies}
    batteries = {b.question_id: b for b in tables.batteries}
    if ids is None:
        item_of = {item: b.question_id for b in tables.batteries for item in b.item_ids}
        ids = list(dict.fromkeys(item_of.get(t.variable_id, t.variable_id) for t in tables.frequencies))
    blocks: list[Block] = []
    charts: list[Chart | None] = []
    comma = tables.decimal_comma
    for i in ids:
        battery = batteries.get(i)
        if battery is not None:
            blocks.append(battery_block(battery, comma, tables.settings.rounding))
            charts.append(grid_chart(battery, comma) if isinstance(battery, GridTable) else ranking_chart(battery, comma))
        elif i in by_id:
            table = by_id[i]
            blocks += table_blocks(replace(tables, frequencies=(table,), crosstabs=(), batteries=()))
            charts.append(bar_chart(table, comma, tables.settings.rounding) if table.rows else None)
    return blocks, charts


def _with_alignment(config: ReportConfig) -> tuple[SectionSpec, ...]:
    """The sections, with an Alignment section before the appendix when a catalogue is given and none is placed."""
    specs = tuple(config.sections)
    if config.catalogue is None or any(s.kind == "alignment" for s in specs):
        return specs
    spec = SectionSpec(kind="alignment", title="Alignment of the offers with what learners asked for",
                       intro="How well each offer of the catalogue fits the respondents' stated preferences, "
                             "and the change that would fit them better.")
    at = next((i for i, s in enumerate(specs) if s.kind == "appendix"), len(specs))
    return (*specs[:at], spec, *specs[at:])


def qual_store(study: Study) -> QualStore | None:
    """The study's coding store as the workspace left it (None for a survey-only study); the report only reads."""
    if not study.config.transcripts and not (study.folder / "qual.sqlite").exists():
        return None
    from ..store import QualStore

    return QualStore.for_study(study)


def _subgroups(
    study: Study, section: Section, spec: SectionSpec, config: ReportConfig, disclosure: list[str],
    qual: QualStore | None = None,
) -> None:
    """Cross-tabs by a subgroup (open answers' coded variables among them), with grouped charts; small cells of
    person-describing tables suppressed; numbers by group with their test (`subgroups.py`)."""
    from ..errors import ReportError

    by = spec.by
    if by is None:
        raise ReportError(f"section {section.title!r}: a subgroups section needs 'by'")
    tables, charts = subgroup_tables(study, by, spec.tables, config, disclosure, summarise=spec.summarise, qual=qual,
                                     notes=section.paragraphs)
    section.tables += tables
    section.charts += charts
