"""Grid and ranking tables against numpy/pandas computed on random data, with and without weights.

References: numpy's average for weighted means and shares; statsmodels' DescrStatsW (ddof=1), i.e. SPSS's
frequency-weight variance Σw(x−mean)²/(Σw−1), for the SD; plain pandas counting for ranks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.weightstats import DescrStatsW

from learnervoice.stats.tables import frequency_tables
from learnervoice.survey.importer import import_responses

from ..conftest import write_study

ITEMS = ("a", "b", "c", "d")
OPTIONS = ("p", "q", "r", "s", "t", "u")
STUDY = """
title: Random batteries
consent: yes
weight: w
questions:
  - {id: w, text: Weight, type: numeric}
  - id: g
    text: Grid
    type: grid
    sort: SORT
    items: [{id: a, text: A}, {id: b, text: B}, {id: c, text: C}, {id: d, text: D}]
    options: [{code: "1", label: one}, {code: "2", label: two}, {code: "3", label: three}, {code: "4", label: four},
              {code: "5", label: five}, {code: "7", label: seven}]
  - id: r
    text: Ranking
    type: ranking
    ranks: 5
    options: [{code: p, label: P}, {code: q, label: Q}, {code: r, label: R}, {code: s, label: S}, {code: t, label: T},
              {code: u, label: U}]
