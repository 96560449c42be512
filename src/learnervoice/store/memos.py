"""Memos: notes on a document, a code or a coding, named outside the store by a GUID."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import codes, codings, documents, memos, now
from .sql import insert_id

TARGETS = ("document", "code", "coding")


@dataclass(frozen=True)
class Memo:
    id: int
    target_kind: str  # document, code, coding; from a REFI-QDA project also project (0) and note (0: on nothing)
    target_id: int
    author: str
    text: str
    created_at: datetime
    guid: str | None


def target_id(conn: Connection, kind: str, target: str | int) -> int | None:
    """The row of a memo's target: a document by name, a code by key, a coding by row number."""
    table, column = {"document": (documents, documents.c.name), "code": (codes, codes.c.key),
                     "coding": (codings, codings.c.id)}[kind]
    value = conn.execute(sa.select(table.c.id).where(column == target)).scalar()
    return None if value is None else int(value)


def add(conn: Connection, *, target_kind: str, target_id: int, author: str, text: str,
        created_at: datetime | None = None, guid: str | None = None) -> int:
    """A memo (a random GUID unless one is given); its id."""
    values: dict[str, Any] = {"target_kind": target_kind, "target_id": target_id, "author": author, "text": text,
                              "created_at": created_at or now()}
    if guid is not None:
        values["guid"] = guid
    return insert_id(conn, memos.insert().values(**values))


def guid_of(conn: Connection, memo: int) -> str:
    return str(conn.execute(sa.select(memos.c.guid).where(memos.c.id == memo)).scalar_one())


def rows_on(conn: Connection, kind: str, target: int) -> list[dict[str, Any]]:
    """The memos on one document, code or coding, whole (author, text, created_at, guid …), oldest first."""
    query = sa.select(memos).where(memos.c.target_kind == kind, memos.c.target_id == target).order_by(memos.c.id)
    return [dict(r._mapping) for r in conn.execute(query)]


def delete_on(conn: Connection, kind: str, target: int) -> None:
    """The memos on one document, code or coding go."""
    conn.execute(memos.delete().where(memos.c.target_kind == kind, memos.c.target_id == target))


def on_document(conn: Connection, document_id: int, authors: Collection[str] | None) -> list[dict[str, Any]]:
    """Memos on the document and on its codings by these authors (everyone's with None), oldest first:
    the memo's GUID, target_kind, the coding's GUID (for memos on codings), author and text."""
    on_coding = sa.and_(memos.c.target_kind == "coding", codings.c.id == memos.c.target_id)
    query = (sa.select(memos.c.guid, memos.c.target_kind, codings.c.guid.label("coding"), memos.c.author, memos.c.text)
             .select_from(memos.outerjoin(codings, on_coding))
             .where(sa.or_(sa.and_(memos.c.target_kind == "document", memos.c.target_id == document_id),
                           sa.and_(memos.c.target_kind == "coding", codings.c.document_id == document_id)))
             .order_by(memos.c.id))
    if authors is not None:
        query = query.where(memos.c.author.in_(sorted(authors)))
    return [dict(r._mapping) for r in conn.execute(query)]


def all_memos(conn: Connection) -> list[Memo]:
    """Every memo, oldest first."""
    rows = conn.execute(sa.select(memos).order_by(memos.c.id)).all()
    return [Memo(r.id, r.target_kind, r.target_id, r.author, r.text, r.created_at, r.guid) for r in rows]


def texts(conn: Connection) -> list[tuple[int, str]]:
    """(id, text) of every memo, oldest first."""
    return [(r.id, r.text) for r in conn.execute(sa.select(memos.c.id, memos.c.text).order_by(memos.c.id))]
