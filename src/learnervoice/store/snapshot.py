"""The columns the analytic snapshot copies (codings with their codes and documents; turns), and its version."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import audit as audit_log
from . import codings as coding_rows
from .schema import codes, codings, documents, turns

Columns = dict[str, list[Any]]  # column name -> values, in the order of the columns


def version(conn: Connection) -> tuple[int, int]:
    """(newest audit record, number of codings): what names a snapshot (it is rebuilt when either moves)."""
    return audit_log.last_id(conn), coding_rows.count(conn)


def coding_columns(conn: Connection) -> Columns:
    """coding_id, document_id, document, start, end, code, coder of every coding."""
    return _columns(conn, sa.select(
        codings.c.id.label("coding_id"), codings.c.document_id, documents.c.name.label("document"),
        codings.c.start, codings.c.end, codes.c.key.label("code"), codings.c.coder,
    ).join(codes, codes.c.id == codings.c.code_id).join(documents, documents.c.id == codings.c.document_id))


def turn_columns(conn: Connection) -> Columns:
    """document_id, turn, turn_start, turn_end, speaker, participant, role of every turn."""
    return _columns(conn, sa.select(
        turns.c.document_id, turns.c.idx.label("turn"), turns.c.start.label("turn_start"), turns.c.end.label("turn_end"),
        turns.c.speaker, turns.c.participant, turns.c.role,
    ))


def _columns(conn: Connection, query: sa.Select[Any]) -> Columns:
    result = conn.execute(query)
    names = list(result.keys())
    rows = result.fetchall()
    values: list[list[Any]] = [list(col) for col in zip(*rows)] if rows else [[] for _ in names]
    return dict(zip(names, values))
