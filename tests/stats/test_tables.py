"""Frequencies, weights and cross-tabs on the engine, checked against pandas counts of the same file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from learnervoice.errors import TableError
from learnervoice.stats.engine import Engine
from learnervoice.stats.tables import crosstab_tables, frequency_tables
from learnervoice.study.load import Study
from learnervoice.survey.importer import import_responses

from ..conftest import write_study

STUDY = """
title: Weighted
consent: ok
weight: wt
questions:
  - id: group
    text: Group
    type: single
    options: [{code: a, label: A}, {code: b, label: B}]
  - id: answer
    text: Answer
    type: likert
    options: [{code: "1", label: Low}, {code: "2", label: Mid}, {code: "3", label: High}, {code: "4", label: Top}]
  - id: wt
    text: Weight
    type: numeric
"""


@pytest.fixture
def weighted(tmp_path: Path) -> tuple[Study, pd.DataFrame]:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(300)],
            "group": rng.choice(["A", "B"], 300),
            "answer": rng.choice(["Low", "Mid", "High", ""], 300, p=[0.3, 0.4, 0.2, 0.1]),
            "wt": rng.uniform(0.5, 2.0, 300).round(3),
        }
    )
    frame.to_csv(tmp_path / "r.csv", index=False)
    study = write_study(tmp_path / "s", STUDY)
    import_responses(study, tmp_path / "r.csv")
    return study, frame


def test_weighted_percent_beside_unweighted_counts(weighted: tuple[Study, pd.DataFrame]) -> None:
    study, frame = weighted
    table = next(t for t in frequency_tables(study).frequencies if t.variable_id == "answer")
    valid = frame[frame["answer"] != ""]
    assert [r.count for r in table.rows] == [int((valid["answer"] == lab).sum()) for lab in ("Low", "Mid", "High", "Top")]
    shares = valid.groupby("answer")["wt"].sum() / valid["wt"].sum()
    assert table.rows[0].weighted_percent == pytest.approx(100 * shares["Low"])
    assert table.rows[3].count == 0  # empty category kept, in instrument order
    assert table.effective_n == pytest.approx(valid["wt"].sum() ** 2 / (valid["wt"] ** 2).sum())
    assert table.missing == int((frame["answer"] == "").sum())
    assert table.median == "Mid"


def test_crosstab_matches_scipy(weighted: tuple[Study, pd.DataFrame]) -> None:
    study, frame = weighted
    result = crosstab_tables(study, "group", questions=["answer"], weighted=False)
    ct = result.crosstabs[0]
    valid = frame[frame["answer"] != ""]
    ref = pd.crosstab(valid["answer"], valid["group"]).loc[["Low", "Mid", "High"], ["A", "B"]]
    assert [[r.count for r in col.rows][:3] for col in ct.columns] == ref.T.values.tolist()
    assert ct.columns[0].rows[0].percent == pytest.approx(100 * ref.loc["Low", "A"] / ref["A"].sum())
    assert ct.test is not None
    assert ct.test.chi2 == pytest.approx(chi2_contingency(ref.values, correction=False).statistic)


def test_unknown_by_variable(weighted: tuple[Study, pd.DataFrame]) -> None:
    with pytest.raises(TableError, match="no question or derived variable 'nope'"):
        crosstab_tables(weighted[0], "nope")


def test_derived_subgroup_on_example(example: Study) -> None:
    result = crosstab_tables(example, "age_group", questions=["familiar"])
    ct = result.crosstabs[0]
    assert sum(col.base for col in ct.columns) == ct.total.base == 40


def test_derived_from_multiple_response_goes_to_the_predominant_group(example: Study) -> None:
    """motivation_kind: the group holding most of a respondent's ticks, ties to 'both' (hand count with pandas)."""
    raw = pd.read_csv(example.folder / "data" / "responses.csv")
    labels = {o.label: o.code for o in example.config.question("motivations").options}  # type: ignore[union-attr]
    derived = next(d for d in example.config.derived if d.id == "motivation_kind")
    members = {g.code: set(g.from_codes) for g in derived.groups}

    def kind(cell: object) -> str | None:
        if not isinstance(cell, str):
            return None
        ticked = {code for label, code in labels.items() if label in cell}
        counts = {g: len(ticked & m) for g, m in members.items()}
        if not any(counts.values()):
            return None
        return "both" if counts["personal"] == counts["professional"] else max(counts, key=counts.__getitem__)

    expected = raw["Motivations to participate in micro-credentials"].map(kind).value_counts()
    ct = crosstab_tables(example, "motivation_kind", questions=["age"]).crosstabs[0]  # everyone answered age
    got = {code: column.respondents for (code, _), column in zip(ct.groups, ct.columns)}
    assert got == {code: int(expected.get(code, 0)) for code in ("personal", "professional", "both")}
    assert sum(got.values()) == 40  # one respondent ticked only options outside both groups


