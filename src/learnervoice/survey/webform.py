"""The built-in questionnaire: invites, consent, answers checked against the instrument, withdrawal.

Participants' answers live in the study's transactional store (SQLite, or
PostgreSQL on a team server) while they are being given; submitted answers
are then published to the survey store as one more response source
(``web-form``), so ``learnervoice tables`` counts them beside imported files.
Only a hash of each link's token is stored; who was invited is known only to
the invite list in ``private/``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from ..errors import ConflictError, InvalidInputError, NotFoundError, QuestionnaireError
from ..store import QualStore
from ..store import questionnaire as answers_db
from ..study.types import Answer, AnswerProblem, question_type
from ..study.load import Study
from ..study.model import Question, StudyConfig
from .convert import store_columns

SOURCE = "web-form"

Answers = dict[str, Answer]


@dataclass(frozen=True)
class Invite:
    label: str
    token: str  # shown once, never stored


@dataclass(frozen=True)
class FormState:
    label: str
    kind: str
    consented: bool
    submitted: bool
    answers: Answers = field(default_factory=dict)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invites(store: QualStore, count: int, *, kind: str = "invite", who: str = "invite") -> list[Invite]:
    """New one-use links; each gets a pseudonymous label (I0001…), which is also the respondent id."""
    if count < 1:
        raise QuestionnaireError("ask for at least one invite")
    made = []
    with store.change(who, "create_invites", {"count": count, "kind": kind}) as conn:
        taken = answers_db.invite_count(conn)
        for n in range(taken + 1, taken + count + 1):
            token = secrets.token_urlsafe(24)
            label = f"{'I' if kind == 'invite' else 'A'}{n:04d}"
            answers_db.add_invite(conn, label, token_hash(token), kind)
            made.append(Invite(label, token))
    return made


def _invite(conn: Connection, token: str) -> answers_db.Invite:
    row = answers_db.invite(conn, token_hash(token))
    if row is None or row.withdrawn_at is not None:
        raise NotFoundError("this link is not valid (it may have been withdrawn)")
    return row


def form_state(store: QualStore, token: str) -> FormState:
    with store.read() as conn:
        invite = _invite(conn, token)
        response = answers_db.response(conn, invite.id)
    if response is None:
        return FormState(invite.label, invite.kind, consented=False, submitted=False)
    return FormState(invite.label, invite.kind, True, response.submitted_at is not None, response.answers)


def record_consent(store: QualStore, study: Study, token: str, *, agreed: bool) -> None:
    """Nothing is stored before this: the consent text shown and the time are kept with the answers."""
    if not agreed:
        raise InvalidInputError("consent is needed before any answer is stored")
    with store.read() as conn:
        invite = _invite(conn, token)
    with store.change(f"respondent {invite.label}", "consent", {"invite": invite.label}) as conn:
        answers_db.add_consent(conn, invite.id, study.config.consent)


def save_answers(store: QualStore, study: Study, token: str, raw: dict[str, Any], *, submit: bool) -> dict[str, AnswerProblem]:
    """Keep the answers that are valid (a draft to resume); submit only when nothing is wrong.

    Returns the problems by question id (empty when all is well). The state is checked inside the
    write, so a save racing a submission cannot reopen submitted answers.
    """
    answers, problems = clean_answers(study.config, raw, final=submit)
    with store.read() as conn:
        invite = _invite(conn, token)
    done = submit and not problems
    with store.change(f"respondent {invite.label}", "submit" if done else "save_answers", {"invite": invite.label}) as conn:
        response = answers_db.response(conn, invite.id)
        if response is None:
            raise ConflictError("consent first: nothing is stored without it")
        if response.submitted_at is not None:
            raise ConflictError("these answers were submitted already; they can be withdrawn, not changed")
        answers_db.save_answers(conn, invite.id, answers, submit=done)
    return problems


def withdraw(store: QualStore, token: str) -> str:
    """Remove a participant's answers and retire their link; the withdrawal itself is logged (by label only)."""
    with store.read() as conn:
        invite = _invite(conn, token)
    with store.change(f"respondent {invite.label}", "withdraw", {"invite": invite.label}) as conn:
        answers_db.withdraw(conn, invite.id)
    return str(invite.label)


