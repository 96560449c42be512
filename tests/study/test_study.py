"""study.yaml: validation with the YAML line, the published schema, the starter study."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import StudyError
from learnervoice.study import init_study, json_schema, open_study

from ..conftest import ROOT, write_study

BASE = """title: t
consent: c
questions:
  - id: mode
    text: Mode
    type: single
    options:
      - {code: online, label: Online}
"""


def _error(tmp_path: Path, text: str) -> StudyError:
    with pytest.raises(StudyError) as err:
        write_study(tmp_path / "s", text)
    return err.value


def test_error_names_the_yaml_line(tmp_path: Path) -> None:
    err = _error(tmp_path, BASE.replace("code: online", "code: 'on line'"))
    assert err.line == 8 and "study.yaml, line 8" in str(err) and "options.0.code" in str(err)


def test_unknown_type_and_field(tmp_path: Path) -> None:
    err = _error(tmp_path, BASE.replace("type: single", "type: rating"))
    assert err.line == 4 and "'rating'" in str(err)
    err = _error(tmp_path, BASE + "colour: red\n")
    assert "colour" in str(err) and "line 9" in str(err)


def test_condition_must_name_a_real_option(tmp_path: Path) -> None:
    text = BASE + "  - {id: sync, text: Sync, type: text, ask_if: {question: mode, any_of: [offline]}}\n"
    err = _error(tmp_path, text)
    assert "'mode' has no option(s) ['offline']" in str(err) and "line 9" in str(err)


def test_overlapping_bands(tmp_path: Path) -> None:
    text = BASE + """  - id: age
    text: Age
    type: binned
    bands:
      - {code: a, label: A, min: 0, max: 30}
      - {code: b, label: B, min: 30, max: null}
"""
    assert "bands 'a' and 'b' overlap" in str(_error(tmp_path, text))


def test_bands_state_both_ends(tmp_path: Path) -> None:
    text = BASE + """  - id: age
    text: Age
    type: binned
    bands:
      - {code: a, label: A, min: 0}
"""
    assert "max" in str(_error(tmp_path, text))


def test_broken_yaml(tmp_path: Path) -> None:
    err = _error(tmp_path, BASE + "  - id: [unclosed\n")
    assert "not valid YAML" in str(err) and err.line is not None


def test_decimal_comma_by_language(tmp_path: Path) -> None:
    assert write_study(tmp_path / "ca", BASE.replace("title: t", "title: t\nlanguage: ca")).config.decimal_comma
    assert not write_study(tmp_path / "en", BASE).config.decimal_comma


def test_init_writes_a_valid_commented_study(tmp_path: Path) -> None:
    path = init_study(tmp_path / "new")
    assert "# " in path.read_text(encoding="utf-8")
    assert len(open_study(tmp_path / "new").config.questions) == 7
    with pytest.raises(StudyError, match="already here"):
        init_study(tmp_path / "new")
    result = CliRunner().invoke(app, ["init", str(tmp_path / "new")])
    assert result.exit_code == 2


def test_published_schema_is_current() -> None:
    published = json.loads((ROOT / "docs" / "study.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema(), "run `learnervoice schema -o docs/study.schema.json`"


def test_example_validates_against_the_schema() -> None:
    """The JSON Schema accepts the example (checked with the jsonschema-free pydantic round trip)."""
    study = open_study(ROOT / "examples" / "microcredentials-2023")
    assert study.config.question("online_sync").ask_if is not None
