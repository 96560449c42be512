"""A tool's condition is written as ask_if only when no row of the file contradicts it."""

from __future__ import annotations

import csv
from pathlib import Path

from .helpers import init_and_import, rows
from .layouts import write_kobo_export, write_xlsform


def test_a_condition_the_data_breaks_is_left_as_a_comment(tmp_path: Path) -> None:
    export = write_kobo_export(tmp_path / "export.csv")
    with export.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    sync = table[0].index("prefs/sync")
    table[2][sync] = "sync"  # the second respondent chose face-to-face only, yet answers the online question
    with export.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(table)
    report, study = init_and_import(tmp_path / "s", write_xlsform(tmp_path / "form.xlsx"), export)
    assert study.config.question("sync").ask_if is None
    assert ("# Not written as ask_if {question: modes, any_of: ['online']}: 1 response(s) answer it without meeting "
            "that condition.") in report.path.read_text(encoding="utf-8")
    assert [r["sync"] for r in rows(study)][1] == "sync"


def test_a_condition_the_data_keeps_is_written(tmp_path: Path) -> None:
    report, study = init_and_import(tmp_path / "s", write_xlsform(tmp_path / "form.xlsx"),
                                    write_kobo_export(tmp_path / "export.csv"))
    assert study.config.question("sync").ask_if is not None
