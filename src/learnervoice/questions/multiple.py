"""Multiple response: several ticks per respondent, one boolean store column per option.

As in SPSS multiple-response sets, a respondent with no tick is missing. In response files the
ticks come as one 0/1 column per option, as SPSS category sets, or joined in one cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..stats.variables import Variable, literal
from ..study.model import DerivedVariable, MultipleResponse
from ..survey.convert import TICKED, UNTICKED, mr_column, split_ticks, value_key
from ..survey.mapping import QuestionSource
from ..survey.store import quote
from ..text import normalize
from .base import Answer, AnswerProblem, QuestionType
from ..study.types import register

if TYPE_CHECKING:
    import pandas as pd

    from ..errors import Problem
    from ..survey.convert import ChunkConverter
    from ..survey.readers import FileInfo


@register(MultipleResponse)
class MultipleResponseType(QuestionType[MultipleResponse]):
    widget: ClassVar[str] = "checkboxes"

    def store_columns(self, q: MultipleResponse) -> dict[str, str]:
        return {mr_column(q.id, o.code): "BOOLEAN" for o in q.options}

    def convert(
        self, q: MultipleResponse, src: QuestionSource, chunk: pd.DataFrame, ctx: ChunkConverter,
        problems: list[Problem],
    ) -> dict[str, pd.Series]:
        import pandas as pd

        if src.option_columns:
            ticks = {code: _dichotomy(q, src, code, col, chunk, ctx, problems) for code, col in src.option_columns.items()}
        elif src.category_columns:
            ticks = _category_set(q, src, chunk, ctx, problems)
        else:
            assert src.column is not None
            ticks = _joined(q, src, ctx.cells(chunk, src.column), ctx, problems)
        frame = pd.DataFrame({mr_column(q.id, o.code): ticks.get(o.code, False) for o in q.options}, index=chunk.index)
        frame = frame.fillna(False).astype(bool)
        answered = frame.any(axis=1)  # SPSS convention: no tick at all is a missing answer
        return {name: frame[name].astype("boolean").where(answered, None) for name in frame.columns}

    def stored(self, q: MultipleResponse, answer: Any) -> dict[str, Any]:
        return {mr_column(q.id, o.code): o.code in answer for o in q.options}

    def condition_mask(self, q: MultipleResponse, codes: tuple[str, ...], out: pd.DataFrame) -> pd.Series | None:
        cols = [mr_column(q.id, c) for c in codes if mr_column(q.id, c) in out.columns]
        if not cols:
            return None
        return out[cols].fillna(False).astype(bool).any(axis=1)

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


def _dichotomy(
    q: MultipleResponse, src: QuestionSource, code: str, column: str, chunk: pd.DataFrame, ctx: ChunkConverter,
    problems: list[Problem],
) -> pd.Series:
    option = next(o for o in q.options if o.code == code)
    ticked_values = set(TICKED) | {value_key(option.code), value_key(option.label)}
    if src.counted_value is not None:
        ticked_values = {value_key(src.counted_value)}
    raw = chunk[column].astype(str).str.strip()
    keys = raw.map({v: value_key(v) for v in raw.unique()})
    ticked = keys.isin(ticked_values)
    known = ticked | keys.isin(UNTICKED) | keys.map(lambda k: ctx.is_missing(column, k))
    if src.counted_value is not None:
        known = known | raw.map(_is_number_text)
    ctx.flag(~known, raw, column, f"a tick for {option.label!r} (1/0, Y/empty or the option's label)", problems)
    return ticked


def _category_set(
    q: MultipleResponse, src: QuestionSource, chunk: pd.DataFrame, ctx: ChunkConverter, problems: list[Problem]
) -> dict[str, pd.Series]:
    import pandas as pd

    ticks = {o.code: pd.Series(False, index=chunk.index) for o in q.options}
    for column in src.category_columns:
        codes = ctx.codes(q, src, column, ctx.cells(chunk, column), problems)
        for code in ticks:
            ticks[code] |= (codes == code).fillna(False).astype(bool)
    return ticks


def _joined(
    q: MultipleResponse, src: QuestionSource, raw: pd.Series, ctx: ChunkConverter, problems: list[Problem]
) -> dict[str, pd.Series]:
    assert src.column is not None
    lookup = ctx.lookup(q, src, src.column)
    parsed: dict[str, frozenset[str] | None] = {}
    for value in raw.dropna().unique():
        parsed[value] = split_ticks(value, lookup, src.separator)
    sets = raw.map(lambda v: parsed[v] if isinstance(v, str) else frozenset()).astype(object)
    bad = sets.isna()
    if bad.any():
        expected = "ticks separated by , ; or spaces, each one of " + ", ".join(o.label for o in q.options)
        for idx, value in raw[bad].items():
            problems.append(ctx.problem(idx, src.column, value, expected))
    sets = sets.where(~bad, frozenset())
    return {o.code: sets.map(lambda s, c=o.code: c in s).astype(bool) for o in q.options}


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
