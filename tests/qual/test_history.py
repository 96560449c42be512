"""Undo and history of codebook operations and codings, on SQLite and on PostgreSQL (the team server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from learnervoice.errors import ConflictError, NotFoundError
from learnervoice.qual.accounts import User
from learnervoice.qual.codebook import delete_code, load_codebook, merge_codes, move_code, rename_code, split_code, sync_codebook
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.history import history, undo
from learnervoice.qual.workbench import add_code, add_memo, delete_coding, document_codings, update_coding
from learnervoice.store import QualStore
from learnervoice.store.schema import audit, codes, codings, memos
from learnervoice.study.load import Study
from learnervoice.privacy.gate import gate_for

from .conftest import write

TRANSCRIPT = """Melissa Ko: What made you sign up?
Ryan Sloan: Mostly promotion. My employer counts accredited courses.
Srijani Ghosh: I just love learning new things, it is a pleasure.
Shreeharsh Kelkar: Promotion for me too, and I prefer online courses I can follow asynchronously.
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, qual_study: Study, tmp_path: Path) -> Iterator[QualStore]:
    url = request.getfixturevalue("pg_database") if request.param == "postgresql" else None
    made = QualStore.for_study(qual_study, url=url)
    sync_codebook(qual_study, made)
    import_transcript(qual_study, write(tmp_path / "fg1.txt", TRANSCRIPT), store=made)
    yield made
    made.close()


def _text(store: QualStore) -> str:
    with store.read() as conn:
        return str(conn.execute(sa.text("SELECT text FROM documents")).scalar_one())


def _at(store: QualStore, words: str, code: str, coder: str) -> NewCoding:
    start = _text(store).index(words)
    return NewCoding("fg1", start, start + len(words), code, coder)


def _state(store: QualStore) -> tuple[list[Any], list[Any], list[Any]]:
    """Every code and coding and memo, whole: what an undo must put back exactly."""
    with store.read() as conn:
        return ([tuple(r) for r in conn.execute(sa.select(codes).order_by(codes.c.id))],
                [tuple(r) for r in conn.execute(sa.select(codings).order_by(codings.c.id))],
                [(r.target_kind, r.target_id, r.text, r.created_at, r.guid) for r in conn.execute(sa.select(memos).order_by(memos.c.guid))])


def test_undo_of_a_merge_restores_the_codes_and_their_codings_exactly(qual_study: Study, store: QualStore) -> None:
    add_codings(store, [_at(store, "Mostly promotion", "career", "anna"), _at(store, "Mostly promotion", "pleasure", "anna"),
                        _at(store, "Promotion for me too", "career", "ben"), _at(store, "I just love", "pleasure", "ben")],
                who="t")
    add_code(qual_study, store, "recognition", "Recognition", "career", "", "ana")  # a sub-code that moves with the merge
    before = _state(store)
    assert merge_codes(qual_study, store, "career", "pleasure", "ana") == 2  # one moved, one repeated pleasure's: gone
    assert _state(store) != before and "career" not in {c.key for c in _all(qual_study)}
    done = undo(qual_study, store, who="ana")
    assert done.action == "merge_codes" and done.what == "merge career into pleasure" and done.undone_by
    assert _state(store) == before  # ids, GUIDs, times, parents and places as they were
    assert "career" in {c.key for c in _all(qual_study)}  # codebook.yaml written back
    with pytest.raises(NotFoundError, match="no change"):
        undo(qual_study, store, who="ana", record=done.id, kinds=("codings",))
    with pytest.raises(ConflictError, match="undone already"):
        undo(qual_study, store, who="ana", record=done.id)


def _all(study: Study) -> list[Any]:
    from learnervoice.qual.codebook import all_codes

    return all_codes(load_codebook(study).codes)


def test_codebook_operations_undo_newest_first(qual_study: Study, store: QualStore) -> None:
    add_codings(store, [_at(store, "Mostly promotion", "online", "anna"), _at(store, "I just love", "online", "anna")],
                who="t")
    start = _state(store)
    rename_code(qual_study, store, "online", "Online learning", "ana")
    move_code(qual_study, store, "online", "motivation", "ana")
    with store.read() as conn:
        ids = [int(i) for i in conn.execute(sa.select(codings.c.id).order_by(codings.c.id)).scalars()][:1]
    split_code(qual_study, store, "online", "online_live", "Live online", ids, "ana")
    delete_code(qual_study, store, "asynchronous", "ana")
    delete_code(qual_study, store, "online", "ana", drop_codings=True)
    listed = history(store, kinds=("codebook",))
    assert [c.action for c in listed[:5]] == ["delete_code", "delete_code", "split_code", "move_code", "rename_code"]
    assert all(c.can_undo for c in listed[:5])
    for _ in range(5):
        undo(qual_study, store, who="ana", kinds=("codebook",))
    assert _state(store) == start
    assert [c.undone_by is not None for c in history(store, kinds=("codebook",))[:5]] == [True] * 5
    with store.read() as conn:
        undos = conn.execute(sa.select(sa.func.count()).select_from(audit).where(audit.c.action == "undo")).scalar_one()
    assert undos == 5  # each undo is in the audit log