"""
POINTS = np.array([1, 2, 3, 4, 5, 7])


def _random_answers(rng: np.random.Generator, n: int = 400) -> pd.DataFrame:
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "w": rng.uniform(0.2, 3.0, n).round(3)})
    for item in ITEMS:  # each item leaning its own way, about 10% unanswered
        x = rng.choice(POINTS, n, p=rng.dirichlet(np.ones(len(POINTS)))).astype(float)
        x[rng.random(n) < 0.1] = np.nan
        frame[f"g_{item}"] = x
    ranks = np.full((n, len(OPTIONS)), np.nan)
    for i in range(n):  # each respondent ranks 0 to 5 options, in a random order
        k = rng.integers(0, 6)
        chosen = rng.choice(len(OPTIONS), k, replace=False, p=np.array([6, 5, 4, 3, 2, 1]) / 21)
        ranks[i, chosen] = np.arange(1, k + 1)
    for j, o in enumerate(OPTIONS):
        frame[f"r_{o}"] = ranks[:, j]
    return frame


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    rng = np.random.default_rng(20261129)
    frame = _random_answers(rng)
    folder = tmp_path_factory.mktemp("batteries")
    frame.to_csv(folder / "r.csv", index=False, float_format="%g")
    return frame, folder


def _tables(data: tuple[pd.DataFrame, Path], tmp: Path, sort: str = "as_listed", weighted: bool = True):  # type: ignore[no-untyped-def]
    frame, folder = data
    study = write_study(tmp / "s", STUDY.replace("SORT", sort))
    import_responses(study, folder / "r.csv")
    return frequency_tables(study, weighted=weighted)


@pytest.mark.parametrize("weighted", [True, False])
def test_grid_numbers(data: tuple[pd.DataFrame, Path], tmp_path: Path, weighted: bool) -> None:
    frame, _ = data
    grid = _tables(data, tmp_path, weighted=weighted).batteries[0]
    assert grid.kind == "grid" and [r.label for r in grid.rows] == ["A", "B", "C", "D"]
    for item, row in zip(ITEMS, grid.rows):
        answered = frame[frame[f"g_{item}"].notna()]
        x = answered[f"g_{item}"].to_numpy()
        w = answered["w"].to_numpy() if weighted else np.ones(len(x))
        assert row.n == len(x)
        shares = [100 * w[x == p].sum() / w.sum() for p in POINTS]
        assert row.percents == pytest.approx(shares, abs=1e-9)
        assert row.mean == pytest.approx(np.average(x, weights=w), abs=1e-9)
        assert row.sd == pytest.approx(DescrStatsW(x, weights=w, ddof=1).std, abs=1e-9)
        if not weighted:
            assert row.sd == pytest.approx(np.std(x, ddof=1), abs=1e-9)
        assert row.top2 == pytest.approx(100 * w[x >= 5].sum() / w.sum(), abs=1e-9)  # 5 and 7: the two highest
        assert row.bottom2 == pytest.approx(100 * w[x <= 2].sum() / w.sum(), abs=1e-9)
        assert row.missing == frame[f"g_{item}"].isna().sum()


@pytest.mark.parametrize("sort,key", [("mean", "mean"), ("top2", "top2")])
def test_grid_sorted_highest_first(data: tuple[pd.DataFrame, Path], tmp_path: Path, sort: str, key: str) -> None:
    listed = _tables(data, tmp_path / "listed").batteries[0]
    ordered = _tables(data, tmp_path / "sorted", sort).batteries[0]
    expected = sorted(listed.rows, key=lambda r: -getattr(r, key))
    assert [r.label for r in ordered.rows] == [r.label for r in expected]
    assert [getattr(r, key) for r in ordered.rows] == sorted((getattr(r, key) for r in listed.rows), reverse=True)


@pytest.mark.parametrize("weighted", [True, False])
def test_ranking_numbers(data: tuple[pd.DataFrame, Path], tmp_path: Path, weighted: bool) -> None:
    frame, _ = data
    ranking = _tables(data, tmp_path, weighted=weighted).batteries[1]
    rank_columns = [f"r_{o}" for o in OPTIONS]
    base = frame[frame[rank_columns].notna().any(axis=1)]  # ranked at least one option
    w = base["w"].to_numpy() if weighted else np.ones(len(base))
    assert ranking.base == len(base) and ranking.missing == len(frame) - len(base)
    for o, row in zip(OPTIONS, ranking.rows):
        ranks = base[f"r_{o}"].to_numpy()
        ranked = ~np.isnan(ranks)
        assert row.n_ranked == ranked.sum()
        assert row.mean_rank == pytest.approx(np.average(ranks[ranked], weights=w[ranked]), abs=1e-9)
        assert row.first == pytest.approx(100 * w[ranks == 1].sum() / w.sum(), abs=1e-9)
        assert row.top == pytest.approx(100 * w[ranks <= 3].sum() / w.sum(), abs=1e-9)


def test_both_ranking_layouts_give_one_table(data: tuple[pd.DataFrame, Path], tmp_path: Path) -> None:
    """The same answers written as LimeSurvey writes them (rank -> option) give the same table as Qualtrics' (option -> rank)."""
    frame, folder = data
    by_rank = frame[["id", "w"] + [f"g_{i}" for i in ITEMS]].copy()
    for rank in range(1, 6):
        by_rank[f"r[{rank}]"] = [next((o for o in OPTIONS if row[f"r_{o}"] == rank), "") for _, row in frame.iterrows()]
    by_rank.to_csv(tmp_path / "ls.csv", index=False, float_format="%g")
    study = write_study(tmp_path / "ls", STUDY.replace("SORT", "as_listed"))
    report = import_responses(study, tmp_path / "ls.csv")
    assert report.mapping.questions["r"].category_columns == ("r[1]", "r[2]", "r[3]", "r[4]", "r[5]")
    assert frequency_tables(study).batteries[1] == _tables(data, tmp_path / "q").batteries[1]


def test_items_stay_tables_of_their_own(data: tuple[pd.DataFrame, Path], tmp_path: Path) -> None:
    """Each item is also a Likert table (cross-tabs, tidy frame); a ranking's options count 'not ranked'."""
    tables = _tables(data, tmp_path)
    ids = [t.variable_id for t in tables.frequencies]
    assert ids[1:] == ["g__a", "g__b", "g__c", "g__d", "r__p", "r__q", "r__r", "r__s", "r__t", "r__u"]
    r_p = tables.frequencies[5]
    assert [row.label for row in r_p.rows] == ["Ranked 1st", "Ranked 2nd", "Ranked 3rd", "Ranked 4th", "Ranked 5th",
                                               "Not ranked"]
    assert set(tables.to_frame()["question_id"]) >= {"g__a", "r__u"}
