"""The study's transactional store: documents, turns, codes, codings, memos, the audit log, accounts,
settings and questionnaire answers. It alone writes SQL to them (the survey's answers, for the tables,
are in the DuckDB survey store, `survey/store.py`).

SQLAlchemy Core over SQLite (`qual.sqlite` in the study folder) by default; the
same schema runs on PostgreSQL for a team server. The schema is built by named
migrations, each recorded and run in its own transaction; an existing SQLite
file is copied to `.bak` before it is upgraded.

- `schema`: the tables and the named migrations (only this package reads it);
- `engine`: `QualStore`, its transactions (`read`, `write`, and `change`, which appends the audit record);
- repositories, each for one concern, taking a connection of those transactions and handing back plain
  data: `accounts` (users, session secrets, settings), `documents` (documents, turns), `codebook` (codes),
  `codings`, `memos`, `audit`, `questionnaire` (invites, consent, answers), `sync` (files brought in),
  `exchange` (REFI-QDA bulk reads), `snapshot` (the columns the analytic snapshot copies).

>>> store = QualStore.for_study(study)  # doctest: +SKIP
>>> with store.read() as conn:  # doctest: +SKIP
...     documents.turn_counts(conn)
[DocumentCounts(name='fg1', turns=112, speakers=7)]
"""

from __future__ import annotations

from .engine import QUAL_FILE, QualStore, sqlite_engine
from .schema import GUID, kept_guid, new_guid, new_session_secret, now

__all__ = ["GUID", "QUAL_FILE", "QualStore", "kept_guid", "new_guid", "new_session_secret", "now", "sqlite_engine"]
