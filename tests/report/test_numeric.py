"""Numbers as printed: `tables --by` with a numeric question (Markdown, CSV, HTML, JSON, DOCX), the range's
decimals, the CI of the mean with `--ci`, the test in the footnote, and the example's report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from docx import Document
from scipy import stats
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.report.formats import render_text, write_tables
from learnervoice.stats.tables import crosstab_tables, frequency_tables
from learnervoice.study.load import Study
from learnervoice.survey.importer import import_responses

from ..conftest import write_study

STUDY = """
title: Shares
consent: ok
questions:
  - id: team
    text: Team
    type: single
    options: [{code: red, label: Red}, {code: blue, label: Blue}]
  - id: share
    text: Share of time online
    type: numeric
"""

RED = [0.125, 0.25, 0.25, 0.375, 0.125, 0.25]
BLUE = [0.5, 0.625, 0.375, 0.75, 0.5]


@pytest.fixture
def shares(tmp_path: Path) -> Study:
    """Six Red and five Blue answers between 0.125 and 0.75, one answer without a team, one without a share."""
    rows = ["id,team,share"] + [f"r{i},Red,{x}" for i, x in enumerate(RED)] + [f"b{i},Blue,{x}" for i, x in enumerate(BLUE)]
    rows += ["n1,,0.5", "m1,Red,"]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    study = write_study(tmp_path / "s", STUDY)
    import_responses(study, tmp_path / "r.csv")
    return study


def _tables(study: Study, *args: str) -> str:
    result = CliRunner().invoke(app, ["tables", str(study.folder), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_range_keeps_the_values_decimals(shares: Study) -> None:
    """Values 0.125–0.375 printed 'range 0–0' before: the range has the values' three decimals, the mean four."""
    text = _tables(shares, "-q", "share")
    everyone = RED + BLUE + [0.5]
    assert "range 0.125–0.750" in text
    assert f"mean = {np.mean(everyone):.4f}, SD = {np.std(everyone, ddof=1):.4f}" in text
    assert "median = 0.375 (IQR 0.250–0.500)" in text


def test_tables_by_group_in_markdown_with_ci(shares: Study) -> None:
    """The numeric question is a table by team with the CI of each mean (scipy's t interval) and the test."""
    text = _tables(shares, "--by", "team", "-q", "share", "--ci")
    assert "### Share of time online by Team" in text
    assert "| Share of time online | Red | Blue | Total |" in text
    assert "| n | 6 | 5 | 12 |" in text
    low, high = stats.t.interval(0.95, len(RED) - 1, loc=np.mean(RED), scale=stats.sem(RED))
    assert f"| 95% CI of the mean | [{low:.4f}, {high:.4f}] |" in text
    assert "| Min–max | 0.125–0.375 | 0.375–0.750 | 0.125–0.750 |" in text
    assert "Not in the table — no answer: 1." in text
    assert "1 respondent(s) with no value of team are in the total only." in text
    ref = stats.ttest_ind(RED, BLUE, equal_var=False)
    assert "Welch's t test (parametric test for two groups; chosen because: roughly symmetric" in text
    assert f"t({ref.df:.1f}) = {ref.statistic:.2f}, p " in text
    assert "Hedges' g = " in text and "(positive: Red higher)" in text


def test_tables_by_group_rank_test_on_request(shares: Study) -> None:
    text = _tables(shares, "--by", "team", "-q", "share", "--test", "rank")
    u = stats.mannwhitneyu(RED, BLUE, alternative="two-sided")
    assert "Mann–Whitney U test (rank test for two groups; chosen because: as asked)." in text
    assert f"U = {u.statistic:.1f}, p = " + f"{u.pvalue:.3f}".lstrip("0") in text
    bad = CliRunner().invoke(app, ["tables", str(shares.folder), "--by", "team", "--test", "anova"])
    assert bad.exit_code == 2 and "auto, parametric or rank" in bad.output


def test_csv_json_html_docx_of_numbers_by_group(shares: Study, tmp_path: Path) -> None:
    tables = crosstab_tables(shares, "team", questions=["share"])
    rows = list(csv.DictReader(io.StringIO(render_text(tables, "csv"))))
    red = {r["option"]: r for r in rows if r["group"] == "Red"}
    assert red["n"]["count"] == "6" and float(red["Mean"]["value"]) == pytest.approx(np.mean(RED))
    assert float(red["Median"]["value"]) == 0.25 and red["Mean"]["base_kind"] == "statistic"
    assert {r["group"] for r in rows} == {"Red", "Blue", "Total"}
    doc = json.loads(render_text(tables, "json"))
    (comparison,) = doc["comparisons"]
    assert comparison["method"] == "Welch's t test" and comparison["groups"] == ["Red", "Blue"]
    assert comparison["p"] == pytest.approx(stats.ttest_ind(RED, BLUE, equal_var=False).pvalue)
    page = render_text(tables, "html")
    assert "Share of time online by Team" in page and "Median (IQR)" in page and "Hedges" in page
    write_tables(tables, "docx", tmp_path / "t.docx")
    cells = [c.text for c in Document(str(tmp_path / "t.docx")).tables[0].rows[1].cells]
    assert cells == ["n", "6", "5", "12"]


