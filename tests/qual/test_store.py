"""The store's later migrations on a store made before them, on SQLite and on PostgreSQL: what was kept stays."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from learnervoice.qual.accounts import add_user, get_user, verify_password
from learnervoice.qual.store import MIGRATIONS, QualStore, migrations_table, now, sqlite_engine

PASSWORD = "a long enough password"
OLD_USERS = """CREATE TABLE users (id {key}, name VARCHAR(100) NOT NULL UNIQUE, password_hash TEXT NOT NULL,
role VARCHAR(10) NOT NULL, session_epoch INTEGER NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL)"""


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    if request.param == "postgresql":
        made = sa.create_engine(request.getfixturevalue("pg_database"))
    else:
        made = sqlite_engine(f"sqlite:///{tmp_path / 'qual.sqlite'}")
    yield made
    made.dispose()


def a_store_as_of_0004(engine: sa.Engine) -> None:
    """What 0001–0004 made: users with a session epoch, and two accounts."""
    from argon2 import PasswordHasher

    key = "SERIAL PRIMARY KEY" if engine.dialect.name == "postgresql" else "INTEGER PRIMARY KEY"
    with engine.begin() as conn:
        migrations_table.create(conn)
        for name, step in MIGRATIONS[:4]:
            if name.startswith("0004"):
                conn.exec_driver_sql(OLD_USERS.format(key=key))
            step(conn)
            conn.execute(migrations_table.insert().values(name=name, applied_at=now()))
        hashed = PasswordHasher().hash(PASSWORD)
        for name in ("ana", "ben"):
            conn.execute(sa.text("INSERT INTO users (name, password_hash, role, session_epoch, created_at) "
                                 "VALUES (:name, :hashed, 'coder', 3, CURRENT_TIMESTAMP)"), {"name": name, "hashed": hashed})


def test_accounts_get_session_secrets(engine: sa.Engine) -> None:
    a_store_as_of_0004(engine)
    store = QualStore(engine)
    assert store.migrate() == ["0005_session_secrets"]
    columns = {c["name"] for c in sa.inspect(engine).get_columns("users")}
    assert "session_epoch" not in columns and "session_secret" in columns
    ana, ben = get_user(store, "ana"), get_user(store, "ben")
    assert ana is not None and ben is not None
    assert len(ana.session_secret) >= 32 and ana.session_secret != ben.session_secret
    assert verify_password(store, "ana", PASSWORD) == ana  # passwords and ids kept
    cy = add_user(store, "cy", PASSWORD, "owner")
    assert cy.id not in (ana.id, ben.id)
    assert store.migrate() == []
