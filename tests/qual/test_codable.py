"""Folders of codes (codable: false in codebook.yaml): said in the file, refused by every way of coding with one
message, toggled and undone through the codebook, their codings kept, their counts their sub-codes'."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import CodingError, FolderCodeError, StudyError
from learnervoice.qual.accounts import User
from learnervoice.qual.codebook import delete_code, load_codebook, merge_codes, set_codable, sync_codebook
from learnervoice.qual.codings import NewCoding, add_codings, autocode
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.history import history, undo
from learnervoice.qual.queries import code_frequencies
from learnervoice.qual.suggest import record_decision, suggest_codings
from learnervoice.qual.workbench import add_coding, folder_codings, update_coding
from learnervoice.store import QualStore
from learnervoice.store import codebook as codes_db
from learnervoice.store.schema import audit, codings, exchange_objects, migrations_table
from learnervoice.study.load import Study

from .conftest import CODEBOOK, write
from .test_coding import TRANSCRIPT

REFUSED = ("code 'motivation' is a folder of codes (codable: false in codebook.yaml): code with one of its "
           "sub-codes (pleasure, career) or make it codable")
FOLDERS = CODEBOOK.replace("    name: Motivations\n", "    name: Motivations\n    codable: false\n")


def count(store: QualStore) -> tuple[int, int]:
    """(codings, audit records): what a refusal must leave as it was."""
    with store.read() as conn:
        return (conn.execute(sa.select(sa.func.count()).select_from(codings)).scalar_one(),
                conn.execute(sa.select(sa.func.count()).select_from(audit)).scalar_one())


@pytest.fixture
def folders(qual_study: Study, store: QualStore, tmp_path: Path) -> QualStore:
    """The codebook with `motivation` a folder, and one transcript."""
    write(qual_study.folder / "codebook.yaml", FOLDERS)
    sync_codebook(qual_study, store)
    import_transcript(qual_study, write(tmp_path / "fg1.txt", TRANSCRIPT), store=store)
    return store


def test_codebook_yaml_says_codable_and_writes_it_only_when_false(qual_study: Study, folders: QualStore) -> None:
    spec = {c.key: c for c in _all(load_codebook(qual_study).codes)}
    assert spec["motivation"].codable is False and spec["career"].codable is True
    with folders.read() as conn:
        assert {c.key: c.codable for c in codes_db.all_codes(conn)}["motivation"] is False
    set_codable(qual_study, folders, "online", True, "ana")  # rewrites codebook.yaml from the store
    text = (qual_study.folder / "codebook.yaml").read_text(encoding="utf-8")
    assert text.count("codable:") == 1 and "codable: false" in text.split("key: pleasure")[0]


def _all(codes: list) -> list:  # type: ignore[type-arg]
    out = []
    for c in codes:
        out += [c, *_all(c.children)]
    return out


@pytest.mark.parametrize("value", ["maybe", "[]", "2"])
def test_a_bad_codable_names_the_file_line_and_field(qual_study: Study, value: str) -> None:
    write(qual_study.folder / "codebook.yaml", FOLDERS.replace("codable: false", f"codable: {value}"))
    with pytest.raises(StudyError) as caught:
        load_codebook(qual_study)
    message = str(caught.value)
    assert "codebook.yaml, line 4" in message and "codes.0.codable" in message and "boolean" in message


def test_every_way_of_coding_refuses_a_folder_and_stores_nothing(qual_study: Study, folders: QualStore) -> None:
    before = count(folders)
    with pytest.raises(FolderCodeError) as caught:
        add_codings(folders, [NewCoding("fg1", 0, 5, "career", "ana"), NewCoding("fg1", 0, 5, "motivation", "ana")],
                    who="ana")
    assert "coding 2, column 'code': " + REFUSED in str(caught.value) and isinstance(caught.value, CodingError)
    with pytest.raises(FolderCodeError, match="^" + REFUSED.replace("(", r"\(").replace(")", r"\)") + "$"):
        autocode(folders, "motivation", coder="ana", pattern="promotion", who="ana")
    ana = User(1, "ana", "coder", "secret")
    with pytest.raises(FolderCodeError, match="is a folder of codes"):
        add_coding(folders, "fg1", 0, 5, "motivation", ana)
    with pytest.raises(FolderCodeError, match="is a folder of codes"):
        record_decision(folders, "motivation", "ana", "fg1", 0, 5, accepted=True)
    with pytest.raises(FolderCodeError, match="is a folder of codes"):
        suggest_codings(folders, "motivation", "ana")
    assert count(folders) == before
    add_coding(folders, "fg1", 0, 5, "career", ana)
    with folders.read() as conn:
        guid = conn.execute(sa.select(codings.c.guid)).scalar_one()
    with pytest.raises(FolderCodeError, match="is a folder of codes"):
        update_coding(folders, guid, ana, code="motivation")  # recoding into a folder
    with pytest.raises(FolderCodeError, match="is a folder of codes"):
        merge_codes(qual_study, folders, "career", "motivation", "owner")  # its codings would become the folder's
    with pytest.raises(FolderCodeError, match="is a folder of codes"):
        delete_code(qual_study, folders, "career", "owner", codings_to="motivation")
    assert count(folders)[0] == 1


def test_a_folder_without_codable_sub_codes_says_to_add_one(qual_study: Study, folders: QualStore) -> None:
    set_codable(qual_study, folders, "pleasure", False, "owner")
    set_codable(qual_study, folders, "career", False, "owner")
    with pytest.raises(FolderCodeError) as caught:
        autocode(folders, "motivation", coder="ana", pattern="x", who="ana")
    assert str(caught.value) == ("code 'motivation' is a folder of codes (codable: false in codebook.yaml) with no "
                                 "sub-code to code with: add one or make it codable")


def test_made_a_folder_later_keeps_codings_is_audited_and_undone(qual_study: Study, folders: QualStore) -> None:
    add_codings(folders, [NewCoding("fg1", 0, 5, "career", "ana"), NewCoding("fg1", 6, 9, "pleasure", "ben")], who="ana")
    assert set_codable(qual_study, folders, "career", False, "owner") == 1
    assert folder_codings(folders) == {"career": 1}  # kept, and said (check, the codebook page)
    assert "codable: false" in (qual_study.folder / "codebook.yaml").read_text(encoding="utf-8").split("key: online")[0]
    assert history(folders, kinds=("codebook",))[0].what == "make career a folder of codes (not codable)"
    undo(qual_study, folders, who="owner")
    with folders.read() as conn:
        assert {c.key: c.codable for c in codes_db.all_codes(conn)}["career"] is True
    assert folder_codings(folders) == {}
    code, out, _ = _run("check", str(qual_study.folder))
    assert code == 0 and "warning" not in out
    set_codable(qual_study, folders, "career", False, "owner")
    code, out, _ = _run("check", str(qual_study.folder))
    assert code == 0 and "warning: code 'career' is a folder of codes (codable: false in codebook.yaml) but has 1 " \
                          "coding(s), kept" in out


def test_a_folder_counts_its_sub_codes(qual_study: Study, folders: QualStore) -> None:
    add_codings(folders, [NewCoding("fg1", 0, 5, "career", "ana"), NewCoding("fg1", 6, 9, "pleasure", "ana")], who="ana")
    frame = code_frequencies(qual_study, folders).set_index("code")
    assert frame.loc["motivation", "segments"] == 2 and frame.loc["motivation", "own_segments"] == 0
    assert frame.loc["motivation", "counted"] == "incl. sub-codes"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_cli_refuses_with_exit_2_and_toggles(qual_study: Study, folders: QualStore, tmp_path: Path) -> None:
    study = str(qual_study.folder)
    from learnervoice.workspace import open_workspace

    file = write(tmp_path / "codings.csv", "document,code,coder,start,end\nfg1,motivation,ana,0,5\n")
    open_workspace(qual_study).close()  # codebook.yaml brought in once (an audit record of its own)
    before = count(folders)
    code, _, err = _run("code", study, "--file", str(file))
    assert code == 2 and REFUSED in err and "Traceback" not in err
    code, _, err = _run("code", "suggest", study, "motivation", "--coder", "ana")
    assert code == 2 and REFUSED in err
    assert count(folders) == before
    code, out, _ = _run("codebook", "codable", study, "motivation", "true")
    assert code == 0 and "motivation: codable" in out
    assert "codable" not in (qual_study.folder / "codebook.yaml").read_text(encoding="utf-8")
    assert _run("code", study, "--file", str(file))[0] == 0
    code, out, _ = _run("codebook", "codable", study, "motivation", "false")
    assert code == 0 and "its 1 coding(s) are kept" in out
    code, _, err = _run("codebook", "codable", study, "motivation", "perhaps")
    assert code == 2 and "true or false" in err


def test_a_store_made_before_writes_its_folders_into_codebook_yaml(qual_study: Study, store: QualStore) -> None:
    """Migration 0009 on a store whose folder was kept for export only: the next opening of the study writes
    `codable: false` into codebook.yaml, and coding with the folder is refused from then on."""
    from learnervoice.workspace import open_workspace

    open_workspace(qual_study).close()  # codebook.yaml synced, its digest kept
    with store.write() as conn:  # as a store before 0009 had it: the folder known to the export only
        conn.execute(migrations_table.delete().where(migrations_table.c.name == "0009_codable_codes"))
        conn.execute(exchange_objects.insert().values(kind="code", guid="{0F0E0D0C-0B0A-4908-8706-050403020100}",
                                                      name="format", detail='{"codable": false}'))
    store.close()
    with open_workspace(qual_study) as workspace:
        with workspace.qual.read() as conn:
            assert {c.key: c.codable for c in codes_db.all_codes(conn)}["format"] is False
            assert codes_db.pending_folders(conn) == []
        with pytest.raises(FolderCodeError, match="code 'format' is a folder of codes .* sub-codes \\(online, asynchronous\\)"):
            autocode(workspace.qual, "format", coder="ana", pattern="x", who="ana")
    text = (qual_study.folder / "codebook.yaml").read_text(encoding="utf-8")
    assert "codable: false" in text.split("key: format")[1].split("children")[0]
    spec = {c.key: c for c in _all(load_codebook(qual_study).codes)}
    assert spec["format"].codable is False