def test_frequency_csv_carries_the_summary(shares: Study) -> None:
    rows = list(csv.DictReader(io.StringIO(render_text(frequency_tables(shares, questions=["share"]), "csv"))))
    stats_rows = {r["option"]: r["value"] for r in rows if r["base_kind"] == "statistic"}
    assert float(stats_rows["Minimum"]) == 0.125 and float(stats_rows["Maximum"]) == 0.75
    assert set(stats_rows) >= {"Mean", "SD", "Median", "Q1", "Q3", "95% CI of the mean, low"}


def test_weighted_numbers_by_group_and_decimal_comma(tmp_path: Path) -> None:
    """Weighted: the mean is numpy's average with the weights, the rows and a note say weighted, Kish's n is given;
    with a decimal comma the numbers and the CI use it."""
    weights = [1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 1.0, 1.0, 2.0, 0.5, 1.0]
    rows = ["id,team,share,wt"] + [f"r{i},{team},{x},{w}" for i, (team, x, w) in
                                   enumerate(zip(["Red"] * 6 + ["Blue"] * 5, RED + BLUE, weights))]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    study = write_study(tmp_path / "s", STUDY.replace("title: Shares", "title: Shares\nlanguage: ca\nweight: wt")
                        + "  - {id: wt, text: Weight, type: numeric}\n")
    import_responses(study, tmp_path / "r.csv")
    tables = crosstab_tables(study, "team", questions=["share"])
    text = render_text(tables, "md", intervals=True)
    mean = np.average(RED, weights=weights[:6])
    assert f"| Mean (SD) (weighted) | {mean:.4f}".replace(".", ",") in text
    assert "| 95% CI of the mean (weighted) | [" in text and "; " in text.split("95% CI of the mean (weighted)")[1]
    assert "Weighted (survey weights)" in text and "Kish effective n: Red " in text
    assert "Welch's t test (weighted parametric test for two groups; chosen because: the data are weighted" in text
    assert "| Min–max | 0,125–0,375 | 0,375–0,750 | 0,125–0,750 |" in text


def test_example_report_has_numbers_by_career_stage(example: Study) -> None:
    """report.yaml summarises hours by career stage: a table with its test and the reason for it."""
    from learnervoice.report.assemble import build_report

    report = build_report(example)
    section = next(s for s in report.sections if s.title == "Junior and senior learners")
    hours = next(b for b in section.tables if b.title == "Hours a week dedication by Career stage")
    assert [r[0] for r in hours.rows] == ["n", "Mean (SD)", "Median (IQR)", "Min–max"]
    assert any(n.startswith(("Welch's t test", "Mann–Whitney U test")) and "chosen because" in n for n in hours.notes)
    assert "Not in the table — no answer: 1." in hours.notes
    assert any(b.title == "Age (years) by Career stage" and b.header[1].endswith(" Recount") for b in section.tables)


def test_numbers_crossing_two_personal_attributes_in_the_report(example: Study) -> None:
    """Age summarised by career stage crosses two personal attributes: minimum and maximum are left out, and a
    group under k (k raised above the junior group's 12) is left out of the table, the total and the test."""
    from learnervoice.report.assemble import build_report

    path = example.folder / "report.yaml"
    text = path.read_text(encoding="utf-8").replace("summarise: [hours]", "summarise: [hours, age]")
    path.write_text(text.replace("k: 3\n", "k: 13\n"), encoding="utf-8")
    report = build_report(example)
    age = next(b for s in report.sections for b in s.tables if b.title == "Age (years) by Career stage")
    assert [r[0] for r in age.rows] == ["n", "Mean (SD)", "Median (IQR)"]
    assert age.rows[0][1:] == ("<13", "29", "29") and age.rows[1][1] == ""
    assert "No test: fewer than two groups with answers, or no answers that differ." in age.notes
    assert any("Junior (under 10 years): fewer than 13 respondents" in n for n in age.notes)
    assert any("Age (years) by Career stage: minimum and maximum left out" in d for d in report.disclosure)


def test_a_numbers_summary_rounds_by_the_studys_rule() -> None:
    """Mean of 1, 1, 1, 2 is 1.25 exactly, printed with one decimal: 1.3 half up, 1.2 half to even (decimal.Decimal)."""
    from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

    from learnervoice.report.numeric import mean_sd
    from learnervoice.stats.summaries import Distribution, summarise

    summary = summarise(Distribution.of([(1.0, 3, 3.0, 3.0), (2.0, 1, 1.0, 1.0)]))
    assert summary.mean == 1.25
    for rule, decimal_rule in (("half_up", ROUND_HALF_UP), ("half_even", ROUND_HALF_EVEN)):
        expected = str(Decimal("1.25").quantize(Decimal("0.1"), rounding=decimal_rule))
        assert mean_sd(summary, False, rule).startswith(f"{expected} (")  # type: ignore[arg-type]


def test_a_subgroup_section_says_which_named_item_it_cannot_split(example: Study) -> None:
    """report.yaml names the open question among a subgroup section's tables: the section says it is left out."""
    from learnervoice.report.assemble import build_report

    path = example.folder / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("tables: [motivations, mode, online_sync, length, age]",
                                                             "tables: [motivations, anything_else]"), encoding="utf-8")
    section = next(s for s in build_report(example).sections if s.title == "Junior and senior learners")
    assert [p for p in section.paragraphs if "anything_else" in p] == [
        "anything_else (Is there anything else you would want from a micro-credential?) is not split by career_stage: "
        "open text has words, not categories, to count (code the answers and split the codes)"]
    assert not any("anything else" in b.title.lower() for b in section.tables)
