"""The built-in questionnaire's invites (token hashes only), consent and answers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import invites, now, web_responses
from .sql import insert_or_ignore


@dataclass(frozen=True)
class Invite:
    id: int
    label: str  # I0001 (invite) or A0001 (open link): the pseudonymous respondent id
    kind: str  # invite, open
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class Response:
    answers: dict[str, Any]  # question id -> code, codes or number
    submitted_at: datetime | None


def invite_count(conn: Connection) -> int:
    """How many links were ever made (withdrawn ones too)."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(invites)).scalar_one())


def add_invite(conn: Connection, label: str, token_hash: str, kind: str) -> None:
    conn.execute(invites.insert().values(label=label, token_hash=token_hash, kind=kind, created_at=now()))


def invite(conn: Connection, token_hash: str) -> Invite | None:
    """The link whose token has this hash (withdrawn or not)."""
    r = conn.execute(sa.select(invites).where(invites.c.token_hash == token_hash)).first()
    return None if r is None else Invite(r.id, r.label, r.kind, r.withdrawn_at)


def response(conn: Connection, invite_id: int) -> Response | None:
    """The answers kept for a link (None before consent)."""
    r = conn.execute(sa.select(web_responses).where(web_responses.c.invite_id == invite_id)).first()
    return None if r is None else Response(json.loads(r.answers), r.submitted_at)


def add_consent(conn: Connection, invite_id: int, consent_text: str) -> bool:
    """Consent to the text shown, now, with no answers yet; False when consent was given already."""
    return insert_or_ignore(conn, web_responses, {"invite_id": invite_id, "consent_text": consent_text,
                                                  "consented_at": now(), "answers": "{}", "updated_at": now()})


def save_answers(conn: Connection, invite_id: int, answers: dict[str, Any], *, submit: bool) -> None:
    """Replace the answers kept for a link; with `submit`, they are handed in now."""
    conn.execute(web_responses.update().where(web_responses.c.invite_id == invite_id).values(
        answers=json.dumps(answers, sort_keys=True), updated_at=now(), submitted_at=now() if submit else None))


def withdraw(conn: Connection, invite_id: int) -> None:
    """The link's answers go and the link stops working."""
    conn.execute(web_responses.delete().where(web_responses.c.invite_id == invite_id))
    conn.execute(invites.update().where(invites.c.id == invite_id).values(withdrawn_at=now()))


def submitted(conn: Connection) -> list[tuple[str, dict[str, Any]]]:
    """(label, answers) of every submitted response, in the order the links were made."""
    found = conn.execute(
        sa.select(invites.c.label, web_responses.c.answers)
        .join(web_responses, web_responses.c.invite_id == invites.c.id)
        .where(web_responses.c.submitted_at.is_not(None)).order_by(invites.c.id)
    ).all()
    return [(label, json.loads(stored)) for label, stored in found]


def summary(conn: Connection) -> dict[str, int]:
    """How many invites, open links, consents, submissions and withdrawals there are."""

    def count(*where: Any, table: sa.Table = invites) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())

    return {
        "invites": count(invites.c.kind == "invite"), "open_links": count(invites.c.kind == "open"),
        "consented": count(table=web_responses), "submitted": count(web_responses.c.submitted_at.is_not(None), table=web_responses),
        "withdrawn": count(invites.c.withdrawn_at.is_not(None)),
    }
