"""Numbers in the study's tables, computed on the engine, checked against statsmodels and scipy on the same file.

The study is weighted, has a conditional question, answers without a value and respondents without a group.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

from learnervoice.errors import TableError
from learnervoice.stats.tables import crosstab_tables, frequency_tables
from learnervoice.study.load import Study
from learnervoice.survey.importer import import_responses

from ..conftest import write_study

STUDY = """
title: Numbers
consent: ok
weight: wt
questions:
  - id: group
    text: Group
    type: single
    options: [{code: a, label: A}, {code: b, label: B}, {code: c, label: C}]
  - id: score
    text: Score
    type: numeric
  - id: scale
    text: Scale
    type: likert
    options: [{code: "1", label: Low}, {code: "2", label: Mid}, {code: "3", label: High}, {code: "4", label: Top}]
  - id: hours
    text: Hours
    type: binned
    bands: [{code: few, label: 0-9, min: 0, max: 9}, {code: many, label: 10 or more, min: 10, max: null}]
  - id: wt
    text: Weight
    type: numeric
"""


@pytest.fixture(scope="module")
def numbers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Study, pd.DataFrame]:
    tmp = tmp_path_factory.mktemp("numbers")
    rng = np.random.default_rng(11)
    n = 400
    frame = pd.DataFrame({
        "id": [f"r{i}" for i in range(n)],
        "group": rng.choice(["A", "B", "C", ""], n, p=[0.35, 0.35, 0.25, 0.05]),
        "score": rng.choice(np.arange(0, 2.001, 0.125), n),
        "scale": rng.choice(["Low", "Mid", "High", "Top"], n, p=[0.2, 0.3, 0.3, 0.2]),
        "hours": rng.integers(0, 30, n),
        "wt": rng.uniform(0.3, 3.0, n).round(3),
    })
    frame.loc[rng.choice(n, 30, replace=False), "score"] = np.nan
    frame.to_csv(tmp / "r.csv", index=False)
    study = write_study(tmp / "s", STUDY)
    import_responses(study, tmp / "r.csv")
    return study, frame


def test_frequency_summary_weighted_and_not(numbers: tuple[Study, pd.DataFrame]) -> None:
    """References: numpy and numpy's averaged_inverted_cdf quantiles unweighted; statsmodels DescrStatsW weighted."""
    study, frame = numbers
    valid = frame.dropna(subset=["score"])
    x, w = valid["score"].to_numpy(), valid["wt"].to_numpy()
    plain = next(t for t in frequency_tables(study, weighted=False).frequencies if t.variable_id == "score").summary
    assert plain is not None and not plain.weighted
    assert (plain.n, plain.mean, plain.sd) == (len(x), pytest.approx(x.mean()), pytest.approx(x.std(ddof=1)))
    assert [plain.q1, plain.median, plain.q3] == pytest.approx(np.quantile(x, [0.25, 0.5, 0.75], method="averaged_inverted_cdf"))
    assert plain.decimals == 3
    weighted = next(t for t in frequency_tables(study).frequencies if t.variable_id == "score").summary
    assert weighted is not None and weighted.weighted and weighted.n == len(x)
    assert weighted.mean == pytest.approx(DescrStatsW(x, weights=w).mean)
    assert [weighted.q1, weighted.median, weighted.q3] == pytest.approx(
        DescrStatsW(x, weights=w).quantile([0.25, 0.5, 0.75], return_pandas=False))


def test_weighted_likert_median(numbers: tuple[Study, pd.DataFrame]) -> None:
    """The weighted median category is the weighted median of the scale's positions (statsmodels DescrStatsW.quantile);
    unweighted, that of the counts."""
    study, frame = numbers
    positions = frame["scale"].map({"Low": 1, "Mid": 2, "High": 3, "Top": 4}).to_numpy()
    labels = {1: "Low", 2: "Mid", 3: "High", 4: "Top"}
    weighted = next(t for t in frequency_tables(study).frequencies if t.variable_id == "scale")
    reference = DescrStatsW(positions, weights=frame["wt"].to_numpy()).quantile(0.5, return_pandas=False)[0]
    assert weighted.median == labels[int(reference)]
    plain = next(t for t in frequency_tables(study, weighted=False).frequencies if t.variable_id == "scale")
    assert plain.median == labels[int(np.quantile(positions, 0.5, method="inverted_cdf"))]


