"""Multiple response: several ticks per respondent, one boolean store column per option.

As in SPSS multiple-response sets, a respondent with no tick is missing. In response files the
ticks come as one 0/1 column per option, as SPSS category sets, or joined in one cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..stats.variables import Variable, literal
from ..study.model import DerivedVariable, MultipleResponse
from ..survey.convert import TICKED, UNTICKED, Unreadable, mr_column, split_ticks, value_key
from ..survey.mapping import QuestionSource
from ..survey.store import quote
from ..text import normalize
from .base import Answer, AnswerProblem, QuestionType
from ..study.types import register

if TYPE_CHECKING:
    from ..survey.convert import SqlConverter
    from ..survey.readers import FileInfo


@register(MultipleResponse)
class MultipleResponseType(QuestionType[MultipleResponse]):
    widget: ClassVar[str] = "checkboxes"

    def store_columns(self, q: MultipleResponse) -> dict[str, str]:
        return {mr_column(q.id, o.code): "BOOLEAN" for o in q.options}

    def convert(self, q: MultipleResponse, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
        if not (src.option_columns or src.category_columns):
            return _joined(q, src, ctx)
        if src.option_columns:
            ticks = {code: _dichotomy(q, src, code, col, ctx) for code, col in src.option_columns.items()}
        else:
            ticks = _category_set(q, src, ctx)
        ticked = {o.code: ctx.helper(f"coalesce({ticks[o.code]}, false)") if o.code in ticks else "false"
                  for o in q.options}
        answered = " OR ".join(ticked.values())  # SPSS convention: no tick at all is a missing answer
        return {mr_column(q.id, code): f"CASE WHEN {answered} THEN {tick} END" for code, tick in ticked.items()}

    def stored(self, q: MultipleResponse, answer: Any) -> dict[str, Any]:
        return {mr_column(q.id, o.code): o.code in answer for o in q.options}

    def variable(self, q: MultipleResponse, asked: str) -> Variable:
        return Variable(q.id, q.text, q.type, q.options, asked, None, base_kind=q.base)

    def condition_sql(self, q: MultipleResponse, codes: tuple[str, ...]) -> str:
        ticks = [f"coalesce({quote(mr_column(q.id, c))}, false)" for c in codes]
        return "(" + " OR ".join(ticks) + ")"

    def recode_sql(self, q: MultipleResponse, d: DerivedVariable) -> str:
        return predominant_case(d)

    def form_fields(self, q: MultipleResponse) -> dict[str, Any]:
        return {"options": [{"code": o.code, "label": o.label} for o in q.options]}

    def from_form(self, values: list[str]) -> Any:
        return values

    def parse_answer(self, q: MultipleResponse, value: Any, comma: bool) -> Answer | AnswerProblem:
        ticks = value if isinstance(value, list) else [value]
        codes = [o.code for o in q.options]
        if not all(isinstance(t, str) and t in codes for t in ticks):
            return AnswerProblem("option")
        return [c for c in codes if c in ticks]

    def infer_source(
        self, q: MultipleResponse, info: FileInfo, names: list[str], by_name: dict[str, str]
    ) -> QuestionSource | None:
        found = _mr_set_source(q, info, names) or _option_columns_source(q, names, by_name)
        return found if found is not None else super().infer_source(q, info, names, by_name)


def predominant_case(d: DerivedVariable) -> str:
    """The group holding most of a respondent's ticks; the tie code (or NULL) on equal numbers; NULL with none."""
    counts = {
        g.code: "(" + " + ".join(f"CAST(coalesce({quote(mr_column(d.source, c))}, false) AS INTEGER)"
                                 for c in g.from_codes) + ")"
        for g in d.groups
    }
    whens = [f"WHEN {' + '.join(counts.values())} = 0 THEN NULL"]
    for code, count in counts.items():
        beats = " AND ".join(f"{count} > {other}" for o, other in counts.items() if o != code)
        whens.append(f"WHEN {beats} THEN {literal(code)}")
    tie = literal(d.tie.code) if d.tie is not None else "NULL"
    return f"CASE {' '.join(whens)} ELSE {tie} END"


