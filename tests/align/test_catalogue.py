"""Catalogues: the example's reads; bad ones name the file, row and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.align.catalogue import read_catalogue
from learnervoice.cli import app
from learnervoice.errors import CatalogueError

from ..conftest import EXAMPLE

HEADER = "id,title,awarding_body,country,participation,hours_per_week,duration_months\n"


def test_the_example_catalogue() -> None:
    catalogue = read_catalogue(EXAMPLE / "catalogue.csv")
    assert len(catalogue.offers) == 8
    da = catalogue.offer("DA-01")
    assert da.participation == ("online",) and da.schedule == ("night", "weekend") and da.duration_weeks == 6
    assert da.learning_outcomes[0] == "Clean and reshape tabular data"


def test_months_become_weeks(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "X1,A course,Uni,ES,online,5,3\n", encoding="utf-8")
    assert read_catalogue(path).offers[0].duration_weeks == 13.0


@pytest.mark.parametrize("row, message", [
    ("X1,A course,Uni,ES,by pigeon,5,3", "row 2, field 'participation': should be one of 'online', 'onsite' or 'blended' (found 'by pigeon')"),
    ("X1,A course,Uni,ES,online,-4,3", "row 2, field 'hours_per_week': should be greater than 0 (found '-4')"),
    ("X1,A course,Uni,Spain,online,5,3", "row 2, field 'country'"),
])
def test_bad_rows_are_named(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        read_catalogue(path)
    assert message in str(err.value)


def test_duplicate_ids_and_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "X1,A,Uni,ES,online,5,3\nX1,B,Uni,ES,online,5,3\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="c.csv, row 3, field 'id': 'X1' is used twice \\(first row 2\\)"):
        read_catalogue(path)
    path.write_text("id,title,colour\nX1,A,red\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="row 1: unknown column\\(s\\) \\['colour'\\]"):
        read_catalogue(path)
    result = CliRunner().invoke(app, ["catalogue", "check", str(path)])
    assert result.exit_code == 2 and "unknown column" in result.output


def test_yaml_catalogue_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("offers:\n  - {id: X1, title: A, awarding_body: Uni, country: ES}\n"
                    "  - {id: X2, title: B, awarding_body: Uni, country: ES, hours: -1}\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="c.yaml, line 3, field 'hours'"):
        read_catalogue(path)