def test_numbers_by_group(numbers: tuple[Study, pd.DataFrame]) -> None:
    """Per group and total against pandas; the test against statsmodels' anova_oneway on the same groups (the
    weighted one in test_comparisons); respondents without a group in the total only."""
    study, frame = numbers
    result = crosstab_tables(study, "group", questions=["score", "scale"], weighted=False)
    assert [ct.variable.id for ct in result.crosstabs] == ["scale"]
    (nt,) = result.numbers
    valid = frame.dropna(subset=["score"])
    for (code, label), column in zip(nt.groups, nt.columns):
        x = valid.loc[valid["group"] == label, "score"]
        assert (column.n, column.mean, column.median) == (len(x), pytest.approx(x.mean()), pytest.approx(x.median()))
    assert nt.total.n == len(valid) and nt.total.mean == pytest.approx(valid["score"].mean())
    assert nt.ungrouped == int((valid["group"].isna() | (valid["group"] == "")).sum()) > 0
    assert nt.missing == 30 and nt.not_asked == 0
    samples = [valid.loc[valid["group"] == g, "score"].to_numpy() for g in ("A", "B", "C")]
    assert nt.test is not None
    if nt.test.method == "Kruskal–Wallis test":
        assert nt.test.p == pytest.approx(stats.kruskal(*samples).pvalue)
    else:
        from statsmodels.stats.oneway import anova_oneway

        assert nt.test.p == pytest.approx(anova_oneway(samples, use_var="unequal").pvalue)


def test_weighted_numbers_by_group_take_the_weighted_test(numbers: tuple[Study, pd.DataFrame]) -> None:
    study, frame = numbers
    (nt,) = crosstab_tables(study, "group", questions=["score"]).numbers
    assert nt.test is not None and nt.test.weighted and nt.test.method == "Welch's one-way ANOVA"
    a = frame[(frame["group"] == "A") & frame["score"].notna()]
    assert nt.columns[0].mean == pytest.approx(np.average(a["score"], weights=a["wt"]))
    assert crosstab_tables(study, "group", questions=["score"], test="rank").numbers[0].test.method == "Kruskal–Wallis test"  # type: ignore[union-attr]


def test_binned_question_summarised_on_request(numbers: tuple[Study, pd.DataFrame]) -> None:
    study, frame = numbers
    banded = crosstab_tables(study, "group", questions=["hours"])
    assert [ct.variable.id for ct in banded.crosstabs] == ["hours"] and not banded.numbers
    (nt,) = crosstab_tables(study, "group", questions=["hours"], summarise=["hours"], weighted=False).numbers
    assert crosstab_tables(study, "group", questions=["scale"], summarise=["hours"]).numbers[0].variable.id == "hours"
    assert nt.total.mean == pytest.approx(frame["hours"].mean())
    table = next(t for t in frequency_tables(study, summarise=["hours"]).frequencies if t.variable_id == "hours")
    assert table.rows and table.summary is not None and table.summary.n == len(frame)
    with pytest.raises(TableError, match="no numbers to summarise"):
        crosstab_tables(study, "group", questions=["scale"], summarise=["scale"])


def test_groups_under_k_are_left_out(numbers: tuple[Study, pd.DataFrame]) -> None:
    """With k above a group's size, its column is blank and it is in neither the total nor the test."""
    study, frame = numbers
    sizes = frame.dropna(subset=["score"]).groupby("group").size()
    k = int(sizes["C"]) + 1  # C is the smallest group
    (nt,) = crosstab_tables(study, "group", questions=["score"], weighted=False, k={"score": k}).numbers
    assert nt.hidden == (2,) and nt.columns[2].n == 0 and nt.k == k
    assert nt.total.n == int(sizes["A"] + sizes["B"]) + nt.ungrouped
    assert nt.test is not None and nt.test.groups == ("A", "B")
