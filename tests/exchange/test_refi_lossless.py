"""What the issue found lost or unsaid: empty <Variables/>, isCodable, codebook GUIDs and keys, sets, users'
GUIDs, CRLF; and the report of adjustments, in words and in the audit record."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import sqlalchemy as sa
from lxml import etree
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.exchange.projects import export_study_qdc, export_study_qdpx, import_qdc, import_qdpx
from learnervoice.exchange.refi import open_qdc, open_qdpx
from learnervoice.store import QualStore
from learnervoice.study import open_study
from learnervoice.study.load import Study

from .generated import g, sample, write_qdpx


def _valid(samples: Path, qdpx: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(samples / "Project-mrt2019.xsd")))
    with zipfile.ZipFile(qdpx) as zf:
        schema.assertValid(etree.fromstring(zf.read("project.qde")))


def test_a_study_with_nothing_exports_a_valid_project(tmp_path: Path, samples: Path) -> None:
    """No roster attributes, no documents, no codes, no codings, no memos: no empty element the schema refuses."""
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "study.yaml").write_text("title: Empty\nconsent: yes\nquestions: []\n", encoding="utf-8")
    out = export_study_qdpx(open_study(folder), tmp_path / "e.qdpx")
    _valid(samples, out)
    assert b"Variables" not in zipfile.ZipFile(out).read("project.qde")


def test_participants_without_attributes_export_no_empty_variables(qual_study: Study, tmp_path: Path, samples: Path) -> None:
    csv = qual_study.folder / "private" / "participants.csv"
    rows = [line.split(",")[:4] for line in csv.read_text(encoding="utf-8").splitlines()]
    csv.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    study_yaml = qual_study.folder / "study.yaml"
    text = study_yaml.read_text(encoding="utf-8")
    if "attributes:" in text:
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if "attributes:" in line)
        indent = len(lines[at]) - len(lines[at].lstrip())
        end = next((j for j in range(at + 1, len(lines)) if lines[j].strip() and len(lines[j]) - len(lines[j].lstrip()) <= indent), len(lines))
        study_yaml.write_text("\n".join(lines[:at] + lines[end:]) + "\n", encoding="utf-8")
    out = export_study_qdpx(open_study(qual_study.folder), tmp_path / "p.qdpx")
    _valid(samples, out)
    qde = zipfile.ZipFile(out).read("project.qde")
    assert b"<Cases>" in qde and b"Variables" not in qde


def test_is_codable_users_and_sets_come_back(tmp_path: Path, samples: Path) -> None:
    spec = sample("ATLAS.ti 23")
    import_qdpx(write_qdpx(spec, tmp_path / "in.qdpx"), tmp_path / "s")
    again = open_qdpx(export_study_qdpx(open_study(tmp_path / "s"), tmp_path / "out.qdpx"))
    assert [c.codable for c in again.codes] == [False, True] and again.codes[0].guid == g(200)
    assert again.users == {g(100): "Ann", g(101): "Bo"}
    assert [(s.name, sorted(s.codes)) for s in again.sets] == [("Motives", sorted([g(201), g(202)]))]
    assert [n.name for n in again.notes] == ["note 0"]
    _valid(samples, tmp_path / "out.qdpx")


def test_codebook_import_keeps_guids_keys_and_sets(qual_study: Study, store: QualStore, tmp_path: Path, samples: Path) -> None:
    """learnervoice's own .qdc: every key and GUID back (2 of 27 keys were); ATLAS.ti's code groups kept and said."""
    from learnervoice.qual.codebook import all_codes, load_codebook

    before = {c.key: c for c in all_codes(load_codebook(qual_study).codes)}
    out = export_study_qdc(qual_study, tmp_path / "own.qdc")
    target = tmp_path / "other"
    target.mkdir()
    (target / "study.yaml").write_text("title: Other\nconsent: yes\nquestions: []\n", encoding="utf-8")
    other = open_study(target)
    added, notes = import_qdc(other, out)
    after = {c.key: c for c in all_codes(load_codebook(other).codes)}
    assert added == len(before) and set(after) == set(before)
    assert all((after[k].name, after[k].description, after[k].inclusion) == (before[k].name, before[k].description, before[k].inclusion)
               for k in before)
    assert {c.guid for c in _flat(open_qdc(export_study_qdc(other, tmp_path / "again.qdc")).codes)} == \
        {c.guid for c in _flat(open_qdc(out).codes)}
    added, notes = import_qdc(other, out)  # the same codebook again adds nothing
    assert added == 0 and any("already in the codebook" in n for n in notes)
    result = CliRunner().invoke(app, ["codebook", "import", str(target), str(samples / "atlasti9_codebook_portableQDA.qdc")])
    assert result.exit_code == 0, result.output
    assert "set(s) kept" in result.output


def _flat(nodes: list) -> list:  # type: ignore[type-arg]
    out, stack = [], list(nodes)
    while stack:
        node = stack.pop()
        out.append(node)
        stack += node.children
    return out


def test_nvivo_import_says_what_it_converted(tmp_path: Path) -> None:
    """UTF-16 positions converted and CRLF counted, in words (CLI) and in the import's audit record."""
    path = write_qdpx(sample("NVivo 14"), tmp_path / "nv.qdpx")
    result = CliRunner().invoke(app, ["import-qdpx", str(path), str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "converted from UTF-16 code units" in result.output
    assert "3 CRLF line end(s) in 1 source(s) kept" in result.output and "1 set(s) kept" in result.output
    store = QualStore.for_study(open_study(tmp_path / "s"))
    with store.read() as conn:
        detail = conn.execute(sa.text("SELECT detail FROM audit WHERE action = 'import_qdpx'")).scalar_one()
    store.close()
    record = json.loads(detail)["report"]
    assert record["utf16_sources"] == 1 and record["crlf_line_ends"] == 3 and record["sets_kept"] == 1


def test_what_cannot_be_held_is_counted_by_name(tmp_path: Path) -> None:
    qde = (b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="MAXQDA 2022">'
           b'<CodeBook><Codes><Code guid="code-1" name="A" isCodable="true"/></Codes></CodeBook>'
           b'<Variables><Variable guid="' + g(6).encode() + b'" name="Colour" typeOfVariable="Colour"/></Variables>'
           b'<Sources><PictureSource guid="' + g(1).encode() + b'" path="a.png"/>'
           b'<PDFSource guid="' + g(2).encode() + b'"/>'
           b'<TextSource guid="' + g(3).encode() + b'" name="t"><PlainTextContent>Hello there</PlainTextContent>'
           b'<PlainTextSelection guid="' + g(4).encode() + b'" startPosition="0" endPosition="5"/></TextSource></Sources>'
           b'<Links><Link guid="' + g(5).encode() + b'"/></Links></Project>')
    path = tmp_path / "x.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
    lines = import_qdpx(path, tmp_path / "s").adjustments
    for words in ("1 picture sources", "1 PDF sources", "1 selections without a code", "1 links",
                  "1 code GUIDs that are not well formed", "type 'Colour'; kept as Text"):
        assert any(words in line for line in lines), (words, lines)
