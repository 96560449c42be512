"""Folders of codes from real REFI-QDA files: ATLAS.ti 9's codebook (a parent with isCodable="false") and the
REFI-QDA 1.5 specification's example imported → codebook.yaml says `codable: false` → coding with it refused →
exported → isCodable="false" again. A project's folder likewise, through the CLI."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import FolderCodeError
from learnervoice.exchange.projects import import_qdc, import_qdpx
from learnervoice.qual.codebook import load_codebook
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.qual.documents import import_transcript
from learnervoice.store import QualStore
from learnervoice.store import exchange as exchange_db
from learnervoice.study.load import Study

from ..qual.conftest import write
from .generated import g, sample, write_qdpx

ATLAS = "atlasti9_codebook_portableQDA.qdc"
SPEC = "refi15_spec_example_codebook_portableQDA.qdc"


def flat(codes: list) -> dict:  # type: ignore[type-arg]
    out = {}
    for c in codes:
        out[c.key] = c
        out |= flat(c.children)
    return out


def is_codable(qdc: Path) -> dict[str, str]:
    """GUID (lower case) -> isCodable, as the file says."""
    root = etree.parse(str(qdc)).getroot()
    return {c.get("guid").lower(): c.get("isCodable") for c in root.iter("{*}Code")}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_atlas_ti_folder_imported_refused_and_exported(qual_study: Study, store: QualStore, samples: Path,
                                                       tmp_path: Path) -> None:
    original = is_codable(samples / ATLAS)
    assert original["1b123ec4-7a16-4189-bab2-74d37fc18be8"] == "false"  # code3, parent of code:3.1
    import_qdc(qual_study, samples / ATLAS)
    text = (qual_study.folder / "codebook.yaml").read_text(encoding="utf-8")
    assert text.count("codable: false") == 1
    codes = flat(load_codebook(qual_study).codes)
    assert codes["code3"].codable is False and [c.key for c in codes["code3"].children] == ["code_3_1"]
    assert all(c.codable for k, c in codes.items() if k != "code3")
    with store.read() as conn:
        assert exchange_db.objects(conn, "code") == []  # codebook.yaml holds it now, not the exchange objects

    import_transcript(qual_study, write(tmp_path / "fg1.txt", "Ryan Sloan: Mostly promotion.\n"), store=store)
    with pytest.raises(FolderCodeError) as caught:
        add_codings(store, [NewCoding("fg1", 0, 6, "code3", "ana")], who="ana")
    assert ("code 'code3' is a folder of codes (codable: false in codebook.yaml): code with one of its sub-codes "
            "(code_3_1) or make it codable") in str(caught.value)
    assert add_codings(store, [NewCoding("fg1", 0, 6, "code_3_1", "ana")], who="ana") == 1

    code, _, err = run("export-qdc", str(qual_study.folder), str(tmp_path / "out.qdc"))
    assert code == 0, err
    again = is_codable(tmp_path / "out.qdc")
    assert {k: v for k, v in again.items() if k in original} == original
    etree.XMLSchema(etree.parse(str(samples / "Codebook-mrt2019.xsd"))).assertValid(etree.parse(str(tmp_path / "out.qdc")))


def test_the_specifications_folders_and_a_change_in_codebook_yaml_reach_the_export(
        qual_study: Study, samples: Path, tmp_path: Path) -> None:
    """The codebook is the source: `codable: false` written by hand (and removed by hand) is what the export says."""
    original = is_codable(samples / SPEC)
    folders = {guid for guid, value in original.items() if value == "false"}
    assert len(folders) >= 2
    import_qdc(qual_study, samples / SPEC)
    path = qual_study.folder / "codebook.yaml"
    assert path.read_text(encoding="utf-8").count("codable: false") == len(folders)
    study = str(qual_study.folder)
    assert run("export-qdc", study, str(tmp_path / "a.qdc"))[0] == 0
    assert {k for k, v in is_codable(tmp_path / "a.qdc").items() if v == "false"} == folders
    path.write_text(path.read_text(encoding="utf-8").replace("codable: false", "codable: true")
                    .replace("key: career\n", "key: career\n    codable: false\n", 1), encoding="utf-8")
    assert run("export-qdc", study, str(tmp_path / "b.qdc"))[0] == 0
    names = {c.get("name"): c.get("isCodable") for c in etree.parse(str(tmp_path / "b.qdc")).getroot().iter("{*}Code")}
    assert names["Career progression"] == "false"
    assert sum(v == "false" for v in names.values()) == 1


def test_a_projects_folder_round_trips_through_codebook_yaml(tmp_path: Path, samples: Path) -> None:
    spec = sample("ATLAS.ti 23")  # "Reasons" is a folder of Career and Curiosity
    folder = tmp_path / "s"
    import_qdpx(write_qdpx(spec, tmp_path / "in.qdpx"), folder)
    codes = flat(load_codebook(Study_of(folder)).codes)
    assert codes["reasons"].codable is False and codes["career"].codable is True
    code, _, err = run("code", str(folder), "--auto", "reasons", "--pattern", "forum", "--coder", "ana")
    assert code == 2 and "code 'reasons' is a folder of codes" in err and "(career, curiosity)" in err
    code, out, err = run("export-qdpx", str(folder), str(tmp_path / "out.qdpx"))
    assert code == 0, err
    qde = etree.fromstring(zipfile.ZipFile(tmp_path / "out.qdpx").read("project.qde"))
    found = {c.get("guid").lower(): c.get("isCodable") for c in qde.iter("{*}Code")}
    assert found[g(200).lower()] == "false" and found[g(201).lower()] == "true"


def Study_of(folder: Path) -> Study:  # noqa: N802
    from learnervoice.study import open_study

    return open_study(folder)
