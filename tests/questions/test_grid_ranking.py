"""Grids and rankings: the study.yaml models, import from each tool's column layout, bad cells, web answers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from learnervoice.errors import InvalidResponsesError, StudyError
from learnervoice.questions import question_type
from learnervoice.study.load import Study
from learnervoice.study.model import Grid, Ranking
from learnervoice.study.types import AnswerProblem
from learnervoice.survey.importer import import_responses

from ..conftest import write_study

SCALE = """    options:
      - {code: "1", label: Not at all}
      - {code: "2", label: Slightly}
      - {code: "3", label: Moderately}
      - {code: "4", label: Very}
      - {code: "5", label: Extremely}
"""
STUDY = f"""
title: Grids
consent: I agree.
questions:
  - id: imp
    text: How important is each?
    type: grid
    items: [{{id: cert, text: A certificate}}, {{id: price, text: The price}}, {{id: flex, text: Flexibility}}]
{SCALE}  - id: fav
    text: Rank these courses
    type: ranking
    options: [{{code: a, label: Alpha}}, {{code: b, label: Beta}}, {{code: c, label: Gamma}}, {{code: d, label: Delta}}]
"""


def _study(tmp_path: Path, text: str = STUDY, **replace: str) -> Study:
    for old, new in replace.items():
        text = text.replace(old, new)
    return write_study(tmp_path / "s", text)


def _stored(study: Study, columns: str) -> list[tuple]:  # type: ignore[type-arg]
    con = duckdb.connect(str(study.store_path), read_only=True)
    try:
        return con.execute(f"SELECT {columns} FROM responses ORDER BY _row").fetchall()
    finally:
        con.close()


def _refused(study: Study, path: Path, *fragments: str) -> str:
    with pytest.raises(InvalidResponsesError) as err:
        import_responses(study, path)
    message = str(err.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


# --- the models ---------------------------------------------------------------------------------


def test_models_and_their_checks(tmp_path: Path) -> None:
    study = _study(tmp_path)
    grid, ranking = study.config.questions
    assert isinstance(grid, Grid) and grid.sort == "as_listed" and [i.id for i in grid.items] == ["cert", "price", "flex"]
    assert grid.scores() == {"1": 1.0, "2": 2.0, "3": 3.0, "4": 4.0, "5": 5.0}
    assert isinstance(ranking, Ranking) and ranking.rank_count == 4
    with pytest.raises(StudyError, match="item ids must be unique"):
        _study(tmp_path, **{"{id: flex, text: Flexibility}": "{id: cert, text: Again}"})
    with pytest.raises(StudyError, match="asks for 5 ranks but has 4 options"):
        _study(tmp_path, **{"type: ranking": "type: ranking\n    ranks: 5"})
    with pytest.raises(StudyError, match="sort"):
        _study(tmp_path, **{"type: grid": "type: grid\n    sort: median"})


def test_scores_of_a_scale_with_words_for_codes() -> None:
    grid = Grid(id="g", text="G", type="grid", items=({"id": "x", "text": "X"},),  # type: ignore[arg-type]
                options=({"code": "low", "label": "Low"}, {"code": "high", "label": "High"}))  # type: ignore[arg-type]
    assert grid.scores() == {"low": 1.0, "high": 2.0}


# --- import: each tool's layout -------------------------------------------------------------------


def test_qualtrics_matrix_and_rank_order(tmp_path: Path) -> None:
    """Qualtrics: Q5_1.. one column per item holding the point; Q6_1.. one column per option holding its rank."""
    study = _study(tmp_path, **{"type: grid": "type: grid\n    source: Q5", "type: ranking": "type: ranking\n    source: Q6"})
    (tmp_path / "r.csv").write_text(
        "ResponseId,Q5_1,Q5_2,Q5_3,Q6_1,Q6_2,Q6_3,Q6_4\n"
        "r1,5,3,Very,2,1,,\n"
        "r2,4,,1,1,2,3,4\n"
        "r3,,,,,,,\n", encoding="utf-8")
    report = import_responses(study, tmp_path / "r.csv")
    assert report.mapping.questions["imp"].option_columns == {"cert": "Q5_1", "price": "Q5_2", "flex": "Q5_3"}
    assert _stored(study, "imp__cert, imp__price, imp__flex, fav__a, fav__b, fav__c, fav__d") == [
        ("5", "3", "4", 2, 1, None, None), ("4", None, "1", 1, 2, 3, 4), (None, None, None, None, None, None, None)]


def test_qualtrics_label_row_finds_the_items(tmp_path: Path) -> None:
    """With Qualtrics' three header rows, the label row 'Question - Item' ties each column to its item."""
    study = _study(tmp_path)
    (tmp_path / "r.csv").write_text(
        "ResponseId,Q5_1,Q5_2,Q5_3\n"
        "Response ID,How important is each? - A certificate,How important is each? - The price,"
        "How important is each? - Flexibility\n"
        '"{""ImportId"":""_recordId""}","{""ImportId"":""QID5_1""}","{""ImportId"":""QID5_2""}",'
        '"{""ImportId"":""QID5_3""}"\n'
        "R_1,5,4,3\n", encoding="utf-8")
    study = _study(tmp_path, **{"  - id: fav": "  - id: fav_unused", "type: ranking": "type: text", "    options: [{code: a": "    #"})
    report = import_responses(study, tmp_path / "r.csv", mapping={"questions": {"fav_unused": "Q5_1"}})
    assert report.mapping.questions["imp"].option_columns == {"cert": "Q5_1", "price": "Q5_2", "flex": "Q5_3"}
    assert _stored(study, "imp__cert, imp__price, imp__flex") == [("5", "4", "3")]


