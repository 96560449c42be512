"""Qualtrics exports (3 header rows with ImportIds, legacy 2 rows, CSV and XLSX), with and without the .qsf."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from learnervoice.study.model import Grid, Likert, MultipleResponse, Numeric, OpenText, Ranking, SingleChoice
from learnervoice.survey.instrument import init_from

from .helpers import DATA, init_and_import, label, rows

PERSONAL = {"IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "LocationLatitude",
            "LocationLongitude"}


def test_three_header_rows_without_definition(tmp_path: Path, samples: Path) -> None:
    export = samples / "qualtrics_sample.csv"
    report, study = init_and_import(tmp_path / "s", export)
    source = study.config.responses[0]
    assert source.respondent_id == "ResponseId" and source.header_rows == 3
    assert PERSONAL | {"StartDate", "Finished", "Q2 - Topics"} <= set(source.ignore_columns)
    assert not any(c in q.columns() for q in report.draft.questions for c in PERSONAL)
    assert isinstance(study.config.question("q2"), OpenText)  # its ImportId is QID2_TEXT
    assert study.config.question("q1").text == "This is a multiple choice question."  # row 2
    stored = rows(study)
    assert len(stored) == len(pd.read_csv(export, skiprows=[1, 2])) == 1
    assert (stored[0]["respondent_id"], stored[0]["q1"], stored[0]["q2"]) == ("R_2YPOQ602ER1jkf1", 2.0, "Hello World!")
    text = report.path.read_text(encoding="utf-8")
    assert "    # filter:\n    #   - {column: Finished, is: [\"1\"]}" in text


def test_legacy_two_header_rows(tmp_path: Path, samples: Path) -> None:
    export = samples / "qualtrics_sample_legacy.csv"
    _, study = init_and_import(tmp_path / "s", export)
    source = study.config.responses[0]
    assert source.respondent_id == "ResponseID" and source.header_rows == 2
    assert {"Name", "EmailAddress", "IPAddress"} <= set(source.ignore_columns)  # personal, never questions
    assert len(rows(study)) == len(pd.read_csv(export, skiprows=[0], encoding="utf-8-sig")) == 1


def test_definition_with_recode_values_and_a_text_entry_choice(tmp_path: Path) -> None:
    export = DATA / "qualtrics_single_answer_mc_legacy.csv"
    report, study = init_and_import(tmp_path / "s", DATA / "qualtrics_single_answer_mc.qsf", export)
    assert study.config.title == "Single Answer MC Questions"
    q4 = study.config.question("q4")  # QID5: custom recode values
    assert isinstance(q4, SingleChoice) and [o.code for o in q4.options] == ["10", "11", "12"]
    other = study.config.question("mc_question_five_2_text")
    assert isinstance(other, OpenText) and other.source == "mc_question_five_TEXT"
    frame = pd.read_csv(export, skiprows=[0], encoding="utf-8-sig", dtype=str, index_col=False)
    stored = rows(study)
    assert len(stored) == len(frame) == 5
    texts = frame["Click to write the question text This question has custom RecodeValues"]
    assert [r["q4"] for r in stored] == list(texts)  # recode values, as exported
    assert label(study, "q4", stored[0]["q4"]) == "Click to write Statement 3"  # 12 is the third choice
    assert "LocationAccuracy" in study.config.responses[0].ignore_columns


def test_multiple_answer_questions_from_the_definition(tmp_path: Path) -> None:
    export = DATA / "qualtrics_multiple_answer_mc_legacy.csv"
    _, study = init_and_import(tmp_path / "s", DATA / "qualtrics_multiple_answer_mc.qsf", export)
    q2 = study.config.question("q2")
    assert isinstance(q2, MultipleResponse) and len(q2.options) == 3
    mapping = study.config.responses[0].mapping
    assert mapping is not None and mapping.questions["q2"].columns == {"1": "Q2_1", "2": "Q2_2", "3": "Q2_3"}  # type: ignore[union-attr]
    frame = pd.read_csv(export, skiprows=[0], encoding="utf-8-sig", dtype=str, index_col=False, keep_default_na=False)
    stored = rows(study)
    assert len(stored) == len(frame)
    labels = [f"Click to write the question text-Click to write Statement {i}" for i in (1, 2, 3)]
    for stored_row, (_, row) in zip(stored, frame.iterrows()):
        ticks = [row[c] == "1" for c in labels]
        assert [stored_row[f"q2__{i}"] for i in (1, 2, 3)] == (ticks if any(ticks) else [None] * 3)


def test_display_logic_becomes_ask_if_when_simple(tmp_path: Path) -> None:
    export = DATA / "qualtrics_many_types_legacy.csv"
    report, study = init_and_import(tmp_path / "s", DATA / "qualtrics_many_types.qsf", export)
    q36 = study.config.question("q36")
    assert q36.ask_if is not None and (q36.ask_if.question, q36.ask_if.any_of) == ("fruits", ("1",))
    text = report.path.read_text(encoding="utf-8")
    assert "Qualtrics display logic not carried over (only 'choice is selected' is)" in text
    assert "# QID44 (Matrix Likert MultipleAnswer with 3 sub-questions): grid questions are not supported yet" in text
    assert isinstance(study.config.question("q5_1"), Numeric)  # a slider item
    q3 = study.config.question("q3")  # a single-answer matrix: one grid, a column per statement
    assert isinstance(q3, Grid) and [(i.id, i.text) for i in q3.items][0] == ("oranges", "Oranges")
    assert [o.label for o in q3.options] == ["Like", "Neither like nor dislike", "Dislike"]
    assert next(x for x in report.draft.questions if x.id == "q3").option_columns == {"oranges": "Q3_1", "blueberries": "Q3_2", "strawberries": "Q3_3"}
    frame = pd.read_csv(export, skiprows=[0], encoding="utf-8-sig", dtype=str, index_col=False)
    assert len(rows(study)) == len(frame) == 5
    assert "20 question(s) in its trash left out" in text


def test_logic_on_a_device_is_only_noted(tmp_path: Path) -> None:
    report, study = init_and_import(tmp_path / "s", DATA / "qualtrics_survey_logic.qsf",
                                    DATA / "qualtrics_survey_logic_legacy.csv")
    assert all(q.ask_if is None for q in study.config.questions)
    assert "Is Displayed" in report.path.read_text(encoding="utf-8")
    assert len(rows(study)) == 10


def test_definition_alone_names_columns_by_export_tag(tmp_path: Path) -> None:
    report = init_from(tmp_path / "s", [DATA / "qualtrics_multiple_answer_mc.qsf"])
    text = report.path.read_text(encoding="utf-8")
    assert "responses: []" in text and "No response file was given" in text
    assert {q.id for q in report.draft.questions} >= {"q2", "q3", "q4", "q5", "mc_question_five"}


def test_insights_export_with_python_dict_import_ids(tmp_path: Path) -> None:
    export = DATA / "qualtrics_single_answer_mc_insights.csv"
    report = init_from(tmp_path / "s", [DATA / "qualtrics_single_answer_mc.qsf", export])
    assert report.draft.header_rows == 3 and report.draft.respondent_id == "ResponseID"
    assert {q.id for q in report.draft.questions} >= {"q2", "q4", "q3", "q5", "mc_question_five"}
    _, study = init_and_import(tmp_path / "t", DATA / "qualtrics_single_answer_mc.qsf", export)
    assert len(rows(study)) == len(pd.read_csv(export, skiprows=[1, 2])) == 5


def _qualtrics_xlsx(path: Path, samples: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    with (samples / "qualtrics_sample.csv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            wb.active.append(row)
    wb.save(path)
    return path


def test_xlsx_export_with_three_header_rows(tmp_path: Path, samples: Path) -> None:
    """A Qualtrics XLSX export: the same three header rows as the CSV (made here from the real CSV sample)."""
    export = _qualtrics_xlsx(tmp_path / "export.xlsx", samples)
    report = init_from(tmp_path / "s", [export])
    assert report.draft.header_rows == 3 and report.draft.respondent_id == "ResponseId"
    assert isinstance(init_and_import(tmp_path / "t", export)[1].config.question("q2"), OpenText)
    _, study = init_and_import(tmp_path / "u", export)
    assert len(rows(study)) == 1


def test_likert_from_a_scale_of_choices(tmp_path: Path) -> None:
    from learnervoice.survey.instrument.qsf import Choice, QsfQuestion
    from learnervoice.survey.instrument.qualtrics import Layout, _from_definition, _QuestionColumns
    from learnervoice.survey.instrument.draft import Draft, Ids

    labels = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    q = QsfQuestion("QID9", "Q9", "MC", "SAVR", "TX", "The course met my needs",
                    [Choice(str(i), lab, str(i)) for i, lab in enumerate(labels, 1)])
    draft = Draft("t", [])
    _from_definition(draft, q, _QuestionColumns(["Q9"], Layout(2)), Ids())
    assert draft.questions[0].type == "likert" and draft.questions[0].column == "Q9"
    assert Likert  # the model the type names


def test_an_export_with_choice_text(tmp_path: Path) -> None:
    """The real legacy export rewritten as Qualtrics' 'use choice text' export writes it: each choice's text."""
    from learnervoice.survey.instrument.qsf import read_qsf

    qsf = read_qsf(DATA / "qualtrics_single_answer_mc.qsf")
    texts = {q.tag: {c.recode: c.label for c in q.choices} for q in qsf.questions}
    with (DATA / "qualtrics_single_answer_mc_legacy.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    for row in table[2:]:
        for i, name in enumerate(table[0]):
            if name in texts and row[i]:
                row[i] = texts[name][row[i]]
    export = tmp_path / "choice_text.csv"
    with export.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(table)
    _, study = init_and_import(tmp_path / "s", DATA / "qualtrics_single_answer_mc.qsf", export)
    stored = rows(study)
    assert len(stored) == len(table) - 2 == 5
    assert [label(study, "q4", r["q4"]) for r in stored] == [row[table[0].index("Q4")] for row in table[2:]]
    assert [o.code for o in study.config.question("q4").options] == ["10", "11", "12"]  # type: ignore[union-attr]


def test_one_text_column_is_one_text_question(tmp_path: Path) -> None:
    """QualtricsTools' Long_Exhaustive_Sample_Survey: Q7 (single answer) has three text-entry choices and one
    ``Q7_TEXT`` column: one text question reads it, not three copies; the 300-column export imports."""
    stem = "qualtrics_long_exhaustive"
    report, study = init_and_import(tmp_path / "s", DATA / f"{stem}.qsf", DATA / f"{stem}_legacy.csv")
    assert len(rows(study)) == len(pd.read_csv(DATA / f"{stem}_legacy.csv", skiprows=[1, 2]))  # names, text, ImportId
    sources = [c for x in report.draft.questions for c in x.columns()]
    assert len(sources) == len(set(sources)), "a column is read by two questions"
    readers = [x for x in report.draft.questions if "Q7_TEXT" in x.columns()]
    assert [(x.id, x.type) for x in readers] == [("q7_text", "text")]
    assert "Q16_-2_TEXT" in sources  # a multiple answer's own text column is still read


def test_text_entry_columns_each_read_once(tmp_path: Path) -> None:
    """QualtricsTools' Questions_with_Text_Entry_Components: ``MSCA_multi_text_TEXT`` is one text question;
    the multiple answer's ``MCMA_text_1_TEXT`` and ``_2_TEXT`` are one each; every text imports as it is."""
    stem = "qualtrics_text_entry_components"
    report, study = init_and_import(tmp_path / "s", DATA / f"{stem}.qsf", DATA / f"{stem}_legacy.csv")
    sources = [c for x in report.draft.questions for c in x.columns()]
    assert len(sources) == len(set(sources)), "a column is read by two questions"
    frame = pd.read_csv(DATA / f"{stem}_legacy.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["ResponseID"].str.startswith("R_")]
    stored = rows(study)
    for column in ("MSCA_multi_text_TEXT", "MCMA_text_1_TEXT", "MCMA_text_2_TEXT"):
        (reader,) = [x for x in report.draft.questions if column in x.columns()]
        assert reader.type == "text"
        assert [r[reader.id] or "" for r in stored] == list(frame[column]), column


def test_rank_order_and_a_scale_matrix(tmp_path: Path) -> None:
    """A rank-order question (RO) becomes a ranking whose Q6_1.. columns hold each choice's rank; a Likert matrix a grid."""
    import json

    def sq(qid: str, tag: str, kind: str, selector: str, text: str, choices: list[str], answers: list[str] = (),
           sub: str = "") -> dict:  # type: ignore[assignment]
        payload = {"QuestionID": qid, "DataExportTag": tag, "QuestionType": kind, "Selector": selector,
                   "SubSelector": sub, "QuestionText": text,
                   "Choices": {str(i): {"Display": c} for i, c in enumerate(choices, 1)},
                   "ChoiceOrder": list(range(1, len(choices) + 1))}
        if answers:
            payload |= {"Answers": {str(i): {"Display": a} for i, a in enumerate(answers, 1)},
                        "AnswerOrder": list(range(1, len(answers) + 1))}
        return {"Element": "SQ", "PrimaryAttribute": qid, "Payload": payload}

    qsf = {"SurveyEntry": {"SurveyName": "Exit survey", "SurveyLanguage": "EN"}, "SurveyElements": [
        {"Element": "BL", "Payload": [{"Type": "Default", "BlockElements": [
            {"Type": "Question", "QuestionID": "QID5"}, {"Type": "Question", "QuestionID": "QID6"}]}]},
        sq("QID5", "Q5", "Matrix", "Likert", "How important is each?", ["Price", "Length"],
           ["Not at all important", "Slightly important", "Very important", "Extremely important"], "SingleAnswer"),
        sq("QID6", "Q6", "RO", "DND", "Rank these courses", ["Alpha", "Beta", "Gamma"]),
    ]}
    (tmp_path / "exit.qsf").write_text(json.dumps(qsf), encoding="utf-8")
    (tmp_path / "exit.csv").write_text(
        "ResponseId,Q5_1,Q5_2,Q6_1,Q6_2,Q6_3\n"
        "Response ID,How important is each? - Price,How important is each? - Length,Rank these courses - Alpha,"
        "Rank these courses - Beta,Rank these courses - Gamma\n"
        '"{""ImportId"":""_recordId""}","{""ImportId"":""QID5_1""}","{""ImportId"":""QID5_2""}",'
        '"{""ImportId"":""QID6_1""}","{""ImportId"":""QID6_2""}","{""ImportId"":""QID6_3""}"\n'
        "R_1,1,4,2,1,3\nR_2,3,3,1,3,2\n", encoding="utf-8")
    report, study = init_and_import(tmp_path / "s", tmp_path / "exit.qsf", tmp_path / "exit.csv")
    grid, ranking = study.config.question("q5"), study.config.question("q6")
    assert isinstance(grid, Grid) and [i.text for i in grid.items] == ["Price", "Length"]
    assert isinstance(ranking, Ranking) and [o.label for o in ranking.options] == ["Alpha", "Beta", "Gamma"]
    stored = {r["respondent_id"]: r for r in rows(study)}
    assert (stored["R_1"]["q6__1"], stored["R_1"]["q6__2"], stored["R_2"]["q6__2"]) == (2, 1, 3)
    assert [stored[r]["q5__price"] for r in ("R_1", "R_2")] == ["1", "3"]
