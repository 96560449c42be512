"""Small SQL helpers the repositories share (inserts that race, inserts that return their id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def insert_or_ignore(conn: Connection, table: sa.Table, row: dict[str, Any]) -> bool:
    """Insert unless a unique constraint says the row is there already (safe when writers race). True if inserted.

    Told by the row the INSERT returns, not by its row count: PostgreSQL's driver counts -1 for an INSERT that
    returns rows, which SQLAlchemy makes of every INSERT into a table with a generated key."""
    statement = _insert_ignoring_conflicts(conn, table).values(**row).returning(*table.primary_key.columns)
    return conn.execute(statement).first() is not None


def insert_many_or_ignore(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]],
                          returning: sa.Column[Any]) -> list[Any]:
    """Insert the rows in batches (multi-row INSERTs), each unless a unique constraint says it is there already,
    an earlier row of the same call included; the `returning` column of those inserted (in no particular order).

    Every row must have the same keys."""
    if not rows:
        return []
    statement = _insert_ignoring_conflicts(conn, table).returning(returning)
    return list(conn.execute(statement, list(rows)).scalars())


def _insert_ignoring_conflicts(conn: Connection, table: sa.Table) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return insert(table).on_conflict_do_nothing()


def insert_id(conn: Connection, statement: sa.Insert) -> int:
    """Run an INSERT and return the new row's id."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])