# --- conversion of the three layouts ---------------------------------------------------------------


def _dichotomy(q: MultipleResponse, src: QuestionSource, code: str, column: str, ctx: SqlConverter) -> str:
    option = next(o for o in q.options if o.code == code)
    ticked_values = set(TICKED) | {value_key(option.code), value_key(option.label)}
    if src.counted_value is not None:
        ticked_values = {value_key(src.counted_value)}
    expected = f"a tick for {option.label!r} (1/0, Y/empty or the option's label)"

    def tick(raw: str) -> tuple[bool] | Unreadable:
        key = value_key(raw)
        if key in ticked_values:
            return (True,)
        if key in UNTICKED or ctx.is_missing(column, key) or (src.counted_value is not None and _is_number_text(key)):
            return (False,)
        return Unreadable(expected)

    return ctx.recode(column, [("tick", "BOOLEAN")], tick)[0]


def _category_set(q: MultipleResponse, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
    codes = [ctx.codes(q, src, column) for column in src.category_columns]
    return {o.code: "(" + " OR ".join(f"coalesce({c} = {literal(o.code)}, false)" for c in codes) + ")" for o in q.options}


def _joined(q: MultipleResponse, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
    """Ticks joined in one cell; a cell with no tick (empty, missing) is no answer."""
    assert src.column is not None
    column = src.column
    lookup = ctx.lookup(q, src, column)
    expected = "ticks separated by , ; or spaces, each one of " + ", ".join(o.label for o in q.options)
    no_answer = tuple(None for _ in q.options)

    def ticks(raw: str) -> tuple[bool | None, ...] | Unreadable:
        key = value_key(raw)
        if key == "" or ctx.is_missing(column, key):
            return no_answer
        codes = split_ticks(raw.strip(), lookup, src.separator)
        if codes is None:
            return Unreadable(expected)
        return tuple(o.code in codes for o in q.options) if codes else no_answer

    outputs = [(mr_column(q.id, o.code), "BOOLEAN") for o in q.options]
    return dict(zip((name for name, _ in outputs), ctx.recode(column, outputs, ticks)))


def _is_number_text(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


# --- where the ticks are in a file -----------------------------------------------------------------


def _mr_set_source(q: MultipleResponse, info: FileInfo, names: list[str]) -> QuestionSource | None:
    wanted = {normalize(n) for n in names}
    for mr in info.mr_sets:
        if normalize(mr.name.lstrip("$")) not in wanted and normalize(mr.label) not in wanted:
            continue
        if mr.counted_value is None:
            return QuestionSource(q.id, category_columns=mr.columns)
        columns = _match_dichotomies(q, mr.columns, info)
        return QuestionSource(q.id, option_columns=columns, counted_value=mr.counted_value)
    return None


def _match_dichotomies(q: MultipleResponse, columns: tuple[str, ...], info: FileInfo) -> dict[str, str]:
    """Dichotomy variables match options by their label, else by position."""
    by_label = {normalize(info.column_labels.get(c, "")): c for c in columns}
    matched = {o.code: by_label[normalize(o.label)] for o in q.options if normalize(o.label) in by_label}
    if len(matched) == len(q.options):
        return matched
    return {o.code: col for o, col in zip(q.options, columns)}


def _option_columns_source(q: MultipleResponse, names: list[str], by_name: dict[str, str]) -> QuestionSource | None:
    columns: dict[str, str] = {}
    for o in q.options:
        for name in names:
            col = _option_column(name, o.code, o.label, by_name)
            if col is not None:
                columns[o.code] = col
                break
    return QuestionSource(q.id, option_columns=columns) if columns else None


def _option_column(base: str, code: str, label: str, by_name: dict[str, str]) -> str | None:
    """LimeSurvey `Q[SQ001]` / `Q [Label]`, Kobo `q/option`, SPSS-style `q_code` and `q.code`."""
    for key in (code, label):
        for pattern in ("{b}[{k}]", "{b} [{k}]", "{b}/{k}", "{b}_{k}", "{b}.{k}", "{b} - {k}"):
            col = by_name.get(normalize(pattern.format(b=base, k=key)))
            if col is not None:
                return col
    return None
