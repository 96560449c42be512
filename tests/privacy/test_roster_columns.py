"""Only the roster columns study.yaml declares leave the study; contact columns never do."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import RosterError
from learnervoice.study.roster import load_roster
from learnervoice.study import open_study
from learnervoice.study.load import Study

from ..conftest import snapshot


def _salt_roster(study: Study) -> None:
    path = study.folder / "private" / "participants.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    salted = [lines[0] + ",phone,contact,remarks"]
    salted += [f"{line},+34 600 123 4{i:02d},person{i}@uoc.edu,met at the library" for i, line in enumerate(lines[1:], start=1)]
    path.write_text("\n".join(salted) + "\n", encoding="utf-8")


def test_check_names_the_private_columns(example: Study) -> None:
    _salt_roster(example)
    out = CliRunner().invoke(app, ["check", str(example.folder)])
    assert out.exit_code == 0, out.output
    assert "private columns (never exported, printed or shown): phone (contact details), contact (contact details), remarks" in out.output
    assert "attributes that may leave the study: age_band, gender, status, career_stage, focus_group" in out.output


def test_private_columns_never_leave(example: Study, tmp_path: Path) -> None:
    _salt_roster(example)
    roster = load_roster(example)
    assert roster.contact_columns == ("phone", "contact") and roster.private_columns == ("phone", "contact", "remarks")
    assert all(set(p.attributes) == {"age_band", "gender", "status", "career_stage", "focus_group"} for p in roster.participants)
    runner = CliRunner()
    quotes = runner.invoke(app, ["quotes", str(example.folder), "pleasure", "-f", "csv"])
    assert quotes.exit_code == 0, quotes.output
    assert "phone" not in quotes.output and "600" not in quotes.output and "library" not in quotes.output
    assert "career_stage" in quotes.output  # declared attributes still come with quotes
    exported = runner.invoke(app, ["export-qdpx", str(example.folder), str(tmp_path / "p.qdpx")])
    assert exported.exit_code == 0, exported.output
    qde = zipfile.ZipFile(tmp_path / "p.qdpx").read("project.qde").decode()
    assert 'name="career_stage"' in qde
    assert "phone" not in qde and "@uoc.edu" not in qde and "library" not in qde and "remarks" not in qde


def test_a_contact_column_cannot_be_declared_an_attribute(example: Study) -> None:
    _salt_roster(example)
    yaml = example.folder / "study.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("focus_group]", "focus_group, contact]"), encoding="utf-8")
    before = snapshot(example.folder)
    out = CliRunner().invoke(app, ["check", str(example.folder)])
    assert out.exit_code == 2
    assert "column(s) contact hold e-mail addresses or phone numbers and are always private" in out.output
    assert snapshot(example.folder) == before


def test_a_declared_attribute_the_roster_lacks_is_an_error(example: Study) -> None:
    yaml = example.folder / "study.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("focus_group]", "focus_group, shoe_size]"), encoding="utf-8")
    with pytest.raises(RosterError, match="declares column\\(s\\) shoe_size"):
        load_roster(open_study(example.folder))
