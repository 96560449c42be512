"""Ranking: options put in order, one INTEGER store column per option holding its rank (1 = first), NULL if unranked.

Response files come in three layouts:

- option -> rank (Qualtrics rank order, SPSS): one column per option holding the rank given to it;
- rank -> option (LimeSurvey ranking ``Q6[1]``, ``Q6[2]``): one column per rank holding the option put there;
- one cell of option codes in rank order (KoboToolbox ``rank``: ``b a c``).

A rank outside 1..ranks, a rank given twice, or an option ranked twice is refused with its row and column.
A respondent who ranked nothing has not answered; one who ranked some options has answered, and every
option they left unranked counts as "not ranked" (see :mod:`learnervoice.stats.batteries`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import TableError
from ..stats.variables import Variable, guarded, literal
from ..study.model import Option, Ranking
from ..study.types import register
from ..survey.convert import Unreadable, mr_column, value_key
from ..survey.mapping import QuestionSource
from ..survey.store import quote
from .base import Answer, AnswerProblem, QuestionType
from .items import find_columns, rank_columns

if TYPE_CHECKING:
    from ..survey.convert import SqlConverter
    from ..survey.readers import FileInfo

NOT_RANKED = "not_ranked"


def rank_options(q: Ranking) -> tuple[Option, ...]:
    """The categories of one option's table: each rank, then 'Not ranked'."""
    return tuple(Option(code=str(r), label=_ordinal(r)) for r in range(1, q.rank_count + 1)) + (
        Option(code=NOT_RANKED, label="Not ranked"),)


def _ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"Ranked {rank}{suffix}"


