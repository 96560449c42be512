"""The store's engine and transactions: SQLite (WAL, writers queued) or PostgreSQL, migrations, audited changes."""

from __future__ import annotations

import shutil
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..study.load import Study
from . import audit as audit_log
from .schema import MIGRATIONS, migrations_table, now

QUAL_FILE = "qual.sqlite"
WRITE_OPTION = "learnervoice_write"


def sqlite_engine(url: str) -> Engine:
    """SQLite for several writers at once: WAL (readers never wait), a busy timeout, and write
    transactions that take the write lock when they begin (BEGIN IMMEDIATE), so that two writers
    queue up instead of failing on a lock upgrade. Reads run without an explicit transaction."""
    engine = sa.create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event decides
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")

    return engine


class QualStore:
    """The transactional store of one study: its qualitative data, accounts, settings and questionnaire answers.

    It opens transactions; the repositories of this package (``accounts``, ``documents``, ``codebook``,
    ``codings``, ``memos``, ``questionnaire``, ``exchange``, ``sync``, ``audit``, ``snapshot``) run the
    SQL inside them and hand back plain data.

    >>> store = QualStore.for_study(study)  # doctest: +SKIP
    >>> with store.change("ana", "rename_code", {"key": "pleasure"}) as conn:  # doctest: +SKIP
    ...     codebook.rename(conn, codebook.code_id(conn, "pleasure"), "Joy")
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def for_study(cls, study: Study, url: str | None = None) -> QualStore:
        """The study's SQLite file (or a database URL, e.g. postgresql://… for a team server)."""
        if url is None:
            path = study.folder / QUAL_FILE
            store = cls(sqlite_engine(f"sqlite:///{path}"))
            store.migrate(backup=path if path.exists() else None)
        else:
            store = cls(sa.create_engine(url))
            store.migrate()
        return store

    def migrate(self, backup: Path | None = None) -> list[str]:
        """Apply the migrations not yet recorded, each in its own transaction."""
        with self.engine.begin() as conn:
            migrations_table.create(conn, checkfirst=True)
            done = {row[0] for row in conn.execute(sa.select(migrations_table.c.name))}
        pending = [(name, step) for name, step in MIGRATIONS if name not in done]
        if pending and backup is not None and done:
            with self.engine.connect() as conn:  # everything into the main file first, so the copy is whole
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy2(backup, backup.with_suffix(backup.suffix + ".bak"))
        for name, step in pending:
            with self.engine.begin() as conn:
                step(conn)
                conn.execute(migrations_table.insert().values(name=name, applied_at=now()))
        return [name for name, _ in pending]

    @contextmanager
    def change(self, who: str, action: str, detail: dict[str, Any]) -> Iterator[Connection]:
        """One transaction that also appends its audit record."""
        with self.write() as conn:
            yield conn
            audit_log.record(conn, who, action, detail)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction that takes the write lock at once, without an audit record (bookkeeping only)."""
        with self.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
            yield conn

    def read(self) -> Connection:
        return self.engine.connect()

    def last_change(self, by: Collection[str] | None = None) -> int:
        """A number that moves with every change: the id of the newest audit record (0 for an empty store),
        or, for the changes of some people only, how many they made (ids would tell others' changes apart)."""
        with self.read() as conn:
            return audit_log.last_id(conn) if by is None else audit_log.count_by(conn, by)

    def close(self) -> None:
        self.engine.dispose()
