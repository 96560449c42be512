"""The coding store: documents, turns, codes, codings, memos and an append-only audit log.

SQLAlchemy Core over SQLite (`qual.sqlite` in the study folder) by default; the
same schema runs on PostgreSQL for a team server. The schema is built by named
migrations, each recorded and run in its own transaction; an existing SQLite
file is copied to `.bak` before it is upgraded.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..study.load import Study

metadata = sa.MetaData()
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|"
                  r"\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}")  # REFI-QDA's GUIDType


def new_guid() -> str:
    """A random GUID: what names a coding or memo outside the store (never its row number)."""
    return str(uuid.uuid4())


def kept_guid(given: str | None, seen: set[str]) -> str:
    """An imported GUID when it is well formed and not in `seen` (case aside), else a random one; added to `seen`.

    >>> seen = set(); kept_guid("{0F0E0D0C-0B0A-4908-8706-050403020100}", seen) == "{0F0E0D0C-0B0A-4908-8706-050403020100}"
    True
    >>> kept_guid("{0f0e0d0c-0b0a-4908-8706-050403020100}", seen) != "{0f0e0d0c-0b0a-4908-8706-050403020100}"
    True
    """
    guid = given if given is not None and GUID.fullmatch(given) and given.lower() not in seen else new_guid()
    seen.add(guid.lower())
    return guid


def new_session_secret() -> str:
    """A random secret per account: sessions carry it, and changing it ends them."""
    return secrets.token_urlsafe(32)


migrations_table = sa.Table(
    "schema_migrations", metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)
documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("format", sa.String(10), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("guid", sa.String(40)),
)
turns = sa.Table(
    "turns", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("speaker", sa.String(100), nullable=False),
    sa.Column("participant", sa.String(20)),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("start_time", sa.Float),
    sa.Column("end_time", sa.Float),
    sa.Column("flagged", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("document_id", "idx"),
)
codes = sa.Table(
    "codes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("codes.id")),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("inclusion", sa.Text, nullable=False, default=""),
    sa.Column("exclusion", sa.Text, nullable=False, default=""),
    sa.Column("example", sa.Text, nullable=False, default=""),
    sa.Column("colour", sa.String(9)),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("guid", sa.String(40)),
)
codings = sa.Table(
    "codings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("code_id", sa.Integer, sa.ForeignKey("codes.id"), nullable=False),
    sa.Column("coder", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("guid", sa.String(40), default=new_guid),  # random (or imported); the id the web API shows
    sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name="coding_span"),
    sa.UniqueConstraint("document_id", "start", "end", "code_id", "coder", name="one_coding"),
)
memos = sa.Table(
    "memos", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("target_kind", sa.String(20), nullable=False),  # document, code, coding
    sa.Column("target_id", sa.Integer, nullable=False),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("guid", sa.String(40), default=new_guid),  # random (or imported); the id the web API shows
)
audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.String(100), nullable=False),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)
synced_files = sa.Table(
    "synced_files", metadata,
    sa.Column("path", sa.String(500), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
)
users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(10), nullable=False),  # owner, coder, viewer
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # sessions carry it; replaced on logout and on a change of role, so older sessions end
    sa.Column("session_secret", sa.String(64), nullable=False, default=new_session_secret),
)
study_settings = sa.Table(
    "study_settings", metadata,
    sa.Column("key", sa.String(50), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
invites = sa.Table(
    "invites", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("label", sa.String(20), nullable=False, unique=True),  # I0001: the pseudonymous respondent id
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(10), nullable=False),  # invite, open
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
)
web_responses = sa.Table(
    "web_responses", metadata,
    sa.Column("invite_id", sa.Integer, sa.ForeignKey("invites.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("consent_text", sa.Text, nullable=False),
    sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("answers", sa.Text, nullable=False, default="{}"),  # JSON: question id -> code, codes or number
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
)
CORE_INDEXES = (
    sa.Index("codings_by_code", codings.c.code_id, codings.c.document_id),
    sa.Index("codings_by_document", codings.c.document_id, codings.c.start),
    sa.Index("turns_by_document", turns.c.document_id, turns.c.start),
)
BLIND_INDEXES = (
    sa.Index("codings_by_guid", codings.c.guid, unique=True),
    sa.Index("memos_by_guid", memos.c.guid, unique=True),
    sa.Index("audit_by_who", audit.c.who),
)


def _create_core_tables(conn: Connection) -> None:
    for table in (documents, turns, codes, codings, memos, audit):
        table.create(conn, checkfirst=True)  # a new table comes with all its indexes, later steps' too
    for index in CORE_INDEXES:
        index.create(conn, checkfirst=True)


def _create(conn: Connection, *tables: sa.Table) -> None:
    for table in tables:
        table.create(conn, checkfirst=True)


def _add_exchange_guids(conn: Connection) -> None:
    """REFI-QDA GUIDs of imported objects, kept so that a re-export keeps them."""
    inspector = sa.inspect(conn)
    for table in ("codes", "documents", "codings", "memos"):
        if "guid" not in {c["name"] for c in inspector.get_columns(table)}:  # stores made before this step
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN guid VARCHAR(40)")


def _session_secrets(conn: Connection) -> None:
    """A random session secret per account in place of the session epoch (a counter that a new
    account, given a freed id, could share with an old session)."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns("users")}
    if "session_secret" not in columns:
        conn.exec_driver_sql("ALTER TABLE users ADD COLUMN session_secret VARCHAR(64)")
        ids = [row[0] for row in conn.execute(sa.select(users.c.id))]
        for user_id in ids:
            conn.execute(users.update().where(users.c.id == user_id).values(session_secret=new_session_secret()))
    if "session_epoch" not in columns:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE users DROP COLUMN session_epoch")
        return
    # SQLite before 3.35 cannot drop a column: the table is made again (nothing refers to it)
    conn.exec_driver_sql("ALTER TABLE users RENAME TO users_before_0005")
    users.create(conn)
    names = ", ".join(f'"{c.name}"' for c in users.columns)
    conn.exec_driver_sql(f"INSERT INTO users ({names}) SELECT {names} FROM users_before_0005")
    conn.exec_driver_sql("DROP TABLE users_before_0005")