def test_tie_needs_a_multiple_response_source(tmp_path: Path) -> None:
    from learnervoice.errors import StudyError

    with pytest.raises(StudyError, match="'tie' only applies to a multiple-response source"):
        write_study(tmp_path / "s", STUDY + "derived:\n  - {id: d, label: D, source: group, groups: "
                    "[{code: x, label: X, from: [a]}], tie: {code: t, label: T}}\n")


def test_no_responses_yet(tmp_path: Path) -> None:
    study = write_study(tmp_path / "s", STUDY)
    with pytest.raises(TableError, match="no responses yet"):
        frequency_tables(study)


def test_sql_transpiles_for_spark(example: Study) -> None:
    """The generated SQL is portable: sqlglot writes it for Spark without loss."""
    import duckdb

    from learnervoice.stats.engine import categorical_query
    from learnervoice.stats.variables import all_variables

    query = categorical_query(all_variables(example.config), "responses", by=None, weight=None)
    engine = Engine(duckdb.connect(), "responses", dialect="spark")
    spark_sql = engine.sql(query)
    assert "GROUPING SETS" in spark_sql and "`" in spark_sql


def test_open_text_split_by_a_subgroup_is_named_as_left_out(example: Study) -> None:
    """The example's open question cannot be cross-tabulated: it is said, with why, not dropped without a word."""
    every = crosstab_tables(example, "career_stage")
    assert [(lo.variable_id, lo.by) for lo in every.left_out] == [("anything_else", "career_stage")]
    assert "anything_else" not in {ct.variable.id for ct in every.crosstabs} | {nt.variable.id for nt in every.numbers}
    assert every.left_out[0].note.startswith(
        "anything_else (Is there anything else you would want from a micro-credential?) is not split by career_stage: "
        "open text")
    named = crosstab_tables(example, "career_stage", questions=["familiar", "anything_else"])
    assert [ct.variable.id for ct in named.crosstabs] == ["familiar"] and len(named.left_out) == 1
    assert crosstab_tables(example, "career_stage", questions=["familiar", "hours"]).left_out == ()
    assert frequency_tables(example).left_out == ()  # counted as answered or not: nothing left out


def test_cli_warns_of_items_left_out_and_refuses_one_named(example: Study) -> None:
    from typer.testing import CliRunner

    from learnervoice.cli import app

    folder = str(example.folder)
    split = CliRunner().invoke(app, ["tables", folder, "--by", "career_stage", "-f", "csv"])
    assert split.exit_code == 0, split.output
    assert "warning: anything_else (Is there anything else" in split.stderr and "not split by career_stage" in split.stderr
    assert "anything_else" not in split.stdout
    named = CliRunner().invoke(app, ["tables", folder, "--by", "career_stage", "-q", "familiar", "-q", "anything_else"])
    assert named.exit_code == 2 and named.stdout == ""
    assert "error: --question anything_else (Is there anything else" in named.stderr
    assert "cannot be split by career_stage: open text" in named.stderr
    plain = CliRunner().invoke(app, ["tables", folder, "-q", "anything_else"])
    assert plain.exit_code == 0 and plain.stderr == ""  # without --by it is counted (answered or not)
