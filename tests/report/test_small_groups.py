"""A screen's split by a personal variable leaves its small groups out (report/small_groups.py), on a generated study
whose groups hold 1, 2 and 10 people (k = 5): exact counts shown, the notes, the tests over the groups shown (scipy),
complementary suppression, a split withheld, and the CSV of what is shown."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from learnervoice.privacy.gate import gate_for
from learnervoice.report.results import Results, study_results
from learnervoice.report.results_csv import results_csv
from learnervoice.report.small_groups import hidden_groups
from learnervoice.study.load import Study
from learnervoice.survey.importer import import_responses

from ..conftest import write_study

STUDY = """
title: Small groups
consent: ok
questions:
  - {id: group, text: Group, type: single, options: [{code: a, label: Alpha}, {code: b, label: Beta},
     {code: c, label: Gamma}, {code: d, label: Delta}, {code: e, label: Epsilon}]}
  - {id: site, text: Site, type: single, options: [{code: s1, label: Site 1}, {code: s2, label: Site 2},
     {code: s3, label: Site 3}, {code: s4, label: Site 4}, {code: s5, label: Site 5}]}
  - {id: band, text: Band, type: single, options: [{code: lo, label: Low}, {code: mid, label: Middle},
     {code: hi, label: High}]}
  - {id: team, text: Team, type: single, options: [{code: t1, label: Team 1}, {code: t2, label: Team 2},
     {code: t3, label: Team 3}]}
  - {id: like, text: Do you like it?, type: single, options: [{code: "yes", label: "Yes"}, {code: "no", label: "No"}]}
  - {id: late, text: Asked late, type: single, options: [{code: "yes", label: "Yes"}, {code: "no", label: "No"}]}
  - {id: score, text: Score, type: numeric}
