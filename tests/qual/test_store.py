"""The store's later migrations on a store made before them, on SQLite and on PostgreSQL: what was kept stays."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from learnervoice.qual.accounts import add_user, get_user, verify_password
from learnervoice.store import GUID, QualStore, now
from learnervoice.store.engine import sqlite_engine
from learnervoice.store.schema import (
    BLIND_INDEXES,
    MIGRATIONS,
    codes,
    codings,
    documents,
    exchange_objects,
    memos,
    migrations_table,
)

PASSWORD = "a long enough password"
IMPORTED = "0F0E0D0C-0B0A-4908-8706-050403020100"
OLD_CODES = """CREATE TABLE codes (id {key}, key VARCHAR(100) NOT NULL UNIQUE, name VARCHAR(200) NOT NULL,
parent_id INTEGER REFERENCES codes(id), description TEXT NOT NULL, inclusion TEXT NOT NULL, exclusion TEXT NOT NULL,
example TEXT NOT NULL, colour VARCHAR(9), position INTEGER NOT NULL)"""
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
    """What 0001–0004 made: users with a session epoch, codings and memos without GUIDs, two accounts, four codings."""
    from argon2 import PasswordHasher

    key = "SERIAL PRIMARY KEY" if engine.dialect.name == "postgresql" else "INTEGER PRIMARY KEY"
    with engine.begin() as conn:
        migrations_table.create(conn)
        for name, step in MIGRATIONS[:4]:
            if name.startswith("0004"):
                conn.exec_driver_sql(OLD_USERS.format(key=key))
            step(conn)
            conn.execute(migrations_table.insert().values(name=name, applied_at=now()))
        for index in BLIND_INDEXES:
            index.drop(conn)
        hashed = PasswordHasher().hash(PASSWORD)
        for name in ("ana", "ben"):
            conn.execute(sa.text("INSERT INTO users (name, password_hash, role, session_epoch, created_at) "
                                 "VALUES (:name, :hashed, 'coder', 3, CURRENT_TIMESTAMP)"), {"name": name, "hashed": hashed})
        conn.execute(documents.insert().values(id=1, name="d", source="d.txt", sha256="", format="txt", text="x" * 50,
                                               imported_at=now()))
        conn.execute(codes.insert().values(id=1, key="c", name="C", description="", inclusion="", exclusion="",
                                           example="", position=1))
        for n, guid in enumerate([None, IMPORTED, IMPORTED.lower(), "not a guid"], start=1):
            conn.execute(codings.insert().values(id=n, document_id=1, start=n, end=n + 5, code_id=1, coder="ana",
                                                 created_at=now(), guid=guid))
        conn.execute(memos.insert().values(id=1, target_kind="coding", target_id=1, author="ana", text="m",
                                           created_at=now(), guid=None))


def test_accounts_get_session_secrets_and_codings_random_guids(engine: sa.Engine) -> None:
    a_store_as_of_0004(engine)
    store = QualStore(engine)
    assert store.migrate() == ["0005_session_secrets", "0006_blind_coding_ids", "0007_exchange_objects",
                               "0008_respondent_pseudonyms", "0009_codable_codes"]
    columns = {c["name"] for c in sa.inspect(engine).get_columns("users")}
    assert "session_epoch" not in columns and "session_secret" in columns
    ana, ben = get_user(store, "ana"), get_user(store, "ben")
    assert ana is not None and ben is not None
    assert len(ana.session_secret) >= 32 and ana.session_secret != ben.session_secret
    assert verify_password(store, "ana", PASSWORD) == ana  # passwords and ids kept
    cy = add_user(store, "cy", PASSWORD, "owner")
    assert cy.id not in (ana.id, ben.id)

    with store.read() as conn:
        guids = [g for (g,) in conn.execute(sa.select(codings.c.guid).order_by(codings.c.id))]
        memo_guid = conn.execute(sa.select(memos.c.guid)).scalar_one()
    assert guids[1] == IMPORTED  # a well-formed imported GUID is kept; missing, repeated or malformed ones are not
    assert all(g and GUID.fullmatch(g) for g in [*guids, memo_guid]) and len({g.lower() for g in guids}) == 4
    with pytest.raises(sa.exc.IntegrityError), store.write() as conn:  # and they stay unique
        conn.execute(codings.update().where(codings.c.id == 3).values(guid=guids[0]))
    assert store.migrate() == []


def a_store_as_of_0008(engine: sa.Engine) -> None:
    """What 0001–0008 made: codes without `codable`, a REFI-QDA folder kept as an exchange object for export only,
    a coding of it (made in the other tool)."""
    key = "SERIAL PRIMARY KEY" if engine.dialect.name == "postgresql" else "INTEGER PRIMARY KEY"
    with engine.begin() as conn:
        migrations_table.create(conn)
        conn.exec_driver_sql(OLD_CODES.format(key=key))  # 0001 leaves a table that exists as it is
        for name, step in MIGRATIONS[:8]:
            step(conn)
            conn.execute(migrations_table.insert().values(name=name, applied_at=now()))
        conn.execute(documents.insert().values(id=1, name="d", source="d.txt", sha256="", format="txt", text="x" * 50,
                                               imported_at=now()))
        for n, code in enumerate(["feelings", "joy", "fear"], start=1):
            conn.exec_driver_sql("INSERT INTO codes (id, key, name, parent_id, description, inclusion, exclusion, "
                                 f"example, position) VALUES ({n}, '{code}', '{code}', {'NULL' if n == 1 else 1}, '', '', '', '', {n})")
        conn.execute(codings.insert().values(id=1, document_id=1, start=0, end=5, code_id=1, coder="ana",
                                             created_at=now(), guid=IMPORTED))
        conn.execute(exchange_objects.insert(), [
            {"kind": "code", "guid": IMPORTED, "name": "feelings", "detail": '{"codable": false}'},
            {"kind": "user", "guid": IMPORTED, "name": "ana", "detail": "{}"}])


def test_folders_kept_for_export_become_codable_false(engine: sa.Engine) -> None:
    """0009: the codes table says whether a code is codable; folders kept only for the next export become folders,
    and the setting asks the next sync to write them into codebook.yaml. The coding is kept."""
    from learnervoice.store import codebook as codes_db
    from learnervoice.store import exchange as exchange_db

    a_store_as_of_0008(engine)
    store = QualStore(engine)
    assert store.migrate() == ["0009_codable_codes"]
    with store.read() as conn:
        found = {c.key: c.codable for c in codes_db.all_codes(conn)}
        assert found == {"feelings": False, "joy": True, "fear": True}
        assert codes_db.pending_folders(conn) == ["feelings"]
        assert exchange_db.objects(conn, "code") == [] and len(exchange_db.objects(conn, "user")) == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(codings)).scalar_one() == 1
    with store.write() as conn:  # and a code inserted without saying is codable (the column's default)
        conn.exec_driver_sql("INSERT INTO codes (id, key, name, description, inclusion, exclusion, example, position) "
                             "VALUES (4, 'new', 'New', '', '', '', '', 9)")
    with store.read() as conn:
        assert {c.key: c.codable for c in codes_db.all_codes(conn)}["new"] is True
    assert store.migrate() == []
