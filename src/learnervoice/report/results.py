"""The study's results for a screen: the report's tables, charts and joint displays, under the report's rules.

What the workbench's results page shows: the frequency tables of every item (or of those named), each with
the report's bar chart, or the cross-tabs by a subgroup with its grouped charts and its small-cell control
(`subgroups.py`, shared with the report), and the joint displays of report.yaml. A screen is read by every member
of a study, so a split by a personal variable (report.yaml's `personal`) leaves out its groups of fewer than k
people in every table, chart and split joint display (`small_groups.py`), and is not shown at all when fewer than
two groups of k people or more are left (`Results.withheld`). The tables are those of
`learnervoice tables` and the report (`mixed.tables`); every label passes the disclosure gate before a chart
is drawn, as a chart carries its labels inside the image.

Results made from the focus-group codings (quantitised codes, joint displays) are left out for a user who
may not see every coder's codings (`codings=False`: blind coding, `qual.workbench.sees_all_codings`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import NotAllowedError, ReportError
from ..stats.variables import Variable, find_variable, find_variables
from ..study.load import Study
from .blocks import Block
from .charts import Chart
from .config import ReportConfig, load_report_config
from .subgroups import subgroup_tables

if TYPE_CHECKING:
    from ..privacy.gate import Gate
    from ..stats.tables import TableSet
    from ..store import QualStore


@dataclass(frozen=True)
class Choice:
    """A variable a screen offers: its id and what people read."""

    id: str
    label: str


@dataclass(frozen=True)
class Shown:
    """One table as printed, with its chart (None: no chart, e.g. small cells hidden)."""

    block: Block
    chart: Chart | None


@dataclass(frozen=True)
class Results:
    title: str
    by: Choice | None
    tables: tuple[Shown, ...]
    disclosure: tuple[str, ...]
    joint: tuple[Block, ...] | None  # None: not shown (built from codings the user may not see)
    joint_problem: str | None  # report.yaml's joint displays cannot be built: why
    missing: str | None  # why there is no survey to show, if there is none
    weighted: bool
    groupings: tuple[Choice, ...]
    questions: tuple[Choice, ...]
    withheld: str | None = None  # why the split is not shown at all (too few groups of k people or more)
    personal_k: int | None = None  # the split is personal: its groups under this many people are left out


def study_results(
    study: Study, qual: QualStore | None, *, by: str | None = None, questions: list[str] | None = None,
    codings: bool = True, gate: Gate,
) -> Results:
    """The tables (by a subgroup when `by` names one), their charts and the joint displays, released by `gate`,
    read from the coding store given (a server's) or the study's own.

    An unknown question or grouping variable, or one that cannot define subgroups, is a TableError that
    names what the study has; a question made from codings the user may not see is refused.
    """
    from .assemble import no_survey, qual_store

    config = load_report_config(study)
    groupings = grouping_choices(study)
    choices = question_choices(study, codings=codings)
    _check_questions(study, questions or [], codings)
    group = _grouping(study, by) if by else None
    missing = no_survey(study)
    disclosure: list[str] = []
    shown: tuple[Shown, ...] = ()
    withheld: str | None = None
    if missing is None:
        shown, withheld = _survey_tables(study, qual, group, questions, codings, gate, config, disclosure)
    opened = qual is None and codings
    store = qual_store(study) if opened else qual  # the study's own, as the report opens it, unless one is given
    try:
        joint, problem = _joint(study, store, config, codings, missing, gate, disclosure)
    finally:
        if opened and store is not None:
            store.close()
    label = Choice(group.id, gate.release(group.label)) if group is not None else None
    personal_k = config.k if group is not None and group.id in config.personal else None
    return Results(gate.release(study.config.title), label, shown, tuple(disclosure), joint, problem, missing,
                   study.config.weight is not None, groupings, choices, withheld, personal_k)


def _survey_tables(
    study: Study, qual: QualStore | None, group: Variable | None, questions: list[str] | None, codings: bool,
    gate: Gate, config: ReportConfig, disclosure: list[str],
) -> tuple[tuple[Shown, ...], str | None]:
    """The tables and charts, split by `group` when given; a split by a personal variable leaves small groups out
    (`small_groups.py`), or is withheld (the message) when fewer than two groups of k people or more are left."""
    from .assemble import question_tables
    from .small_groups import split_hidden, withheld_message

    if group is None:
        blocks, charts = question_tables(_frequencies(study, qual, questions, codings, gate))
        return tuple(Shown(b, c) for b, c in zip(blocks, charts)), None
    hide = split_hidden(study, group.id, config.personal, config.k)
    withheld = withheld_message(gate.release(group.label), hide) if hide is not None else None
    if withheld is not None:
        return (), withheld
    ids = questions or ([] if codings else [q.id for q in study.config.questions])  # blind: no quantitised codes
    blocks, charts = subgroup_tables(study, group.id, ids, config, disclosure, gate=gate, hide=hide)
    return tuple(Shown(b, c) for b, c in zip(blocks, charts)), None


def grouping_choices(study: Study) -> tuple[Choice, ...]:
    """The questions and derived variables that can split the tables (`tables --by`): one answer from a list."""
    config = study.config
    ids = [q.id for q in config.questions] + [d.id for d in config.derived]
    found = [v for i in ids for v in find_variables(config, i)]  # a grid's items, each on its own
    return tuple(Choice(v.id, v.label) for v in found if _can_group(v))


def question_choices(study: Study, *, codings: bool = True) -> tuple[Choice, ...]:
    """The items that have a table: the questions, then the codes made participant variables (when shown)."""
    config = study.config
    survey = tuple(Choice(q.id, q.text) for q in config.questions)
    return survey + (tuple(Choice(v.id, v.text) for v in config.quantitised) if codings else ())


def _can_group(variable: Variable) -> bool:
    return variable.category_sql is not None and bool(variable.options) and not variable.is_multiple


def _grouping(study: Study, by: str) -> Variable:
    from ..errors import TableError

    variable = find_variable(study.config, by)
    if not _can_group(variable):
        names = ", ".join(c.id for c in grouping_choices(study))
        raise TableError(f"{by!r} cannot split the tables (a respondent must have one value of it); use one of: {names}")
    return variable


def _check_questions(study: Study, questions: list[str], codings: bool) -> None:
    """Every item named is one the study tabulates (and the user may see); else an error naming those it has."""
    from ..errors import TableError

    config = study.config
    quantitised = {v.id for v in config.quantitised}
    known = [q.id for q in config.questions] + [d.id for d in config.derived] + [v.id for v in config.quantitised]
    for q in questions:
        if q not in known:
            raise TableError(f"no question or variable {q!r}; the study has: {', '.join(known)}")
        if q in quantitised and not codings:
            raise NotAllowedError(f"{q!r} is counted from the focus-group codings, which you see once the owner "
                                  "opens coding to the team (coding is blind)")
    if len(set(questions)) != len(questions):
        raise TableError("a question is named twice")


def _frequencies(study: Study, qual: QualStore | None, questions: list[str] | None, codings: bool, gate: Gate) -> TableSet:
    from ..mixed.tables import frequency_tables
    from ..stats.tables import frequency_tables as survey_tables
    from .formats import released_tables

    tables = frequency_tables(study, questions=questions, qual=qual) if codings else survey_tables(study, questions=questions)
    return released_tables(tables, gate)


def _joint(
    study: Study, qual: QualStore | None, config: ReportConfig, codings: bool, missing: str | None, gate: Gate,
    disclosure: list[str],
) -> tuple[tuple[Block, ...] | None, str | None]:
    """The joint displays of report.yaml (none without a survey or a coding store); a broken one is said, not raised."""
    if not codings:
        return None, None
    if missing is not None or qual is None or not config.joint_displays:
        return (), None
    from .joint import joint_displays

    tables = _frequencies(study, qual, None, True, gate)
    try:
        blocks = joint_displays(study, qual, config, {t.variable_id: t for t in tables.frequencies},
                                tables.decimal_comma, disclosure, screen=True)
    except ReportError as problem:
        return (), problem.message
    return tuple(blocks), None
