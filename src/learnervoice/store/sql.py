"""Small SQL helpers the repositories share (inserts that race, inserts that return their id)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def insert_or_ignore(conn: Connection, table: sa.Table, row: dict[str, Any]) -> bool:
    """Insert unless a unique constraint says the row is there already (safe when writers race). True if inserted."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    result = conn.execute(insert(table).values(**row).on_conflict_do_nothing())
    return bool(result.rowcount)


def insert_id(conn: Connection, statement: sa.Insert) -> int:
    """Run an INSERT and return the new row's id."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])
