"""The coding store's schema: its tables, and the named migrations that build and change them.

The names and the order of the migrations are the store's history: a step once
released is never changed, and a schema change is a new step at the end of
`MIGRATIONS`. Only the store package reads this module; everyone else asks a
repository (``accounts``, ``documents``, ``codebook``…) for what they need.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection

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


def now() -> datetime:
    """The time kept in the store's timestamp columns (aware, UTC)."""
    return datetime.now(timezone.utc)


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
    # false: a folder of codes (REFI-QDA's isCodable="false"): text is coded with its sub-codes, never with it
    sa.Column("codable", sa.Boolean, nullable=False, default=True, server_default=sa.true()),
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
exchange_objects = sa.Table(  # what a REFI-QDA project holds that the study's own tables do not
    "exchange_objects", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(20), nullable=False),  # user, code, variable, case, set, note, source, project
    sa.Column("guid", sa.String(40), nullable=False),
    sa.Column("name", sa.Text, nullable=False),  # the user's, the code's key, the variable's, the pseudonym…
    sa.Column("detail", sa.Text, nullable=False, default="{}"),  # JSON: what else the project said of it
    sa.Index("exchange_objects_by_kind", "kind", "name"),
)
respondents = sa.Table(  # pseudonyms of survey respondents outside the roster, kept once given (open answers)
    "respondents", metadata,
    sa.Column("respondent_id", sa.String(200), primary_key=True),
    sa.Column("pseudonym", sa.String(20), nullable=False, unique=True),
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


def _codable_codes(conn: Connection) -> None:
    """Whether text may be coded with a code, as a column of its own. Stores made before kept a REFI-QDA code's
    isCodable="false" as an exchange object for the next export only; those codes become folders here, and their
    keys are left in a setting so that the next sync writes `codable: false` into codebook.yaml (the codebook is
    the source from now on)."""
    if "codable" not in {c["name"] for c in sa.inspect(conn).get_columns("codes")}:
        conn.exec_driver_sql("ALTER TABLE codes ADD COLUMN codable BOOLEAN NOT NULL DEFAULT TRUE")
    kept = conn.execute(sa.select(exchange_objects.c.id, exchange_objects.c.name, exchange_objects.c.detail)
                        .where(exchange_objects.c.kind == "code")).all()
    folders = sorted({r.name for r in kept if json.loads(r.detail).get("codable", True) is False})
    if folders:
        conn.execute(codes.update().where(codes.c.key.in_(folders)).values(codable=False))
        conn.execute(study_settings.delete().where(study_settings.c.key == CODABLE_PENDING))
        conn.execute(study_settings.insert().values(key=CODABLE_PENDING, value=json.dumps(folders)))
    if kept:
        conn.execute(exchange_objects.delete().where(exchange_objects.c.id.in_([r.id for r in kept])))


CODABLE_PENDING = "codable_to_write"  # study setting: keys of folders codebook.yaml does not say yet (see 0009)

MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("0001_core_tables", _create_core_tables),
    ("0002_exchange_guids", _add_exchange_guids),
    ("0003_synced_files", lambda conn: synced_files.create(conn, checkfirst=True)),
    ("0004_team_and_questionnaire", lambda conn: _create(conn, users, study_settings, invites, web_responses)),
    ("0005_session_secrets", _session_secrets),
    ("0006_blind_coding_ids", _blind_coding_ids),
    ("0007_exchange_objects", lambda conn: exchange_objects.create(conn, checkfirst=True)),
    ("0008_respondent_pseudonyms", lambda conn: respondents.create(conn, checkfirst=True)),
    ("0009_codable_codes", _codable_codes),
]