"""
REPORT = "k: 5\npersonal: [group, site, band]\n"
N = 25
GROUP = ["a"] + ["b"] * 2 + ["c"] * 2 + ["d"] * 10 + ["e"] * 10  # 1, 2, 2, 10, 10 people
SITE = ["s1"] + ["s2"] * 2 + ["s3"] * 6 + ["s4"] * 8 + ["s5"] * 8  # 1 and 2 leave 3 out: Site 3 goes too
BAND = ["lo"] + ["hi"] * 2 + [""] * 2 + ["mid"] * 10 + [""] * 10  # 1, 2 and 10: one group left
TEAM = ["t1"] + ["t2"] * 2 + ["t3"] * 22  # not personal: the report's rule, nothing left out


def like(i: int) -> str:
    return "Yes" if i % 3 == 0 else "No"


def late(i: int) -> str:
    return "Yes" if i % 2 else "No"


LATE = {i for i in range(N) if i < 9 or i >= 15}  # Delta (5-14): only 5, 6, 7, 8 answered, fewer than 5


@pytest.fixture
def small(tmp_path: Path) -> Study:
    rows = ["id,group,site,band,team,like,late,score"] + [
        f"r{i},{GROUP[i]},{SITE[i]},{BAND[i]},{TEAM[i]},{like(i)},{late(i) if i in LATE else ''},{i}" for i in range(N)]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    study = write_study(tmp_path / "s", STUDY)
    (study.folder / "report.yaml").write_text(REPORT, encoding="utf-8")
    import_responses(study, tmp_path / "r.csv")
    return study


def shown(study: Study, by: str, *questions: str) -> Results:
    return study_results(study, None, by=by, questions=list(questions), gate=gate_for(study))


def block(results: Results, title: str) -> tuple[tuple[str, ...], list[tuple[str, ...]], str]:
    found = next(s.block for s in results.tables if s.block.title == title)
    return found.header, list(found.rows), " ".join(found.notes)


def test_the_rule_leaves_out_small_groups_then_enough_people() -> None:
    one_two_ten = hidden_groups([("a", 1), ("b", 2), ("c", 10)], 5)
    assert one_two_ten.codes == {"a", "b", "c"} and (one_two_ten.small, one_two_ten.more, one_two_ten.shown) == (2, 1, 0)
    enough = hidden_groups([("a", 1), ("b", 2), ("c", 2), ("d", 10), ("e", 10), ("f", 0)], 5)
    assert enough.codes == {"a", "b", "c"} and enough.shown == 2 and enough.more == 0
    assert enough.note() == "3 groups of fewer than 5 people are not shown."
    assert hidden_groups([("a", 5), ("b", 9)], 5).codes == frozenset()  # k people or more: shown
    assert hidden_groups([("a", 1), ("b", 2), ("c", 6), ("d", 8)], 5).note() == (
        "2 groups of fewer than 5 people are not shown; 1 more group is not shown so that the people left out number "
        "at least 5 (the figures of all respondents, less the groups shown, would otherwise give them away).")


def test_a_personal_split_shows_only_groups_of_k_people_or_more(small: Study) -> None:
    results = shown(small, "group", "like", "score")
    assert results.withheld is None and results.personal_k == 5
    header, rows, notes = block(results, "Do you like it? by Group")
    assert not any(h.startswith(("Alpha", "Beta", "Gamma")) for h in header)
    assert [h.split(" ")[0] for h in header[1:]] == ["Delta", "Delta", "Epsilon", "Epsilon", "Total", "Total"]
    delta, epsilon = range(5, 15), range(15, 25)
    yes = [sum(like(i) == "Yes" for i in people) for people in (delta, epsilon, range(N))]
    assert yes == [3, 4, 9]
    assert rows == [("Yes", "3", "30.0%", "4", "40.0%", "9", "36.0%"), ("No", "7", "70.0%", "6", "60.0%", "16", "64.0%")]
    assert "Bases: Delta 10, Epsilon 10; total 25." in notes and "with no value of" not in notes
    assert "3 groups of fewer than 5 people are not shown." in notes
    assert "the test compares the groups shown" in notes
    chi2 = stats.chi2_contingency([[3, 4], [7, 6]], correction=False)[0]  # scipy: Delta against Epsilon only
    assert f"χ²(1) = {chi2:.2f}" in notes
    chart = next(s.chart for s in results.tables if s.block.title == "Do you like it? by Group")
    assert chart is not None and "Delta" in chart.alt and "Alpha" not in chart.alt and "Beta" not in chart.svg


def test_numbers_by_a_personal_split_leave_the_small_groups_out_of_the_total_and_the_test(small: Study) -> None:
    header, rows, notes = block(shown(small, "group", "score"), "Score by Group")
    assert header == ("Score", "Delta", "Epsilon", "Total")
    shown_values = list(range(5, 25))  # the score is the respondent's number: Delta 5-14, Epsilon 15-24
    assert rows[0] == ("n", "10", "10", "20")
    assert rows[1][3] == f"{np.mean(shown_values):.1f} ({np.std(shown_values, ddof=1):.1f})"
    assert not any(r[0] == "Min–max" for r in rows)  # one respondent's value each
    welch = stats.ttest_ind(range(5, 15), range(15, 25), equal_var=False)  # scipy, over the groups shown
    assert f"= {welch.statistic:.2f}" in notes.replace("−", "-")
    assert "3 groups of fewer than 5 people are not shown. The total and the test leave out the groups not shown." in notes


def test_complementary_suppression_and_a_table_with_few_answers(small: Study) -> None:
    header, rows, notes = block(shown(small, "site", "like"), "Do you like it? by Site")
    assert [h.split(" ")[1] for h in header[1:5]] == ["4", "4", "5", "5"]  # Site 1, 2 and 3 are left out
    assert rows[0][1] == str(sum(like(i) == "Yes" for i in range(9, 17)))
    assert "2 groups of fewer than 5 people are not shown; 1 more group is not shown" in notes
    header, rows, notes = block(shown(small, "group", "late"), "Asked late by Group")
    assert [h.split(" ")[0] for h in header[1:]] == ["Epsilon", "Epsilon", "Total", "Total"]  # 4 of Delta answered
    assert "In this table 1 more group is not shown: fewer than 5 of their people answered it" in notes
    assert "respondent(s) with no value" not in notes and "the test compares" not in notes  # one group: no test


def test_a_split_with_fewer_than_two_groups_left_is_withheld(small: Study) -> None:
    results = shown(small, "band")
    assert results.tables == () and results.withheld is not None
    assert results.withheld.startswith("The tables are not shown by band: fewer than two of its groups have at least 5")


def test_a_split_that_is_not_personal_follows_the_reports_rule(small: Study) -> None:
    results = shown(small, "team", "like")
    header, rows, notes = block(results, "Do you like it? by Team")
    assert results.personal_k is None and "Team 1 n" in header and rows[0][1] == "1"
    assert "not shown" not in notes


def test_the_csv_is_what_the_page_shows(small: Study) -> None:
    study = small
    results = shown(study, "group", "like")
    text = results_csv(results, gate_for(study))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Small groups"] and rows[1] == ["Split by", "Group"]
    at = rows.index(["Do you like it? by Group"])
    assert rows[at + 2] == ["Yes", "3", "30.0%", "4", "40.0%", "9", "36.0%"]
    assert "Alpha" not in text and "Beta" not in text and "Gamma" not in text
    assert any("3 groups of fewer than 5 people are not shown." in r[0] for r in rows if r)