def response_summary(store: QualStore) -> dict[str, int]:
    """How many invites and open links were made, and how many consented, submitted and withdrew."""
    with store.read() as conn:
        return answers_db.summary(conn)


def open_link_invite(store: QualStore, study: Study) -> Invite:
    """A fresh anonymous link for someone arriving by the study's open link."""
    if not study.config.questionnaire.open_link:
        raise NotFoundError("this study takes answers by invitation only")
    return create_invites(store, 1, kind="open", who="open link")[0]


# --- answers against the instrument -------------------------------------------------------------


def is_asked(config: StudyConfig, question: Question, answers: Answers) -> bool:
    """Whether a conditional question applies, given the answers so far (conditions chain)."""
    condition = question.ask_if
    if condition is None:
        return True
    source = config.question(condition.question)
    given = answers.get(source.id)
    ticked = set(given) if isinstance(given, list) else {given} if isinstance(given, str) else set()
    return bool(ticked & set(condition.any_of)) and is_asked(config, source, answers)


def clean_answers(config: StudyConfig, raw: dict[str, Any], *, final: bool) -> tuple[Answers, dict[str, AnswerProblem]]:
    """Answers in stored form (option codes, numbers, text) and the problems of the others, by question id."""
    answers: Answers = {}
    problems: dict[str, AnswerProblem] = {}
    for q in config.questions:
        value = raw.get(q.id)
        if _empty(value):
            continue
        parsed = question_type(q).parse_answer(q, value, config.decimal_comma)
        if isinstance(parsed, AnswerProblem):
            problems[q.id] = parsed
        else:
            answers[q.id] = parsed
    for q in config.questions:  # answers to questions that do not apply are not kept
        if q.id in answers and not is_asked(config, q, answers):
            del answers[q.id]
        if q.id in problems and not is_asked(config, q, answers):
            del problems[q.id]
    if final:
        for qid in config.questionnaire.required:
            q = config.question(qid)
            if qid not in answers and qid not in problems and is_asked(config, q, answers):
                problems[qid] = AnswerProblem("required")
    return answers, problems


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value)


# --- into the survey store ----------------------------------------------------------------------


def submitted_rows(study: Study, store: QualStore) -> list[dict[str, Any]]:
    """Submitted answers as rows of the survey store's wide table, in invite order."""
    with store.read() as conn:
        found = answers_db.submitted(conn)
    columns = store_columns(study.config)
    rows = []
    for n, (label, answers) in enumerate(found, start=1):
        row: dict[str, Any] = dict.fromkeys(columns) | {"respondent_id": label, "_source": SOURCE, "_row": n}
        for q in study.config.questions:
            value = answers.get(q.id)
            if value is not None:
                row |= question_type(q).stored(q, value)
        rows.append(row)
    return rows


def publish(study: Study, store: QualStore) -> int:
    """Bring the survey store up to date with the submitted answers (nothing written when unchanged)."""
    from .store import import_records, replace_source

    rows = submitted_rows(study, store)
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()
    previous = import_records(study).get(SOURCE)
    if (previous is not None and previous.sha256 == digest) or (previous is None and not rows):
        return len(rows)
    replace_source(study, SOURCE, rows, sha256=digest, format="web")
    return len(rows)


def new_invites_rows(made: list[Invite], base_url: str, people: list[dict[str, str]] | None = None) -> list[dict[str, str]]:
    """The invite list to send out: label and link, beside the person's own columns when a list was given."""
    out = []
    for i, invite in enumerate(made):
        person = people[i] if people else {}
        out.append(person | {"invite": invite.label, "link": f"{base_url.rstrip('/')}/q/{invite.token}"})
    return out

