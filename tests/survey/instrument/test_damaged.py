"""Damaged survey definitions end in a clear error (a LearnervoiceError, exit 2), never in a crash.

Seeded, bounded mutations of real definitions: type-confused .qsf fields, non-numeric .lss numbers, XLSForm
cells; each mutant is drafted alone and with its response file.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from learnervoice.errors import LearnervoiceError, StudyError
from learnervoice.survey.instrument import init_from

from .helpers import DATA
from .layouts import write_kobo_export, write_limesurvey_codes_export, write_lss, write_xlsform

ODD = [None, 1, 2.5, True, "x", "", [], {}, [1], {"a": 1}, "QID1", -1]


def _only_clear_errors(folder: Path, *files: Path) -> None:
    try:
        init_from(folder, list(files), force=True)
    except LearnervoiceError:
        pass


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, path + (key,))


def test_qsf_with_fields_of_the_wrong_type(tmp_path: Path) -> None:
    data = json.loads((DATA / "qualtrics_many_types.qsf").read_text(encoding="utf-8-sig"))
    paths = list(_paths(data))
    rng = random.Random(1)
    for n in range(50):
        mutant = json.loads(json.dumps(data))
        for _ in range(3):
            *parents, last = rng.choice(paths)
            node = mutant
            try:
                for key in parents:
                    node = node[key]
                node[last] = rng.choice(ODD)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change removed the way there
        qsf = tmp_path / f"m{n}.qsf"
        qsf.write_text(json.dumps(mutant), encoding="utf-8")
        _only_clear_errors(tmp_path / f"a{n}", qsf)
        if n % 5 == 0:  # with the export too (slower): the draft is checked against the data
            _only_clear_errors(tmp_path / f"b{n}", qsf, DATA / "qualtrics_many_types_legacy.csv")


def test_qsf_nested_too_deep(tmp_path: Path) -> None:
    qsf = tmp_path / "deep.qsf"
    qsf.write_text('{"SurveyElements": ' + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")
    with pytest.raises(StudyError, match="nested deeper"):
        init_from(tmp_path / "s", [qsf])


def test_lss_with_numbers_that_are_not(tmp_path: Path) -> None:
    lss = write_lss(tmp_path / "survey.lss")
    export = write_limesurvey_codes_export(tmp_path / "export.csv")
    rng = random.Random(1)
    for n in range(60):
        tree = ElementTree.parse(lss)
        cells = [e for e in tree.iter() if e.text and e.text.strip()]
        for _ in range(3):
            rng.choice(cells).text = rng.choice(["x", "", "1.5", "-", "NaN", "1e3", "Z9", "-1"])
        mutant = tmp_path / f"m{n}.lss"
        tree.write(mutant, encoding="utf-8")
        _only_clear_errors(tmp_path / f"a{n}", mutant)
        _only_clear_errors(tmp_path / f"b{n}", mutant, export)
    broken = tmp_path / "broken.lss"
    tree = ElementTree.parse(lss)
    next(e for e in tree.iter("sortorder")).text = "first"
    tree.write(broken, encoding="utf-8")
    with pytest.raises(StudyError, match="sortorder .* 'first', not a whole number"):
        init_from(tmp_path / "s", [broken])


@pytest.mark.parametrize("form", ["generated", "xlsform_pyxform_group.xlsx"])
def test_xlsform_with_changed_cells(tmp_path: Path, form: str) -> None:
    source = write_xlsform(tmp_path / "form.xlsx") if form == "generated" else DATA / form
    export = write_kobo_export(tmp_path / "export.csv")
    values = [None, 1, 2.5, True, "", "x", "select_one", "select_one nolist", "select_multiple modes", "begin group",
              "end group", "begin repeat", "integer", "${x} = 'a'", "label", "name", "type", "list_name", "false"]
    rng = random.Random(1)
    for n in range(40):
        wb = load_workbook(source)
        for _ in range(3):
            ws = wb[rng.choice(wb.sheetnames)]
            ws.cell(rng.randint(1, ws.max_row + 1), rng.randint(1, ws.max_column + 1)).value = rng.choice(values)
        mutant = tmp_path / f"m{n}.xlsx"
        wb.save(mutant)
        _only_clear_errors(tmp_path / f"a{n}", mutant)
        _only_clear_errors(tmp_path / f"b{n}", mutant, export)