def _blind_coding_ids(conn: Connection) -> None:
    """Nothing a blind coder is shown counts the others' work. Every coding and memo gets a random GUID,
    unique in its table, which the web API names it by (row numbers would say how many the others made);
    GUIDs imported from other tools are kept unless missing, malformed or repeated. The audit log is
    indexed by author, for a coder's own count of changes."""
    for table in (codings, memos):
        seen: set[str] = set()
        renamed = []
        for row_id, given in conn.execute(sa.select(table.c.id, table.c.guid).order_by(table.c.id)):
            guid = kept_guid(given, seen)
            if guid != given:
                renamed.append({"row": row_id, "new": guid})
        if renamed:
            conn.execute(table.update().where(table.c.id == sa.bindparam("row")).values(guid=sa.bindparam("new")), renamed)
    for index in BLIND_INDEXES:
        index.create(conn, checkfirst=True)


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("0001_core_tables", _create_core_tables),
    ("0002_exchange_guids", _add_exchange_guids),
    ("0003_synced_files", lambda conn: synced_files.create(conn, checkfirst=True)),
    ("0004_team_and_questionnaire", lambda conn: _create(conn, users, study_settings, invites, web_responses)),
    ("0005_session_secrets", _session_secrets),
    ("0006_blind_coding_ids", _blind_coding_ids),
]

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


def now() -> datetime:
    return datetime.now(timezone.utc)


class QualStore:
    """The transactional store of one study's qualitative data."""

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
            conn.execute(audit.insert().values(at=now(), who=who, action=action, detail=json.dumps(detail, default=str)))

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
            if by is None:
                return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(audit.c.id), 0))).scalar_one())
            counted = sa.select(sa.func.count()).select_from(audit).where(audit.c.who.in_(sorted(by)))
            return int(conn.execute(counted).scalar_one())

    def close(self) -> None:
        self.engine.dispose()
