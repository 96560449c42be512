"""Pseudonyms of survey respondents who are not in the roster (their open answers are documents).

A respondent keeps the pseudonym first given (S01, S02…) for as long as the store lives; the
respondent id itself never leaves the study.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import respondents


def pseudonyms(conn: Connection) -> dict[str, str]:
    """Respondent id -> pseudonym, for every respondent given one."""
    return {r.respondent_id: r.pseudonym for r in conn.execute(sa.select(respondents.c.respondent_id, respondents.c.pseudonym))}


def add(conn: Connection, given: Mapping[str, str]) -> None:
    """New respondents' pseudonyms (respondent id -> pseudonym)."""
    if given:
        conn.execute(respondents.insert(), [{"respondent_id": r, "pseudonym": p} for r, p in given.items()])
