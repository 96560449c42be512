"""Questions and derived variables as SQL expressions over the wide responses table.

Each categorical variable becomes one key expression: the option code, NULL
for "no answer", or a sentinel for "not asked" (conditional questions only).
Unconditional choice questions are their raw column, which keeps the scan as
cheap as a hand-written query; GROUPING_ID tells the result rows apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import TableError
from ..study.types import question_type
from ..study.model import Band, Condition, DerivedVariable, Option, Question, StudyConfig
from ..survey.convert import mr_column
from ..survey.store import quote

NOT_ASKED = "~not_asked"
MISSING = "~missing"
ANSWERED = "~answered"


@dataclass(frozen=True)
class Variable:
    """Something that can be tabulated: id, label, kind, options, and its SQL."""

    id: str
    label: str
    kind: str  # single, likert, binned, multiple, numeric, text, derived
    options: tuple[Option, ...]
    asked_sql: str
    category_sql: str | None  # categorical kinds
    value_sql: str | None = None  # numeric kinds
    base_kind: str = "valid"  # valid, cases, responses
    answered_only: bool = False  # no option rows: the table counts who answered (numbers, free text)
    ordinal: bool = False  # an ordered scale: the table gives its median category
    summary: bool = False  # numbers summarised beside the table (n, mean, SD, median, range)
    notes: tuple[str, ...] = ()  # said under its table (how a variable made outside the survey was made)

    @property
    def is_multiple(self) -> bool:
        return self.kind == "multiple"

    def option_sql(self, code: str) -> str:
        """Multiple response: 1 when this option is ticked by a respondent who was asked."""
        return _flag(self.asked_sql, f"coalesce({quote(mr_column(self.id, code))}, false)")

    def answered_sql(self) -> str:
        return _flag(self.asked_sql, f"{quote(mr_column(self.id, self.options[0].code))} IS NOT NULL")


def _flag(asked: str, test: str) -> str:
    if asked == "true":
        return f"CAST({test} AS INTEGER)"
    return f"CASE WHEN ({asked}) AND {test} THEN 1 ELSE 0 END"


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def asked_sql(config: StudyConfig, condition: Condition | None) -> str:
    if condition is None:
        return "true"
    source = config.question(condition.question)
    tested = question_type(source).condition_sql(source, condition.any_of)
    upstream = asked_sql(config, source.ask_if)
    return tested if upstream == "true" else f"({upstream}) AND {tested}"


def band_case(column: str, bands: tuple[Band, ...]) -> str:
    """The band code of a number; NULL when it is missing (imports refuse numbers outside the bands)."""
    whens = []
    for band in bands:
        tests = []
        if band.min is not None:
            tests.append(f"{column} >= {band.min!r}")
        if band.max is not None:
            tests.append(f"{column} <= {band.max!r}")
        whens.append(f"WHEN {' AND '.join(tests)} THEN {literal(band.code)}")
    return f"CASE {' '.join(whens)} END"


def guarded(asked: str, answered: str) -> str:
    """Conditional questions: the sentinel when not asked; otherwise the key (NULL = no answer)."""
    if asked == "true":
        return answered
    return f"CASE WHEN NOT ({asked}) THEN {literal(NOT_ASKED)} ELSE {answered} END"


def question_variable(config: StudyConfig, q: Question) -> Variable:
    return question_type(q).variable(q, asked_sql(config, q.ask_if))


def derived_variable(config: StudyConfig, d: DerivedVariable) -> Variable:
    source = config.question(d.source)
    asked = asked_sql(config, source.ask_if)
    if d.bands:
        answered = band_case(quote(source.id), d.bands)
    else:
        answered = question_type(source).recode_sql(source, d)
    return Variable(d.id, d.label, "derived", d.options, asked, guarded(asked, answered))


def question_variables(config: StudyConfig, q: Question) -> list[Variable]:
    """The question as tabulated: itself, or one variable per item of a grid or option of a ranking."""
    return question_type(q).variables(q, asked_sql(config, q.ask_if))


def all_variables(config: StudyConfig) -> list[Variable]:
    return [v for q in config.questions for v in question_variables(config, q)]


def find_variables(config: StudyConfig, variable_id: str, extra: Sequence[Variable] = ()) -> list[Variable]:
    """A question's variables (a grid's items), or the one variable of that id (perhaps one of `extra`)."""
    for q in config.questions:
        if q.id == variable_id:
            return question_variables(config, q)
    return [find_variable(config, variable_id, extra)]


def find_variable(config: StudyConfig, variable_id: str, extra: Sequence[Variable] = ()) -> Variable:
    """A question or derived variable by id (or one of `extra`, variables made elsewhere), for tables and `--by`."""
    for v in extra:
        if v.id == variable_id:
            return v
    for q in config.questions:
        if q.id == variable_id:
            return question_variable(config, q)
        items = [v for v in question_variables(config, q) if v.id == variable_id and v.id != q.id]
        if items:
            return items[0]
    for d in config.derived:
        if d.id == variable_id:
            return derived_variable(config, d)
    known = ", ".join([q.id for q in config.questions] + [d.id for d in config.derived])
    raise TableError(f"no question or derived variable {variable_id!r}; the study has: {known}")
