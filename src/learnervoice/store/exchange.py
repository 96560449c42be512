"""REFI-QDA exchange: what a project export reads at once (documents, codings with their codes, memos, who
speaks where), what an import writes in bulk, and the project's objects the study's own tables do not hold
(users' GUIDs, variables' types, cases, sets, notes' names, sources' descriptions; a code's isCodable is the
codes table's `codable`, from codebook.yaml)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import memos as memo_rows
from .schema import codes, codings, documents, exchange_objects, memos, turns


@dataclass(frozen=True)
class Source:
    id: int
    name: str
    text: str
    imported_at: datetime
    guid: str | None


@dataclass(frozen=True)
class Selection:
    """A coding with its code's key and exchange GUID."""

    id: int
    document_id: int
    start: int
    end: int
    coder: str
    created_at: datetime
    guid: str | None
    key: str
    code_guid: str | None


@dataclass(frozen=True)
class Project:
    sources: list[Source]  # in the order they were stored
    selections: list[Selection]  # likewise
    memos: list[memo_rows.Memo]  # likewise
    speakers: list[tuple[int, str]]  # (document id, participant pseudonym) of every turn a participant speaks


def project(conn: Connection) -> Project:
    """Everything a project export writes but the codebook (which `codebook.all_codes` gives)."""
    docs = conn.execute(sa.select(documents).order_by(documents.c.id)).all()
    selections = conn.execute(
        sa.select(codings, codes.c.key, codes.c.guid.label("code_guid"))
        .join(codes, codes.c.id == codings.c.code_id).order_by(codings.c.id)
    ).all()
    speakers = conn.execute(sa.select(turns.c.document_id, turns.c.participant).where(turns.c.participant.is_not(None))).all()
    return Project(
        [Source(d.id, d.name, d.text, d.imported_at, d.guid) for d in docs],
        [Selection(c.id, c.document_id, c.start, c.end, c.coder, c.created_at, c.guid, c.key, c.code_guid) for c in selections],
        memo_rows.all_memos(conn),
        [(t.document_id, t.participant) for t in speakers],
    )


@dataclass(frozen=True)
class ExchangeObject:
    """One object of a project kept for the next export: its kind, GUID, name and what else was said of it."""

    kind: str  # user, code (name: the key), variable, case (name: the pseudonym), set, note, source, project
    guid: str
    name: str
    detail: dict[str, Any] = field(default_factory=dict)


KINDS = ("user", "code", "variable", "case", "set", "note", "source", "project")
NAMED_KINDS = ("user", "code", "variable", "case", "source")  # one object per name; sets and notes by GUID


def objects(conn: Connection, kind: str) -> list[ExchangeObject]:
    """The kept objects of one kind, in the order they were kept."""
    rows = conn.execute(sa.select(exchange_objects).where(exchange_objects.c.kind == kind)
                        .order_by(exchange_objects.c.id)).all()
    return [ExchangeObject(r.kind, r.guid, r.name, json.loads(r.detail)) for r in rows]


def keep_objects(conn: Connection, rows: Sequence[ExchangeObject]) -> None:
    """Keep these objects, each replacing one of its kind with its name (named kinds) or its GUID."""
    for kind in {r.kind for r in rows}:
        mine = [r for r in rows if r.kind == kind]
        column = exchange_objects.c.name if kind in NAMED_KINDS else exchange_objects.c.guid
        values = [r.name if kind in NAMED_KINDS else r.guid for r in mine]
        for at in range(0, len(values), 500):
            conn.execute(exchange_objects.delete().where(exchange_objects.c.kind == kind,
                                                         column.in_(values[at:at + 500])))
    if rows:
        conn.execute(exchange_objects.insert(), [
            {"kind": r.kind, "guid": r.guid, "name": r.name, "detail": json.dumps(r.detail, ensure_ascii=False)}
            for r in rows])


def set_code_guids(conn: Connection, guids: Mapping[str, str]) -> None:
    """Each code (by key) takes the GUID it had in the project or codebook it came from."""
    if guids:
        conn.execute(codes.update().where(codes.c.key == sa.bindparam("k")).values(guid=sa.bindparam("g")),
                     [{"k": key, "g": guid} for key, guid in guids.items()])


def add_codings(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Codings in bulk (document_id, start, end, code_id, coder, created_at, guid); their ids by GUID."""
    if not rows:
        return {}
    conn.execute(codings.insert(), list(rows))
    wanted = {r["guid"] for r in rows}
    found = conn.execute(sa.select(codings.c.guid, codings.c.id)
                         .where(codings.c.document_id.in_({r["document_id"] for r in rows}))).all()
    return {g: i for g, i in found if g in wanted}


def add_memos(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Memos in bulk (target_kind, target_id, author, text, created_at, guid); how many."""
    rows = list(rows)
    if rows:
        conn.execute(memos.insert(), rows)
    return len(rows)
