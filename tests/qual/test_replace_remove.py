"""A wrongly imported transcript put right: replaced by a corrected file (codings kept where their words are
still found, the others dropped and listed), imported under another name, or removed with what hangs on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import ConflictError, NotFoundError, TranscriptError
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.stored_documents import remove_document
from learnervoice.store import QualStore
from learnervoice.store import memos as memos_db
from learnervoice.store.schema import audit, codings, documents, memos, turns
from learnervoice.study.load import Study

from .conftest import write

WRONG = ("conor healy: Welcome. Why did you take the course?\nsrijani ghosh: For my career, and I agree with Ryan.\n"
         "ryan sloan: I agree. The price was fiar.\n")  # lower-case labels said once each: read as one turn, no speaker
RIGHT = ("Conor Healy: Welcome. Why did you take the course?\nSrijani Ghosh: For my career, and I agree with Ryan.\n"
         "Ryan Sloan: I agree. The price was fair.\n")


def _coded(qual_study: Study, store: QualStore) -> None:
    import_transcript(qual_study, write(qual_study.folder / "fg.txt", WRONG), name="fg", store=store)
    add_codings(store, [NewCoding("fg", 0, 0, "career", "ana", quote="For my career"),
                        NewCoding("fg", 0, 0, "pleasure", "ana", quote="I agree", occurrence=2),
                        NewCoding("fg", 0, 0, "online", "ben", quote="price was fiar")], who="ana")


def _quotes(store: QualStore) -> list[tuple[str, str]]:
    with store.read() as conn:
        text = conn.execute(sa.select(documents.c.text).where(documents.c.name == "fg")).scalar_one()
        rows = conn.execute(sa.select(codings.c.start, codings.c.end, codings.c.coder).order_by(codings.c.start)).all()
    return [(text[r.start : r.end], r.coder) for r in rows]


def test_a_changed_file_is_refused_naming_real_ways_out(qual_study: Study, store: QualStore) -> None:
    _coded(qual_study, store)
    with pytest.raises(TranscriptError, match="--replace.*--name NEW.*documents remove STUDY fg"):
        import_transcript(qual_study, write(qual_study.folder / "fg.txt", RIGHT), name="fg", store=store)


def test_replace_keeps_codings_whose_words_are_found_and_lists_the_others(qual_study: Study, store: QualStore) -> None:
    _coded(qual_study, store)
    assert len(_quotes(store)) == 3
    with store.read() as conn:
        before = conn.execute(sa.select(turns.c.speaker)).scalars().all()
    assert before == ["(no speaker)"]
    report = import_transcript(qual_study, write(qual_study.folder / "fg.txt", RIGHT), name="fg", store=store,
                               replace=True)
    assert report.status == "replaced" and report.kept == 2
    assert [(d["code"], d["coder"]) for d in report.dropped] == [("online", "ben")]
    assert _quotes(store) == [("For my career", "ana"), ("I agree", "ana")]
    with store.read() as conn:
        text = conn.execute(sa.select(documents.c.text).where(documents.c.name == "fg")).scalar_one()
        speakers = conn.execute(sa.select(turns.c.speaker).order_by(turns.c.idx)).scalars().all()
        detail = json.loads(conn.execute(sa.select(audit.c.detail).where(audit.c.action == "replace_transcript"))
                            .scalar_one())
    assert speakers == ["M1", "P01", "P02"]
    # the second "I agree" (Ryan's) is the one kept coded, where it now is
    second = text.index("I agree", text.index("I agree") + 1)
    with store.read() as conn:
        starts = conn.execute(sa.select(codings.c.start).where(codings.c.coder == "ana")).scalars().all()
    assert second in starts
    assert detail["codings_kept"] == 2 and detail["codings_dropped"][0]["quote"] == "price was fiar"


def test_remove_refuses_without_yes_then_takes_everything(qual_study: Study, store: QualStore) -> None:
    _coded(qual_study, store)
    with store.write() as conn:
        memos_db.add(conn, target_kind="document", target_id=1, author="ana", text="a note")
    with pytest.raises(ConflictError, match="3 coding\\(s\\) and 1 memo"):
        remove_document(qual_study, store, "fg")
    assert len(_quotes(store)) == 3  # nothing removed
    removed = remove_document(qual_study, store, "fg", confirmed=True, who="ana")
    assert (removed.turns, removed.codings, removed.memos) == (1, 3, 1)
    with store.read() as conn:
        assert [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (documents, turns, codings, memos)] == [0, 0, 0, 0]
        assert conn.execute(sa.select(audit.c.who).where(audit.c.action == "remove_document")).scalar_one() == "ana"
    with pytest.raises(NotFoundError):
        remove_document(qual_study, store, "fg")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_commands(qual_study: Study, tmp_path: Path) -> None:
    study = str(qual_study.folder)
    wrong = write(tmp_path / "fg.txt", WRONG)
    code, out, _ = run("transcripts", "import", study, str(wrong), "--name", "fg", "--keep-unmatched")
    assert code == 0 and "fg: imported, 1 turns" in out
    code, _, err = run("transcripts", "import", study, str(write(tmp_path / "fg.txt", RIGHT)), "--name", "fg")
    assert code == 2 and "--replace" in err and "No such option" not in err
    code, out, _ = run("transcripts", "import", study, str(tmp_path / "fg.txt"), "--name", "fg", "--replace")
    assert code == 0 and "fg: replaced, 3 turns" in out and "0 coding(s) kept, 0 dropped" in out
    code, _, err = run("transcripts", "import", study, str(wrong), str(tmp_path / "fg.txt"), "--name", "x")
    assert code == 2 and "one file" in err
    assert run("documents", "remove", study, "nothing")[0] == 2
    code, out, _ = run("documents", "remove", study, "fg")
    assert code == 0 and "fg: removed, with 3 turn(s), 0 coding(s)" in out


def test_a_file_with_no_layout_understood_is_pointed_to_the_layouts(qual_study: Study, tmp_path: Path) -> None:
    words = " ".join(["and then we talked about the course"] * 200)
    code, out, _ = run("transcripts", "import", str(qual_study.folder), str(write(tmp_path / "x.txt", words)))
    assert code == 0 and "no speaker labels found" in out and "**Name:** text" in out and "docs/transcripts.md" in out
    assert "--turns" not in out


def test_a_declared_transcript_corrected_in_place_replaces_its_document(qual_study: Study) -> None:
    """Every command opens the study first, so a changed declared file refused would leave no command to run."""
    from learnervoice.workspace import open_workspace

    folder = qual_study.folder
    yaml = (folder / "study.yaml").read_text(encoding="utf-8") + "transcripts:\n  - {file: fg.txt, name: fg}\n"
    (folder / "study.yaml").write_text(yaml, encoding="utf-8")
    write(folder / "fg.txt", RIGHT.replace("fair", "fiar"))
    with open_workspace(folder) as ws:
        add_codings(ws.qual, [NewCoding("fg", 0, 0, "career", "ana", quote="For my career"),
                              NewCoding("fg", 0, 0, "online", "ben", quote="price was fiar")], who="ana")
    write(folder / "fg.txt", RIGHT)
    with open_workspace(folder) as ws:
        assert _quotes(ws.qual) == [("For my career", "ana")]
        with ws.qual.read() as conn:
            detail = json.loads(conn.execute(sa.select(audit.c.detail).where(audit.c.action == "replace_transcript"))
                                .scalar_one())
    assert detail["codings_kept"] == 1 and [d["coder"] for d in detail["codings_dropped"]] == ["ben"]


def test_names_and_declared_transcripts_that_import_may_not_take(qual_study: Study, tmp_path: Path) -> None:
    """Found by trying: --replace of a declared transcript dropped all its codings (study.yaml brought the file back);
    a document named open:… or with a slash could not be removed afterwards."""
    folder = qual_study.folder
    yaml = (folder / "study.yaml").read_text(encoding="utf-8") + "transcripts:\n  - {file: fg.txt, name: fg}\n"
    (folder / "study.yaml").write_text(yaml, encoding="utf-8")
    write(folder / "fg.txt", RIGHT)
    other = write(tmp_path / "other.txt", RIGHT.replace("fair", "high"))
    code, _, err = run("transcripts", "import", str(folder), str(other), "--name", "fg", "--replace")
    assert code == 2 and "declared in study.yaml" in err
    for bad in ("open:foo", "a/b", "..", ".hidden"):
        code, _, err = run("transcripts", "import", str(folder), str(other), "--name", bad)
        assert code == 2 and "--name" in err, bad
    with sa.create_engine(f"sqlite:///{folder / 'qual.sqlite'}").connect() as conn:
        names = conn.execute(sa.select(documents.c.name)).scalars().all()
    assert names == ["fg"]


def test_a_document_with_memos_only_needs_yes_and_older_placed_changes_are_not_undone_after(
        qual_study: Study, store: QualStore) -> None:
    from learnervoice.qual.accounts import User
    from learnervoice.qual.history import undo
    from learnervoice.qual.workbench import delete_coding

    _coded(qual_study, store)
    with store.read() as conn:
        guid = conn.execute(sa.select(codings.c.guid).where(codings.c.coder == "ben")).scalar_one()
    delete_coding(store, guid, User(0, "ben", "coder", ""))
    with store.write() as conn:
        doc = conn.execute(sa.select(documents.c.id).where(documents.c.name == "fg")).scalar_one()
        memos_db.add(conn, target_kind="document", target_id=doc, author="ana", text="a memo", created_at=None,
                     guid="m-1")
        conn.execute(codings.delete())
    with pytest.raises(ConflictError, match="0 coding\\(s\\) and 1 memo"):
        remove_document(qual_study, store, "fg")
    remove_document(qual_study, store, "fg", confirmed=True)
    import_transcript(qual_study, write(qual_study.folder / "other.txt", RIGHT), name="other", store=store)
    with pytest.raises(ConflictError, match="fg was removed"):  # its document id may now be other's
        undo(qual_study, store, who="ben", by=["ben"], kinds=("codings",))
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(codings)).scalar_one() == 0
