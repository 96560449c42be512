"""KoboToolbox: the XLSForm and its export (group paths, split select_multiple columns, _uuid)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from learnervoice.study.model import Likert, MultipleResponse, Numeric, SingleChoice
from learnervoice.survey.instrument import init_from

from .helpers import DATA, init_and_import, label, rows
from .layouts import KOBO_ANSWERS, write_kobo_export, write_xlsform


def test_xlsform_and_export(tmp_path: Path) -> None:
    export = write_kobo_export(tmp_path / "export.csv")
    report, study = init_and_import(tmp_path / "s", write_xlsform(tmp_path / "form.xlsx"), export)
    assert (study.config.title, study.config.language) == ("Learner voice pilot", "en")
    frame = pd.read_csv(export, sep=";", dtype=str, keep_default_na=False)
    stored = rows(study)
    assert len(stored) == len(frame) == len(KOBO_ANSWERS)
    assert study.config.responses[0].respondent_id == "_uuid"
    assert [r["respondent_id"] for r in stored] == list(frame["_uuid"])
    gender = study.config.question("gender")
    assert isinstance(gender, SingleChoice) and gender.source == "profile/gender" and gender.text == "Gender"
    assert [label(study, "gender", r["gender"]) for r in stored][:3] == ["Woman", "Man", "I prefer not to say"]
    assert isinstance(study.config.question("satisfied"), Likert)
    modes = study.config.question("modes")
    assert isinstance(modes, MultipleResponse) and [o.code for o in modes.options] == ["online", "onsite", "hybrid", "5"]
    assert [r["modes__5"] for r in stored] == [v == "1" for v in frame["prefs/modes/5"]]  # the option named 5 is kept
    sync = study.config.question("sync")
    assert sync.ask_if is not None and (sync.ask_if.question, sync.ask_if.any_of) == ("modes", ("online",))
    hours = study.config.question("hours")
    assert isinstance(hours, Numeric) and not hours.integer and stored[4]["hours"] == 2.25
    ignored = set(study.config.responses[0].ignore_columns)
    assert {"email", "location", "_location_latitude", "start", "_submission_time", "score", "prefs/modes"} <= ignored
    assert all("email" not in q.columns() for q in report.draft.questions)
    assert [x.name for x in report.draft.left] == ["course_date"]


def test_export_alone_groups_the_split_columns(tmp_path: Path) -> None:
    export = write_kobo_export(tmp_path / "export.csv")
    report, study = init_and_import(tmp_path / "s", export)
    modes = study.config.question("modes")
    assert isinstance(modes, MultipleResponse) and len(modes.options) == 4
    assert isinstance(study.config.question("gender"), SingleChoice)
    assert len(rows(study)) == len(KOBO_ANSWERS)
    assert "email" in study.config.responses[0].ignore_columns


def test_xlsform_alone(tmp_path: Path) -> None:
    report = init_from(tmp_path / "s", [write_xlsform(tmp_path / "form.xlsx")])
    by_id = {q.id: q for q in report.draft.questions}
    assert by_id["modes"].option_columns["online"] == "prefs/modes/online"
    assert by_id["gender"].column == "profile/gender"
    assert "responses: []" in report.path.read_text(encoding="utf-8")


def test_real_xlsform_with_a_group(tmp_path: Path) -> None:
    report = init_from(tmp_path / "s", [DATA / "xlsform_pyxform_group.xlsx"])
    by_id = {q.id: q for q in report.draft.questions}
    assert by_id["family_name"].type == "text" and by_id["age"].type == "numeric"
    assert by_id["age"].column == "father/age" and by_id["age"].text == "How old is your father?"
    assert "phone_number" not in by_id  # a phone number is personal: never a question


def test_a_split_column_the_form_does_not_list(tmp_path: Path) -> None:
    """An export with `prefs/modes/radio`, an option added after the form was deployed: an option of `modes`
    marked as found in the file, not in the form; none of its ticks is lost."""
    form = write_xlsform(tmp_path / "form.xlsx")
    export = write_kobo_export(tmp_path / "export.csv")
    frame = pd.read_csv(export, sep=";", dtype=str, keep_default_na=False)
    radio = ["1", "0", "0", "1", "0", "1"]
    frame.insert(frame.columns.get_loc("prefs/modes/5") + 1, "prefs/modes/radio", radio)
    frame.to_csv(export, sep=";", index=False)
    report, study = init_and_import(tmp_path / "s", form, export)
    modes = study.config.question("modes")
    assert isinstance(modes, MultipleResponse)
    assert "radio" in [o.label for o in modes.options]
    assert not any(x.id.startswith("radio") or "prefs/modes/radio" in x.columns() and x.id != "modes"
                   for x in report.draft.questions)
    assert "found in the file, not in the form" in (tmp_path / "s" / "study.yaml").read_text(encoding="utf-8")
    code = next(o.code for o in modes.options if o.label == "radio")
    assert [r[f"modes__{code}"] for r in rows(study)] == [v == "1" for v in radio]


def test_libreoffice_xlsform_with_a_stale_dimension(tmp_path: Path) -> None:
    """pyxform's UCL_Biomass_Plot_Form.xlsx, saved by LibreOffice: <dimension ref="A1:AMJ1048576"> on every sheet."""
    report = init_from(tmp_path / "s", [DATA / "xlsform_pyxform_ucl_biomass_libreoffice.xlsx"])
    assert len(report.draft.questions) + len(report.draft.left) > 20


