"""Codings: a span of a document's text marked with a code by a coder, named outside the store by a GUID."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import codes, codings, documents, memos
from .sql import insert_id, insert_many_or_ignore, insert_or_ignore


@dataclass(frozen=True)
class Coding:
    id: int
    document_id: int
    start: int
    end: int
    code_id: int
    coder: str
    guid: str


@dataclass(frozen=True)
class PlacedCoding:
    """A coding as a reader shows it: GUID, span, code key, coder."""

    guid: str
    start: int
    end: int
    code: str
    coder: str


@dataclass(frozen=True)
class CodedSpan:
    code: str
    document_id: int
    coder: str
    start: int
    end: int


def add_if_new(conn: Connection, *, document_id: int, start: int, end: int, code_id: int, coder: str,
               created_at: datetime, guid: str | None = None) -> bool:
    """A coding, unless the same coder coded the same span with the same code already (safe when writers race)."""
    row = {"document_id": document_id, "start": start, "end": end, "code_id": code_id, "coder": coder,
           "created_at": created_at}
    return insert_or_ignore(conn, codings, row | ({"guid": guid} if guid is not None else {}))


def add_many_if_new(conn: Connection, rows: Sequence[dict[str, Any]]) -> set[str]:
    """Codings in batches (document_id, start, end, code_id, coder, created_at, guid), each unless the same coder
    coded the same span with the same code already (in the store or earlier in `rows`); the GUIDs of those added."""
    return {str(guid) for guid in insert_many_or_ignore(conn, codings, rows, returning=codings.c.guid)}


def add(conn: Connection, *, document_id: int, start: int, end: int, code_id: int, coder: str, created_at: datetime,
        guid: str) -> int:
    """A coding with a GUID given (one kept from an imported project); its id."""
    return insert_id(conn, codings.insert().values(document_id=document_id, start=start, end=end, code_id=code_id,
                                                   coder=coder, created_at=created_at, guid=guid))


def by_guid(conn: Connection, guid: str) -> Coding | None:
    r = conn.execute(sa.select(codings).where(codings.c.guid == guid)).first()
    return None if r is None else Coding(r.id, r.document_id, r.start, r.end, r.code_id, r.coder, r.guid)


def guid_of(conn: Connection, *, document: str, start: int, end: int, code: str, coder: str) -> str:
    """The GUID of the coding of this span of a document (by name) with a code (by key) by a coder."""
    return str(conn.execute(
        sa.select(codings.c.guid).join(documents, documents.c.id == codings.c.document_id)
        .join(codes, codes.c.id == codings.c.code_id)
        .where(documents.c.name == document, codings.c.start == start, codings.c.end == end, codes.c.key == code,
               codings.c.coder == coder)
    ).scalar_one())


def guids(conn: Connection, ids: Collection[int]) -> dict[int, str]:
    """Row number -> GUID of the codings given (those that still exist)."""
    if not ids:
        return {}
    rows = conn.execute(sa.select(codings.c.id, codings.c.guid).where(codings.c.id.in_(sorted(set(ids))))).all()
    return {int(r.id): str(r.guid) for r in rows}


def in_document(conn: Connection, name: str, coders: Collection[str] | None) -> list[PlacedCoding]:
    """The document's codings by these coders (everyone's with None), by position."""
    query = (sa.select(codings.c.guid, codings.c.start, codings.c.end, codes.c.key, codings.c.coder)
             .join(codes, codes.c.id == codings.c.code_id).join(documents, documents.c.id == codings.c.document_id)
             .where(documents.c.name == name).order_by(codings.c.start, codings.c.id))
    if coders is not None:
        query = query.where(codings.c.coder.in_(sorted(coders)))
    return [PlacedCoding(*r) for r in conn.execute(query)]


def move(conn: Connection, coding: int, *, start: int, end: int, code_id: int) -> bool:
    """New span and code of a coding; False (and nothing changed) when that coding exists already."""
    try:
        with conn.begin_nested():
            conn.execute(codings.update().where(codings.c.id == coding).values(start=start, end=end, code_id=code_id))
    except sa.exc.IntegrityError:
        return False
    return True


def delete(conn: Connection, coding: int) -> None:
    conn.execute(codings.delete().where(codings.c.id == coding))


def count_of_code(conn: Connection, code: int) -> int:
    return int(conn.execute(sa.select(sa.func.count()).where(codings.c.code_id == code)).scalar_one())


def ids_of_code(conn: Connection, code: int, among: Collection[int]) -> set[int]:
    """Which of the codings `among` are codings of the code."""
    query = sa.select(codings.c.id).where(codings.c.code_id == code, codings.c.id.in_(set(among)))
    return {r.id for r in conn.execute(query)}


def set_code(conn: Connection, ids: Collection[int], code: int) -> None:
    conn.execute(codings.update().where(codings.c.id.in_(set(ids))).values(code_id=code))


def delete_of_code(conn: Connection, code: int) -> None:
    conn.execute(codings.delete().where(codings.c.code_id == code))


@dataclass(frozen=True)
class Reassigned:
    """What moving one code's codings to another did: the codings moved, and those that went (as rows) because
    the target had the same coding already."""

    moved: list[int]
    dropped: list[dict[str, Any]]


def reassign(conn: Connection, source: int, target: int) -> Reassigned:
    """Move the codings of one code to another; one that would repeat a coding of the target goes."""
    rows = conn.execute(sa.select(codings).where(codings.c.code_id == source).order_by(codings.c.id)).all()
    moved: list[int] = []
    dropped: list[dict[str, Any]] = []
    for r in rows:
        clash = conn.execute(
            sa.select(codings.c.id).where(
                codings.c.document_id == r.document_id, codings.c.start == r.start, codings.c.end == r.end,
                codings.c.coder == r.coder, codings.c.code_id == target,
            )
        ).first()
        if clash is None:
            conn.execute(codings.update().where(codings.c.id == r.id).values(code_id=target))
            moved.append(int(r.id))
        else:
            conn.execute(codings.delete().where(codings.c.id == r.id))
            dropped.append(dict(r._mapping))
    return Reassigned(moved, dropped)


def rows_of_code(conn: Connection, code: int) -> list[dict[str, Any]]:
    """Every coding of a code, whole (id, document_id, start, end, code_id, coder, created_at, guid)."""
    return [dict(r._mapping) for r in conn.execute(sa.select(codings).where(codings.c.code_id == code).order_by(codings.c.id))]


def rows_by_guid(conn: Connection, guids: Collection[str]) -> dict[str, dict[str, Any]]:
    """GUID -> the whole coding, of the codings given (those that exist)."""
    found: dict[str, dict[str, Any]] = {}
    wanted = sorted(set(guids))
    for at in range(0, len(wanted), 500):
        query = sa.select(codings).where(codings.c.guid.in_(wanted[at : at + 500]))
        found |= {str(r.guid): dict(r._mapping) for r in conn.execute(query)}
    return found


def codes_of(conn: Connection, ids: Collection[int]) -> dict[int, int]:
    """Coding id -> its code's id, of the codings given (those that exist)."""
    wanted = sorted(set(ids))
    found: dict[int, int] = {}
    for at in range(0, len(wanted), 500):
        query = sa.select(codings.c.id, codings.c.code_id).where(codings.c.id.in_(wanted[at : at + 500]))
        found |= {int(r.id): int(r.code_id) for r in conn.execute(query)}
    return found


