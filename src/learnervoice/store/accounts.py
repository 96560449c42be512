"""Accounts of one study (name, role, password hash, session secret) and the study's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import now, study_settings, users


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    session_secret: str = field(repr=False)
    password_hash: str = field(repr=False)


def _account(row: sa.Row[Any]) -> Account:
    return Account(row.id, row.name, row.role, row.session_secret, row.password_hash)


def by_name(conn: Connection, name: str) -> Account | None:
    row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    return None if row is None else _account(row)


def by_id(conn: Connection, user_id: int) -> Account | None:
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    return None if row is None else _account(row)


def all_accounts(conn: Connection) -> list[Account]:
    """Every account, by name."""
    return [_account(r) for r in conn.execute(sa.select(users).order_by(users.c.name)).all()]


def exists(conn: Connection, name: str) -> bool:
    return conn.execute(sa.select(users.c.id).where(users.c.name == name)).first() is not None


def add(conn: Connection, name: str, password_hash: str, role: str) -> None:
    """A new account, with a new session secret."""
    conn.execute(users.insert().values(name=name, password_hash=password_hash, role=role, created_at=now()))


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))


def set_role(conn: Connection, name: str, role: str, *, session_secret: str) -> bool:
    """The account's new role and session secret; False when there is no such account."""
    changed = users.update().where(users.c.name == name).values(role=role, session_secret=session_secret)
    return bool(conn.execute(changed).rowcount)


def set_session_secret(conn: Connection, user_id: int, session_secret: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(session_secret=session_secret))


def remove(conn: Connection, name: str) -> bool:
    """False when there is no such account."""
    return bool(conn.execute(users.delete().where(users.c.name == name)).rowcount)


def setting(conn: Connection, key: str) -> str | None:
    value = conn.execute(sa.select(study_settings.c.value).where(study_settings.c.key == key)).scalar()
    return None if value is None else str(value)


def put_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute(study_settings.delete().where(study_settings.c.key == key))
    conn.execute(study_settings.insert().values(key=key, value=value))