def test_names_yaml_would_read_as_other_types(tmp_path: Path) -> None:
    """pyxform's xlsform_spec_test.xlsx has a question named `false` and choices `yes`/`no`: they stay strings."""
    from ruamel.yaml import YAML

    report = init_from(tmp_path / "s", [DATA / "xlsform_pyxform_spec_test.xlsx"])
    assert "false" in [x.id for x in report.draft.questions]
    data = YAML(typ="safe").load(report.path.read_text(encoding="utf-8"))
    assert all(isinstance(x["id"], str) for x in data["questions"])
    codes = [o["code"] for x in data["questions"] for o in x.get("options", [])]
    assert "no" in codes and all(isinstance(c, str) for c in codes)


def test_a_rank_question_becomes_a_ranking(tmp_path: Path) -> None:
    """XLSForm `rank` (KoboToolbox): the export's one cell holds the chosen names in rank order, separated by spaces."""
    from openpyxl import Workbook

    from learnervoice.study.model import Ranking

    wb = Workbook()
    survey = wb.active
    survey.title = "survey"
    for row in (("type", "name", "label"), ("rank courses", "fav", "Rank these courses"), ("text", "why", "Why?")):
        survey.append(list(row))
    choices = wb.create_sheet("choices")
    for row in (("list_name", "name", "label"), ("courses", "alpha", "Alpha"), ("courses", "beta", "Beta"),
                ("courses", "gamma", "Gamma")):
        choices.append(list(row))
    wb.save(tmp_path / "form.xlsx")
    (tmp_path / "export.csv").write_text("_uuid;fav;why\nu1;beta alpha gamma;x\nu2;gamma;y\nu3;;z\n", encoding="utf-8")
    report, study = init_and_import(tmp_path / "s", tmp_path / "form.xlsx", tmp_path / "export.csv")
    fav = study.config.question("fav")
    assert isinstance(fav, Ranking) and [o.code for o in fav.options] == ["alpha", "beta", "gamma"]
    stored = {r["respondent_id"]: r for r in rows(study)}
    assert [stored["u1"][f"fav__{c}"] for c in ("alpha", "beta", "gamma")] == [2, 1, 3]
    assert [stored["u2"][f"fav__{c}"] for c in ("alpha", "beta", "gamma")] == [None, None, 1]
    assert stored["u3"]["fav__gamma"] is None
