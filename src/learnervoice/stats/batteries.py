"""Tables of grids (Likert batteries) and rankings, put together from their items' frequency tables.

The engine counts each item like any other (one key per item, weighted sums beside the counts); this
module only reads those aggregates, so a grid of twenty items costs no more than twenty Likert questions.

Grid: per item its base (respondents who answered that item), % at each scale point, mean and SD of the
points' numbers (:meth:`learnervoice.study.model.Grid.scores`), top-2-box (% at the two highest points)
and bottom-2-box (on scales of three points or fewer, the top and bottom point alone). With weights, the %, mean, SD and boxes are weighted (SPSS's frequency-weight formulas:
mean Σwx/Σw, variance Σw(x−mean)²/(Σw−1)); n stays the unweighted count.

Ranking: the base is every respondent who ranked at least one option (a respondent may rank only some);
per option: n ranked, mean rank among those who ranked it (lower = ranked higher), % ranked first and
% ranked in the top 3, both of the base (an option left unranked was not ranked first).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..study.model import Grid, GridItem, Option, Ranking, StudyConfig
from ..survey.convert import mr_column
from .frequencies import FrequencyTable

TOP = 3  # rankings: "% in the top 3", shown when more than 3 ranks are asked


@dataclass(frozen=True)
class GridRow:
    item_id: str  # the item's variable (store column), <grid>__<item>
    label: str
    n: int
    percents: tuple[float, ...]  # at each scale point, weighted when the table is
    mean: float
    sd: float
    top2: float
    bottom2: float
    missing: int = 0


@dataclass(frozen=True)
class GridTable:
    question_id: str
    label: str
    scale: tuple[Option, ...]
    scores: tuple[float, ...]
    rows: tuple[GridRow, ...]
    weighted: bool = False
    not_asked: int = 0
    sort: str = "as_listed"

    @property
    def kind(self) -> str:
        return "grid"

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(r.item_id for r in self.rows)


@dataclass(frozen=True)
class RankingRow:
    code: str
    label: str
    n_ranked: int
    mean_rank: float
    first: float  # % of the base who ranked this option first
    top: float | None  # % of the base who ranked it within the top 3 (None with 3 ranks or fewer)


@dataclass(frozen=True)
class RankingTable:
    question_id: str
    label: str
    ranks: int
    base: int  # respondents who ranked at least one option
    rows: tuple[RankingRow, ...]
    weighted: bool = False
    missing: int = 0  # asked, ranked nothing
    not_asked: int = 0

    @property
    def kind(self) -> str:
        return "ranking"

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(mr_column(self.question_id, r.code) for r in self.rows)


Battery = GridTable | RankingTable


def box_size(points: int) -> int:
    """How many points a top (or bottom) box holds: two on scales of four points or more, else the end point alone."""
    return 2 if points >= 4 else 1


def battery_tables(config: StudyConfig, tables: Sequence[FrequencyTable], *, weighted: bool) -> tuple[Battery, ...]:
    """The summary table of every grid and ranking whose items are all among `tables`."""
    by_id = {t.variable_id: t for t in tables}
    out: list[Battery] = []
    for q in config.questions:
        if isinstance(q, Grid):
            items = [by_id.get(mr_column(q.id, i.id)) for i in q.items]
            if all(t is not None for t in items):
                out.append(grid_table(q, [t for t in items if t is not None], weighted))
        elif isinstance(q, Ranking):
            options = [by_id.get(mr_column(q.id, o.code)) for o in q.options]
            if all(t is not None for t in options):
                out.append(ranking_table(q, [t for t in options if t is not None], weighted))
    return tuple(out)


def grid_table(q: Grid, items: Sequence[FrequencyTable], weighted: bool) -> GridTable:
    """One row per item (its frequency table), sorted as the grid says (highest first; ties as listed)."""
    scores = tuple(q.scores()[o.code] for o in q.options)
    rows = [_grid_row(item, t, scores, weighted) for item, t in zip(q.items, items)]
    if q.sort != "as_listed":
        key = (lambda r: r.mean) if q.sort == "mean" else (lambda r: r.top2)
        rows.sort(key=lambda r: -key(r) if not math.isnan(key(r)) else math.inf)
    return GridTable(q.id, q.text, q.options, scores, tuple(rows), weighted,
                     max((t.not_asked for t in items), default=0), q.sort)


def _grid_row(item: GridItem, t: FrequencyTable, scores: tuple[float, ...], weighted: bool) -> GridRow:
    shares = [(r.weighted_percent if weighted and r.weighted_percent is not None else r.percent) / 100 for r in t.rows]
    total = t.weighted_base if weighted and t.weighted_base is not None else float(t.base)
    if not t.base or not total:
        nan = math.nan
        return GridRow(t.variable_id, item.text, 0, tuple(nan for _ in t.rows), nan, nan, nan, nan, t.missing)
    mean = sum(s * x for s, x in zip(shares, scores))
    squares = sum(s * (x - mean) ** 2 for s, x in zip(shares, scores)) * total
    sd = math.sqrt(squares / (total - 1)) if total > 1 else math.nan
    percents = tuple(100 * s for s in shares)
    return GridRow(t.variable_id, item.text, t.base, percents, mean, sd,
                   sum(percents[-box_size(len(scores)):]), sum(percents[:box_size(len(scores))]), t.missing)


def ranking_table(q: Ranking, options: Sequence[FrequencyTable], weighted: bool) -> RankingTable:
    """One row per option (its table of ranks, 'not ranked' last), as listed."""
    rows = []
    base = options[0].base if options else 0
    for o, t in zip(q.options, options):
        shares = [(r.weighted_percent if weighted and r.weighted_percent is not None else r.percent) / 100 for r in t.rows]
        ranked = [(rank, share) for rank, share in enumerate(shares[:-1], 1)]
        ranked_share = sum(s for _, s in ranked)
        mean = sum(rank * s for rank, s in ranked) / ranked_share if t.base and ranked_share else math.nan
        first = 100 * shares[0] if t.base else math.nan
        top = 100 * sum(s for rank, s in ranked if rank <= TOP) if t.base and q.rank_count > TOP else None
        rows.append(RankingRow(o.code, o.label, sum(r.count for r in t.rows[:-1]), mean, first, top))
    missing = options[0].missing if options else 0
    not_asked = options[0].not_asked if options else 0
    return RankingTable(q.id, q.text, q.rank_count, base, tuple(rows), weighted, missing, not_asked)
