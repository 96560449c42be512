"""init --from, then open the study as every command does (which imports the declared file), then look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from learnervoice.study import Study
from learnervoice.study.model import ChoiceQuestion
from learnervoice.survey.instrument import InitReport, init_from
from learnervoice.workspace import open_workspace

from ...conftest import ROOT

DATA = ROOT / "tests" / "data" / "surveys"


def init_and_import(folder: Path, *files: Path) -> tuple[InitReport, Study]:
    """Write study.yaml from the files, then open the study (the declared responses are imported, no edit)."""
    report = init_from(folder, list(files))
    with open_workspace(folder) as workspace:
        study = workspace.study
    return report, study


def rows(study: Study, sql: str = "SELECT * FROM responses ORDER BY _row") -> list[dict[str, Any]]:
    con = duckdb.connect(str(study.store_path), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]
    finally:
        con.close()


def label(study: Study, question_id: str, code: str | None) -> str | None:
    """The label of a stored option code (what a table prints)."""
    if code is None:
        return None
    question = study.config.question(question_id)
    assert isinstance(question, ChoiceQuestion)
    return next(o.label for o in question.options if o.code == code)