def test_limesurvey_array_and_ranking(tmp_path: Path) -> None:
    """LimeSurvey: Q5[SQ001].. per item; Q6[1].. one column per *rank* holding the option's code or label."""
    study = _study(tmp_path, **{"type: grid": "type: grid\n    source: Q5", "type: ranking": "type: ranking\n    source: Q6"})
    (tmp_path / "r.csv").write_text(
        "id,Q5[SQ001],Q5[SQ002],Q5[SQ003],Q6[1],Q6[2],Q6[3],Q6[4]\n"
        "1,1,2,3,c,Alpha,,\n"
        "2,5,5,5,d,c,b,a\n", encoding="utf-8")
    report = import_responses(study, tmp_path / "r.csv")
    assert report.mapping.questions["fav"].category_columns == ("Q6[1]", "Q6[2]", "Q6[3]", "Q6[4]")
    assert _stored(study, "imp__cert, imp__flex, fav__a, fav__b, fav__c, fav__d") == [
        ("1", "3", 2, None, 1, None), ("5", "5", 4, 3, 2, 1)]


def test_kobo_groups_and_rank_in_one_cell(tmp_path: Path) -> None:
    """KoboToolbox: group/item columns; its rank question writes the codes in order in one cell."""
    study = _study(tmp_path)
    (tmp_path / "r.csv").write_text(
        "_uuid,imp/cert,imp/price,imp/flex,fav\n"
        "u1,2,3,4,b d\n"
        "u2,1,1,1,\n", encoding="utf-8")
    import_responses(study, tmp_path / "r.csv")
    assert _stored(study, "imp__price, fav__a, fav__b, fav__c, fav__d") == [("3", None, 1, None, 2),
                                                                          ("1", None, None, None, None)]


def test_declared_item_columns(tmp_path: Path) -> None:
    """study.yaml may name each item's column (`source:` of the item) or the columns in the file's mapping."""
    study = _study(tmp_path, **{"{id: cert, text: A certificate}": "{id: cert, text: A certificate, source: certificate?}",
                                "{id: price, text: The price}": "{id: price, text: The price, source: cost}",
                                "{id: flex, text: Flexibility}": "{id: flex, text: Flexibility, source: flexible}"})
    (tmp_path / "r.csv").write_text("id,certificate?,cost,flexible,first,second\n1,1,2,3,Beta,Gamma\n", encoding="utf-8")
    import_responses(study, tmp_path / "r.csv", mapping={"questions": {"fav": {"category_columns": ["first", "second"]}}})
    assert _stored(study, "imp__cert, imp__price, imp__flex, fav__b, fav__c") == [("1", "2", "3", 1, 2)]