@register(Ranking)
class RankingType(QuestionType[Ranking]):
    widget: ClassVar[str] = "ranking"

    def store_columns(self, q: Ranking) -> dict[str, str]:
        return {mr_column(q.id, o.code): "INTEGER" for o in q.options}

    def convert(self, q: Ranking, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
        if src.category_columns:
            ranks = _from_rank_columns(q, src, ctx)
        elif src.option_columns:
            ranks = _from_option_columns(q, src, ctx)
        else:
            ranks = _from_joined(q, src, ctx)
        return {mr_column(q.id, o.code): ranks.get(o.code, "CAST(NULL AS INTEGER)") for o in q.options}

    def stored(self, q: Ranking, answer: Any) -> dict[str, Any]:
        ranks = {code: int(rank) for code, rank in (part.split("=", 1) for part in answer)}
        return {mr_column(q.id, o.code): ranks.get(o.code) for o in q.options}

    def variable(self, q: Ranking, asked: str) -> Variable:
        raise TableError(f"{q.id!r} is a ranking: name one of its options "
                         f"({', '.join(mr_column(q.id, o.code) for o in q.options)}) to group or split by")

    def variables(self, q: Ranking, asked: str) -> list[Variable]:
        answered = " OR ".join(f"{quote(mr_column(q.id, o.code))} IS NOT NULL" for o in q.options)
        out = []
        for o in q.options:
            rank = quote(mr_column(q.id, o.code))
            key = (f"CASE WHEN {rank} IS NOT NULL THEN CAST({rank} AS VARCHAR) "
                   f"WHEN {answered} THEN {literal(NOT_RANKED)} END")
            out.append(Variable(mr_column(q.id, o.code), f"{q.text} — {o.label}", "ranking", rank_options(q), asked,
                                guarded(asked, key)))
        return out

    def condition_sql(self, q: Ranking, codes: tuple[str, ...]) -> str:
        raise TableError(f"{q.id!r} is a ranking; a condition cannot test it")

    def form_fields(self, q: Ranking) -> dict[str, Any]:
        return {"options": [{"code": o.code, "label": o.label} for o in q.options], "ranks": q.rank_count}

    def from_form(self, values: list[str]) -> Any:
        return [v for v in values if not v.endswith("=")]  # an option left at "—" is not ranked

    def parse_answer(self, q: Ranking, value: Any, comma: bool) -> Answer | AnswerProblem:
        """A list of ``option=rank`` (the ranking widget's selects); each rank once, within 1..ranks."""
        parts = value if isinstance(value, list) else [value]
        codes = {o.code for o in q.options}
        ranks: dict[str, int] = {}
        for part in parts:
            code, _, rank = part.partition("=") if isinstance(part, str) else ("", "", "")
            if code not in codes or code in ranks or not rank.isdigit() or not 1 <= int(rank) <= q.rank_count:
                return AnswerProblem("option")
            ranks[code] = int(rank)
        if len(set(ranks.values())) < len(ranks):
            return AnswerProblem("option")
        return [f"{o.code}={ranks[o.code]}" for o in q.options if o.code in ranks]

    def infer_source(self, q: Ranking, info: FileInfo, names: list[str], by_name: dict[str, str]) -> QuestionSource | None:
        by_rank = rank_columns(names, q.rank_count, by_name)
        if by_rank:
            return QuestionSource(q.id, category_columns=by_rank)
        columns = find_columns(names, [(o.code, o.label, None) for o in q.options], by_name)
        if columns:
            return QuestionSource(q.id, option_columns=columns)
        return super().infer_source(q, info, names, by_name)


# --- the three layouts ---------------------------------------------------------------------------


def _from_option_columns(q: Ranking, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
    """Qualtrics: each option's column holds its rank; every rank within 1..ranks and given once."""
    ranks: dict[str, str] = {}
    for o in q.options:
        column = src.option_columns.get(o.code)
        if column is None:
            continue
        cell = ctx.cell(column)
        number = f"TRY_CAST({cell} AS DOUBLE)"
        ctx.flag(column, f"{cell} IS NOT NULL AND ({number} IS NULL OR {number} <> floor({number}) OR {number} < 1 "
                         f"OR {number} > {q.rank_count})", f"a rank from 1 to {q.rank_count}")
        rank = f"TRY_CAST({number} AS INTEGER)"  # checks run before helpers exist: the SQL itself
        for other, earlier in ranks.items():
            ctx.flag(column, f"{rank} = {earlier}", f"a rank not already given to {other!r}")
        ranks[o.code] = rank
    return {code: ctx.helper(sql) for code, sql in _in_range(ranks, q).items()}


def _in_range(ranks: dict[str, str], q: Ranking) -> dict[str, str]:
    return {code: f"CASE WHEN {rank} BETWEEN 1 AND {q.rank_count} THEN {rank} END" for code, rank in ranks.items()}


def _from_rank_columns(q: Ranking, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
    """LimeSurvey: the column of rank r holds the option put at rank r; an option may be put at one rank only."""
    placed: list[tuple[str, str]] = []
    for column in src.category_columns[: q.rank_count]:
        code = ctx.codes(q, src, column)
        for earlier_column, earlier in placed:
            ctx.flag(column, f"{code} = {earlier}", f"an option not already ranked (in {earlier_column})")
        placed.append((column, code))
    for column in src.category_columns[q.rank_count:]:
        ctx.flag(column, f"{ctx.cell(column)} IS NOT NULL", f"no answer: the question asks for {q.rank_count} ranks")
    if not placed:
        return {}
    codes = [ctx.helper(code) for _, code in placed]
    return {o.code: "CASE " + " ".join(f"WHEN {code} = {literal(o.code)} THEN {r}" for r, code in enumerate(codes, 1))
            + " END" for o in q.options}


def _from_joined(q: Ranking, src: QuestionSource, ctx: SqlConverter) -> dict[str, str]:
    """KoboToolbox: option codes in rank order in one cell, separated by spaces (or the separator given)."""
    assert src.column is not None
    column = src.column
    lookup = ctx.lookup(q, src, column)
    pattern = re.escape(src.separator) if src.separator else r"[\s,;]+"
    expected = f"up to {q.rank_count} options in rank order, each once, from " + ", ".join(o.code for o in q.options)

    def ranks(raw: str) -> tuple[int | None, ...] | Unreadable:
        key = value_key(raw)
        if key == "" or ctx.is_missing(column, key):
            return tuple(None for _ in q.options)
        codes = [lookup.code(part) for part in re.split(pattern, raw.strip()) if part.strip()]
        if None in codes or len(set(codes)) < len(codes) or len(codes) > q.rank_count:
            return Unreadable(expected)
        return tuple(codes.index(o.code) + 1 if o.code in codes else None for o in q.options)

    outputs = [(mr_column(q.id, o.code), "INTEGER") for o in q.options]
    return dict(zip((o.code for o in q.options), ctx.recode(column, outputs, ranks)))