def restore(conn: Connection, row: dict[str, Any]) -> int | None:
    """A coding put back as it was (its id too, unless another coding has it now); None when the same coding
    (span, code, coder) exists again."""
    taken = conn.execute(sa.select(codings.c.id).where(codings.c.id == row["id"])).first() is not None
    values = {k: v for k, v in row.items() if k != "id" or not taken}
    try:
        with conn.begin_nested():
            return insert_id(conn, codings.insert().values(**values))
    except sa.exc.IntegrityError:
        return None


def delete_ids(conn: Connection, ids: Collection[int]) -> None:
    wanted = sorted(set(ids))
    for at in range(0, len(wanted), 500):
        conn.execute(codings.delete().where(codings.c.id.in_(wanted[at : at + 500])))


def spans(conn: Connection) -> list[CodedSpan]:
    """Every coding as (code key, document id, coder, start, end)."""
    query = (sa.select(codes.c.key, codings.c.document_id, codings.c.coder, codings.c.start, codings.c.end)
             .join(codes, codes.c.id == codings.c.code_id))
    return [CodedSpan(*r) for r in conn.execute(query)]


def quote_texts(conn: Connection, ids: Collection[int], context: int) -> list[tuple[int, str, str, str]]:
    """(coding id, quoted words, `context` characters before, after), cut by the database (no transcript leaves it whole)."""
    start, end, text = codings.c.start, codings.c.end, documents.c.text
    before_from = sa.func.max(start - context, 0) if conn.dialect.name == "sqlite" else sa.func.greatest(start - context, 0)
    query = (
        sa.select(
            codings.c.id.label("coding_id"),
            sa.func.substr(text, start + 1, end - start).label("quote"),
            sa.func.substr(text, before_from + 1, start - before_from).label("before"),
            sa.func.substr(text, end + 1, context).label("after"),
        )
        .join(documents, documents.c.id == codings.c.document_id)
        .where(codings.c.id.in_(list(ids)))
    )
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]


def count(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(codings)).scalar_one())


def of_document(conn: Connection, document_id: int) -> list[PlacedCoding]:
    """The document's codings with their row numbers in place of GUIDs (for moving them inside the store)."""
    query = (sa.select(codings.c.id, codings.c.start, codings.c.end, codes.c.key, codings.c.coder)
             .join(codes, codes.c.id == codings.c.code_id).where(codings.c.document_id == document_id)
             .order_by(codings.c.start, codings.c.id))
    return [PlacedCoding(str(r.id), r.start, r.end, r.key, r.coder) for r in conn.execute(query)]


SHIFT = 1_000_000_000  # past any text (and inside PostgreSQL's integers): codings moved there first meet none not moved yet


def relocate(conn: Connection, places: dict[int, tuple[int, int]]) -> None:
    """Move codings to new (start, end) in two steps, so that no step repeats another coding's place."""
    if not places:
        return
    moved = [{"row": i, "a": a, "b": b} for i, (a, b) in places.items()]
    away = codings.update().where(codings.c.id == sa.bindparam("row"))
    conn.execute(away.values(start=codings.c.start + SHIFT, end=codings.c.end + SHIFT), moved)
    conn.execute(away.values(start=sa.bindparam("a"), end=sa.bindparam("b")), moved)


def delete_many(conn: Connection, ids: Collection[int]) -> None:
    """Codings gone, with the memos written on them."""
    if ids:
        conn.execute(memos.delete().where(memos.c.target_kind == "coding", memos.c.target_id.in_(list(ids))))
        conn.execute(codings.delete().where(codings.c.id.in_(list(ids))))