def test_limesurvey_sample_with_texts_as_headings(tmp_path: Path, samples: Path) -> None:
    """The real LimeSurvey export (full texts as headings): an array 'Describe yourselves [Openness]' and a ranking
    'What are the best movies … [Rank 1]' holding option codes."""
    points = "".join(f'      - {{code: "{i}", label: "{i}"}}\n' for i in range(1, 8))
    study = write_study(tmp_path / "ls", f"""
title: LimeSurvey sample
consent: yes
questions:
  - id: big5
    text: Describe yourselves
    type: grid
    items:
      - {{id: open, text: Openness}}
      - {{id: consc, text: Conscientiousness}}
      - {{id: extra, text: Extraversion}}
      - {{id: agree, text: Agreeableness}}
      - {{id: stable, text: Emotional Stability}}
    options:
{points}  - id: movies
    text: What are the best movies you have ever seen?  Please order de movies from awesome to crappy.
    type: ranking
    options:
      - {{code: tita, label: Titanic}}
      - {{code: west, label: How the west was won}}
      - {{code: star, label: Startrek 2016}}
      - {{code: lion, label: The lion king}}
      - {{code: it, label: It}}
""")
    import_responses(study, samples / "limesurvey_survey_998192_R_data_file.csv",
                     settings={"ignore_columns": ["*"]})
    rows = _stored(study, "big5__open, big5__stable, movies__west, movies__tita, movies__it")
    assert ("3", "3", None, None, None) in rows and ("1", "4", 3, 1, 5) in rows
    assert (None, None, 1, 5, 3) in rows  # the first respondent ranked How the west was won first, Titanic last


# --- bad cells ------------------------------------------------------------------------------------


def test_a_rank_out_of_range_or_given_twice(tmp_path: Path) -> None:
    study = _study(tmp_path, **{"type: grid": "type: grid\n    source: Q5", "type: ranking": "type: ranking\n    source: Q6"})
    (tmp_path / "r.csv").write_text(
        "ResponseId,Q5_1,Q5_2,Q5_3,Q6_1,Q6_2,Q6_3,Q6_4\n"
        "r1,5,3,4,1,5,,\n"
        "r2,4,4,4,2,2,1,\n"
        "r3,4,4,9,1.5,,,\n", encoding="utf-8")
    _refused(study, tmp_path / "r.csv",
             "r.csv, row 2, column 'Q6_2': found '5'; a rank from 1 to 4",
             "row 3, column 'Q6_2': found '2'; a rank not already given to 'a'",
             "row 4, column 'Q6_1': found '1.5'; a rank from 1 to 4",
             "row 4, column 'Q5_3': found '9'; one of 1 (Not at all)")
    assert not study.store_path.exists() or _stored(study, "count(*)") == [(0,)]


def test_an_option_ranked_twice_in_limesurvey(tmp_path: Path) -> None:
    study = _study(tmp_path, **{"type: grid": "type: grid\n    source: Q5", "type: ranking": "type: ranking\n    source: Q6"})
    (tmp_path / "r.csv").write_text(
        "id,Q5[SQ001],Q5[SQ002],Q5[SQ003],Q6[1],Q6[2],Q6[3],Q6[4]\n"
        "1,1,2,3,c,c,,\n"
        "2,1,2,3,a,Omega,,\n", encoding="utf-8")
    _refused(study, tmp_path / "r.csv", "row 2, column 'Q6[2]': found 'c'; an option not already ranked (in Q6[1])",
             "row 3, column 'Q6[2]': found 'Omega'; one of a (Alpha)")
    (tmp_path / "r.csv").write_text("id,Q5[SQ001],Q5[SQ002],Q5[SQ003],Q6[1],Q6[2],Q6[3],Q6[4]\n"
                                    "1,1,2,3,a,b,,\n2,1,2,3,Gamma,c,,\n", encoding="utf-8")  # every cell known, one clash
    _refused(study, tmp_path / "r.csv", "1 problem(s)", "row 3, column 'Q6[2]': found 'c'; an option not already ranked")


def test_a_kobo_rank_cell_that_repeats_an_option(tmp_path: Path) -> None:
    study = _study(tmp_path)
    (tmp_path / "r.csv").write_text("_uuid,imp/cert,imp/price,imp/flex,fav\nu1,2,3,4,b b\n", encoding="utf-8")
    _refused(study, tmp_path / "r.csv", "row 2, column 'fav': found 'b b'; up to 4 options in rank order, each once")


def test_an_item_without_a_column(tmp_path: Path) -> None:
    study = _study(tmp_path, **{"type: grid": "type: grid\n    source: Q5", "type: ranking": "type: ranking\n    source: Q6"})
    (tmp_path / "r.csv").write_text("id,Q5_1,Q5_2,Q6_1\n1,1,2,1\n", encoding="utf-8")
    with pytest.raises(Exception) as err:
        import_responses(study, tmp_path / "r.csv")
    assert "no column answers item 'flex' (Flexibility) of grid 'imp'" in str(err.value)


