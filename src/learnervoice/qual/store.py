"""The coding store's old address, kept while callers move to `learnervoice.store` and its repositories.

Library code asks the repositories of `learnervoice.store` (``documents``, ``codebook``, ``codings``…) for
what it needs; the tables are re-exported here only for the tests and for the callers not yet moved
(`report/build.py`, `cli_qual.py`). Remove this module when nothing imports it.
"""

from __future__ import annotations

from ..store.engine import QUAL_FILE, WRITE_OPTION, QualStore, sqlite_engine
from ..store.schema import (
    BLIND_INDEXES,
    CORE_INDEXES,
    GUID,
    MIGRATIONS,
    audit,
    codes,
    codings,
    documents,
    invites,
    kept_guid,
    memos,
    metadata,
    migrations_table,
    new_guid,
    new_session_secret,
    now,
    study_settings,
    synced_files,
    turns,
    users,
    web_responses,
)
from ..store.sql import insert_id, insert_or_ignore

__all__ = [
    "BLIND_INDEXES", "CORE_INDEXES", "GUID", "MIGRATIONS", "QUAL_FILE", "WRITE_OPTION", "QualStore", "audit", "codes",
    "codings", "documents", "insert_id", "insert_or_ignore", "invites", "kept_guid", "memos", "metadata",
    "migrations_table", "new_guid", "new_session_secret", "now", "sqlite_engine", "study_settings", "synced_files",
    "turns", "users", "web_responses",
]