def test_a_later_change_in_the_way_is_named_and_nothing_changes(qual_study: Study, store: QualStore) -> None:
    rename_code(qual_study, store, "online", "Online learning", "ana")
    first = history(store)[0].id
    rename_code(qual_study, store, "online", "Online courses", "ana")
    before = _state(store)
    with pytest.raises(ConflictError, match="undo the later change first"):
        undo(qual_study, store, who="ana", record=first)
    assert _state(store) == before


def test_codings_added_recoded_and_deleted_are_undone_with_their_memos(qual_study: Study, store: QualStore) -> None:
    anna = User(1, "anna", "coder", "secret")
    empty = _state(store)
    add_codings(store, [_at(store, "Mostly promotion", "career", "anna")], who="anna")
    after_add = _state(store)
    coding = document_codings(store, "fg1", None)[0].id
    add_memo(store, "coding", coding, "Promotion as the reason.", anna, gate=gate_for(qual_study))
    with_memo = _state(store)
    update_coding(store, coding, anna, code="pleasure")
    undo(qual_study, store, who="anna", by=["anna"])
    assert _state(store) == with_memo  # recoded back
    delete_coding(store, coding, anna)
    assert document_codings(store, "fg1", None) == []
    undo(qual_study, store, who="anna", by=["anna"])
    assert _state(store) == with_memo  # the coding is back with its GUID, its time and its memo
    own = history(store, who=["anna"], kinds=("codings",))
    assert [(c.action, c.undone_by is not None) for c in own] == [
        ("delete_coding", True), ("update_coding", True), ("add_codings", False)]
    assert own[1].what == "recode a coding as pleasure" and own[2].what == "add 1 coding(s)"
    undo(qual_study, store, who="anna", by=["anna"])
    assert _state(store)[1] == empty[1] and _state(store)[2] == []  # the coding and the memo on it go
    assert after_add != empty
    with pytest.raises(NotFoundError, match="nothing to undo"):
        undo(qual_study, store, who="anna", by=["anna"])


def test_undoing_an_add_after_the_coding_changed_is_refused(qual_study: Study, store: QualStore) -> None:
    anna = User(1, "anna", "coder", "secret")
    add_codings(store, [_at(store, "Mostly promotion", "career", "anna")], who="anna")
    added = history(store)[0].id
    delete_coding(store, document_codings(store, "fg1", None)[0].id, anna)
    with pytest.raises(ConflictError, match="undo the later change first"):
        undo(qual_study, store, who="anna", record=added)


def test_auto_coding_adds_in_batches_each_coding_once_and_undo_removes_exactly_those(qual_study: Study,
                                                                                       store: QualStore) -> None:
    from learnervoice.qual.codings import autocode

    add_codings(store, [_at(store, "Mostly promotion.", "career", "auto")], who="t")  # one there already
    before = _state(store)
    # the first sentence is coded already; below, one span is named twice in a batch and one is there already
    assert autocode(store, "career", coder="auto", pattern="promotion", who="t") == 1
    repeated, there = _at(store, "Promotion for me too", "career", "auto"), _at(store, "Mostly promotion.", "career", "auto")
    assert add_codings(store, [repeated, there, repeated, _at(store, "I just love", "career", "auto")], who="t") == 2
    with store.read() as conn:
        records = [json_detail(r) for r in conn.execute(sa.select(audit.c.detail).where(audit.c.action == "add_codings")
                                                        .order_by(audit.c.id.desc())).scalars()][:2]
        stored = {r.guid: (r.start, r.end) for r in conn.execute(sa.select(codings))}
    added = [g for r in records for g in r["undo"]["added"]]
    assert len(added) == 3 and set(added) <= set(stored) and len(stored) == len(before[1]) + 3
    assert records[0]["count"] == 4  # the batch as given; two of it added nothing
    undo(qual_study, store, who="t")
    undo(qual_study, store, who="t")
    assert _state(store) == before  # exactly what the two batches added is gone; the coding there before stays


def json_detail(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


def test_a_suggestion_accepted_twice_is_added_once_and_each_acceptance_undoes(qual_study: Study, store: QualStore) -> None:
    """On PostgreSQL the second acceptance was recorded as adding a coding it did not add (the row count of an
    INSERT … ON CONFLICT DO NOTHING RETURNING is -1 there), and its undo was then refused."""
    from learnervoice.qual.suggest import record_decision

    from learnervoice.store import accounts as accounts_db

    with store.write() as conn:  # a coder with an account: decisions are for coders that exist
        accounts_db.add(conn, "anna", "(hash)", "coder")
    before = _state(store)
    span = _at(store, "Mostly promotion.", "career", "anna")
    for _ in range(2):
        record_decision(store, "career", "anna", "fg1", span.start, span.end, accepted=True)
    with store.read() as conn:
        details = [json_detail(d) for d in conn.execute(sa.select(audit.c.detail).where(audit.c.action == "add_codings")
                                                        .order_by(audit.c.id)).scalars()]
    assert [len(d["undo"]["added"]) for d in details] == [1, 0]
    undo(qual_study, store, who="anna")  # the second: nothing to remove
    undo(qual_study, store, who="anna")
    assert _state(store) == before