# --- the web questionnaire ------------------------------------------------------------------------


def test_web_answers(tmp_path: Path) -> None:
    grid, ranking = _study(tmp_path).config.questions
    gt, rt = question_type(grid), question_type(ranking)
    assert gt.parse_answer(grid, ["flex=4", "cert=1"], False) == ["cert=1", "flex=4"]
    assert gt.stored(grid, ["cert=1", "flex=4"]) == {"imp__cert": "1", "imp__price": None, "imp__flex": "4"}
    assert gt.parse_answer(grid, ["cert=9"], False) == AnswerProblem("option")
    assert gt.parse_answer(grid, ["cert=1", "cert=2"], False) == AnswerProblem("option")
    assert rt.from_form(["a=2", "b=", "c=1", "d="]) == ["a=2", "c=1"]
    assert rt.parse_answer(ranking, ["a=2", "c=1"], False) == ["a=2", "c=1"]
    assert rt.stored(ranking, ["a=2", "c=1"]) == {"fav__a": 2, "fav__b": None, "fav__c": 1, "fav__d": None}
    assert rt.parse_answer(ranking, ["a=1", "c=1"], False) == AnswerProblem("option")  # one rank twice
    assert rt.parse_answer(ranking, ["a=5"], False) == AnswerProblem("option")  # beyond the 4 ranks


def test_a_grid_asked_only_of_some(tmp_path: Path) -> None:
    """ask_if: an answer to any item from a respondent not asked is refused (or blanked, as the study says);
    tables keep 'not asked' apart."""
    text = STUDY.replace("questions:\n", "questions:\n  - {id: mode, text: Mode, type: single, options: "
                         "[{code: on, label: Online}, {code: off, label: Onsite}]}\n")
    text = text.replace("type: grid", "type: grid\n    source: Q5\n    ask_if: {question: mode, any_of: [on]}")
    text = text.replace("type: ranking", "type: ranking\n    source: Q6")
    study = write_study(tmp_path / "s", text)
    body = "id,mode,Q5_1,Q5_2,Q5_3,Q6_1,Q6_2,Q6_3,Q6_4\n1,on,1,2,3,,,,\n2,off,,4,,,,,\n3,off,,,,,,,\n"
    (tmp_path / "r.csv").write_text(body, encoding="utf-8")
    _refused(study, tmp_path / "r.csv", "row 3", "'imp' is asked only if 'mode' is one of ['on']")
    import_responses(study, tmp_path / "r.csv", settings={"on_inconsistent": "blank"})
    from learnervoice.stats.tables import frequency_tables

    grid = frequency_tables(study).batteries[0]
    assert [r.n for r in grid.rows] == [1, 1, 1] and grid.not_asked == 2


def test_spss_items_with_value_labels(tmp_path: Path) -> None:
    """SPSS: q5_1.. numeric variables sharing one value-label set; init --from notes they could be one grid, and a
    grid declared over them reads each value through its label."""
    import pandas as pd
    import pyreadstat

    from learnervoice.survey.instrument import init_from

    frame = pd.DataFrame({"id": [1.0, 2.0, 3.0], "q5_1": [1.0, 4.0, None], "q5_2": [2.0, 4.0, 3.0], "q5_3": [4.0, 1.0, 2.0]})
    scale = {1.0: "Never", 2.0: "Sometimes", 3.0: "Often", 4.0: "Always"}
    pyreadstat.write_sav(frame, str(tmp_path / "battery.sav"), column_labels=["id", "Reading", "Writing", "Talking"],
                         variable_value_labels={c: scale for c in ("q5_1", "q5_2", "q5_3")})
    report = init_from(tmp_path / "drafted", [tmp_path / "battery.sav"])
    assert "q5_1, q5_2, q5_3 share one scale (Never … Always): they could be one grid" in report.path.read_text(
        encoding="utf-8")
    study = write_study(tmp_path / "s", """
title: SPSS battery
consent: yes
questions:
  - id: q5
    text: How often do you…
    type: grid
    items: [{id: read, text: Reading}, {id: write, text: Writing}, {id: talk, text: Talking}]
    options: [{code: never, label: Never}, {code: sometimes, label: Sometimes}, {code: often, label: Often},
              {code: always, label: Always}]
""")
    import_responses(study, tmp_path / "battery.sav")
    assert _stored(study, "q5__read, q5__write, q5__talk") == [("never", "sometimes", "always"),
                                                                ("always", "always", "never"), (None, "often", "sometimes")]
