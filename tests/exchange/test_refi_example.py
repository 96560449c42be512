"""learnervoice's own bundled example: its project and codebook survive round trips (the issue counted 2 of
27 keys kept for learnervoice's own .qdc)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from learnervoice.exchange.projects import export_study_qdc, export_study_qdpx, import_qdc, import_qdpx
from learnervoice.exchange.refi import open_qdpx
from learnervoice.qual.codebook import all_codes, load_codebook
from learnervoice.study import open_study
from learnervoice.study.load import Study

from .test_refi_roundtrip import codes, passages


def test_the_example_project_round_trips(example: Study, tmp_path: Path, samples: Path) -> None:
    first = export_study_qdpx(example, tmp_path / "first.qdpx")
    import_qdpx(first, tmp_path / "copy")
    second = export_study_qdpx(open_study(tmp_path / "copy"), tmp_path / "second.qdpx")
    a, b = open_qdpx(first), open_qdpx(second)
    assert passages(a) and passages(b) == passages(a)
    assert codes(b) == codes(a)
    assert sorted(a.users.items()) == sorted(b.users.items())
    assert sorted((n.guid, n.name, n.text, n.user) for n in b.notes) == sorted((n.guid, n.name, n.text, n.user) for n in a.notes)
    assert [(c.guid, c.name, c.variables, sorted(c.sources)) for c in a.cases] == \
        [(c.guid, c.name, c.variables, sorted(c.sources)) for c in b.cases]
    schema = etree.XMLSchema(etree.parse(str(samples / "Project-mrt2019.xsd")))
    for path in (first, second):
        with zipfile.ZipFile(path) as zf:
            schema.assertValid(etree.fromstring(zf.read("project.qde")))


def test_the_example_codebook_keeps_every_key(example: Study, tmp_path: Path) -> None:
    qdc = export_study_qdc(example, tmp_path / "c.qdc")
    target = tmp_path / "other"
    target.mkdir()
    (target / "study.yaml").write_text("title: Other\nconsent: yes\nquestions: []\n", encoding="utf-8")
    added, _ = import_qdc(open_study(target), qdc)
    mine = [(c.key, c.name, c.description, c.inclusion, c.exclusion, c.example, c.colour)
            for c in all_codes(load_codebook(example).codes)]
    theirs = [(c.key, c.name, c.description, c.inclusion, c.exclusion, c.example, c.colour)
              for c in all_codes(load_codebook(open_study(target)).codes)]
    assert added == len(mine) and sorted(theirs) == sorted(mine)
