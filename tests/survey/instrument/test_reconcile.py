"""The draft fits the file's values: options for unlabelled values, `values:` where labels cross codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat

from learnervoice.study.model import OpenText, SingleChoice

from .helpers import init_and_import, label, rows


def test_labels_that_cross_codes_still_read_each_value_as_its_own_option(tmp_path: Path) -> None:
    """Value 1 is labelled '2' and value 2 '1': matching by label would swap them, so values: says which is which."""
    path = tmp_path / "crossed.sav"
    pyreadstat.write_sav(pd.DataFrame({"q": [1.0, 2.0, 2.0, 3.0]}), str(path),
                         variable_value_labels={"q": {1.0: "2", 2.0: "1", 3.0: "Three"}})
    report, study = init_and_import(tmp_path / "s", path)
    mapping = study.config.responses[0].mapping
    assert mapping is not None and mapping.questions["q"].values == {"1": "1"}  # type: ignore[union-attr]  # "2" already wins
    assert [r["q"] for r in rows(study)] == ["1", "2", "2", "3"]
    assert [label(study, "q", r["q"]) for r in rows(study)] == ["2", "1", "1", "Three"]


def test_a_number_question_holding_text_becomes_open_text(tmp_path: Path) -> None:
    from learnervoice.survey.instrument.draft import DraftQuestion
    from learnervoice.survey.instrument.reconcile import _fit_number
    from learnervoice.survey.instrument.profile import ColumnProfile
    from learnervoice.survey.readers import FileInfo

    x = DraftQuestion("age", "Age", "numeric", column="age", integer=True)
    col = ColumnProfile("age", filled=3, numbers=2, whole=2)
    col.values.update({"34": 1, "51": 1, "n/a": 1})
    _fit_number(x, col, FileInfo(path=tmp_path / "f.csv", format="csv", columns=["age"]))
    assert x.type == "text" and "the file also holds 'n/a'" in x.notes[-1]


def test_values_found_beside_the_labelled_ones_become_options(tmp_path: Path) -> None:
    path = tmp_path / "extra.sav"
    pyreadstat.write_sav(pd.DataFrame({"q": [1.0, 2.0, 7.0]}), str(path), variable_value_labels={"q": {1.0: "Yes", 2.0: "No"}})
    report, study = init_and_import(tmp_path / "s", path)
    q = study.config.question("q")
    assert isinstance(q, SingleChoice) and [(o.code, o.label) for o in q.options] == [("1", "Yes"), ("2", "No"), ("7", "7")]
    assert "- {code: \"7\", label: \"7\"}  # found in the file, but not among the labelled options" in \
        report.path.read_text(encoding="utf-8")
    assert [r["q"] for r in rows(study)] == ["1", "2", "7"]
    assert OpenText  # other types are covered per tool
