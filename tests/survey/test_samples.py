"""Real exports of other tools (../shared/reference/samples, see SOURCES.md there) import, or fail clearly."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from learnervoice.errors import InvalidResponsesError
from learnervoice.survey.importer import import_responses

from ..conftest import write_study


def _rows(study, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    con = duckdb.connect(str(study.store_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


QUALTRICS_STUDY = """
title: Qualtrics sample
consent: yes
questions:
  - id: q1
    text: This is a multiple choice question.
    type: single
    options: [{code: "1", label: Click to write Choice 1}, {code: "2", label: Click to write Choice 2}]
  - id: q2
    text: This is a free text question.
    type: text
"""


def test_qualtrics_three_header_rows(tmp_path: Path, samples: Path) -> None:
    study = write_study(tmp_path / "s", QUALTRICS_STUDY)
    report = import_responses(study, samples / "qualtrics_sample.csv")
    assert report.format == "qualtrics" and report.rows == 1
    assert report.mapping.respondent_id == "ResponseId"
    assert _rows(study, "SELECT respondent_id, q1, q2 FROM responses") == [("R_2YPOQ602ER1jkf1", "2", "Hello World!")]


def test_qualtrics_legacy_header_bom_and_trailing_comma(tmp_path: Path, samples: Path) -> None:
    study = write_study(tmp_path / "s", QUALTRICS_STUDY)
    report = import_responses(study, samples / "qualtrics_sample_legacy.csv")
    assert report.format == "qualtrics" and report.rows == 1
    assert report.mapping.respondent_id == "ResponseID"  # V1, named by the legacy label row
    assert _rows(study, "SELECT respondent_id, q1, q2 FROM responses") == [("R_2YPOQ602ER1jkf1", "2", "Hello World!")]


LIMESURVEY_STUDY = """
title: LimeSurvey sample
consent: yes
questions:
  - id: gender
    text: How do you identify?
    type: single
    options:
      - {code: man, label: Man}
      - {code: woman, label: Woman}
      - {code: other, label: Other, aliases: ["-oth-"]}
  - id: gender_other
    text: Other gender, in their words
    type: text
    source: How do you identify? [Other]
  - id: age
    text: How old are you?
    type: numeric
    min: 0
    max: 120
  - id: education
    text: Which educations have you ever done or seem kind of interesting maybe later, when you have time?
    type: multiple
    options:
      - {code: primary, label: Primary School}
      - {code: secondary, label: Secondary School}
      - {code: tertiary, label: Tertairy School}
      - {code: quartiary, label: Quartiary School}
"""


def test_limesurvey_subquestion_and_other_columns(tmp_path: Path, samples: Path) -> None:
    study = write_study(tmp_path / "s", LIMESURVEY_STUDY)
    report = import_responses(study, samples / "limesurvey_survey_998192_R_data_file.csv")
    assert report.format == "limesurvey" and report.rows == 7  # 7 records; one answer spans two lines
    assert report.mapping.respondent_id == "Response ID"
    assert report.mapping.questions["education"].option_columns["primary"].endswith("[Primary School]")
    rows = dict(
        (r[0], r[1:])
        for r in _rows(study, "SELECT respondent_id, gender, gender_other, age, education__tertiary FROM responses")
    )
    assert rows["4"] == ("man", None, 66.0, True)
    assert rows["5"] == ("other", "4444", 44.0, False)
    assert rows["6"] == (None, None, None, None)  # nothing ticked: missing, as in SPSS


def test_limesurvey_structure_file_is_not_responses(tmp_path: Path, samples: Path) -> None:
    """The survey-structure TSV describes questions, it holds no answers: refused, naming what is missing."""
    study = write_study(tmp_path / "s", LIMESURVEY_STUDY)
    with pytest.raises(InvalidResponsesError) as err:
        import_responses(study, samples / "limesurvey_structure_one_multichoice.tsv.txt")
    assert "no column answers question 'gender'" in str(err.value)
    assert not study.store_path.exists()


def test_limesurvey_r_syntax_file_is_not_responses(tmp_path: Path, samples: Path) -> None:
    """The R syntax file that comes with a LimeSurvey export is a script: refused, naming what is missing."""
    study = write_study(tmp_path / "s", LIMESURVEY_STUDY)
    with pytest.raises(InvalidResponsesError) as err:
        import_responses(study, samples / "limesurvey_survey_998192_R_syntax_file.R")
    assert "limesurvey_survey_998192_R_syntax_file.R" in str(err.value)
    assert not study.store_path.exists()


SPSS_STUDY = """
title: SPSS sample
consent: yes
questions:
  - id: x
    text: Numeric variable with value labels
    type: single
    options: [{code: r, label: red}, {code: g, label: green}, {code: b, label: blue}]
  - id: z
    text: Numberic variable with missing value range
    type: numeric
  - id: mymrset
    text: My multiple response set
    type: multiple
    options: [{code: one, label: "Response #1"}, {code: two, label: "Response #2"}, {code: three, label: "Response #3"}]
  - id: categorical_array
    text: A category set
    type: multiple
    options: [{code: a, label: a}, {code: b, label: b}, {code: c, label: c}, {code: d, label: d}]
"""


def test_spss_value_labels_user_missing_and_mr_sets(tmp_path: Path, samples: Path) -> None:
    study = write_study(tmp_path / "s", SPSS_STUDY)
    # x holds 4, 8 and 9, which have no label: 8 is user-missing, 4 and 9 are unknown codes
    with pytest.raises(InvalidResponsesError) as err:
        import_responses(study, samples / "spss_simple_alltypes_mrsets.sav")
    text = str(err.value)
    assert "row 5, column 'x': found '4'" in text and "found '9'" in text and "found '8'" not in text
    report = import_responses(
        study, samples / "spss_simple_alltypes_mrsets.sav", mapping={"questions": {"x": {"column": "x", "values": {"4": "b", "9": "b"}}}}
    )
    assert report.rows == 6
    assert report.mapping.questions["mymrset"].counted_value == "1"
    rows = _rows(study, "SELECT x, z, mymrset__one, mymrset__three, categorical_array__d FROM responses ORDER BY _source, respondent_id")
    z_values = sorted((r[1] for r in rows), key=lambda v: (v is None, v))
    assert z_values[:2] == [1.234, 3.14159] and z_values[2:] == [None] * 4  # -9 and 999 are user-missing
    assert sum(bool(r[2]) for r in rows) == 3  # bool1 holds the counted value 1 three times
    assert all(r[3] is False or r[3] is None for r in rows)


def test_spss_non_latin_variable_name(tmp_path: Path, samples: Path) -> None:
    study = write_study(
        tmp_path / "s",
        "title: t\nconsent: c\nquestions:\n  - {id: seniority, text: Seniority, type: numeric, source: ותק_ב}\n",
    )
    assert import_responses(study, samples / "spss_hebrews.sav").rows == 99
    assert _rows(study, "SELECT count(seniority), max(seniority) FROM responses")[0][0] == 99
