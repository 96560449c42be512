"""Open answers as documents: each `text` question of the survey is a document named ``open:<question id>``.

One segment (a turn) per respondent who wrote an answer, in the order of the response files,
spoken by the respondent's pseudonym: the roster's when the roster links the respondent
(``respondent_id``), else one given at first sight and kept (S01, S02…, in the store). The words
pass the privacy matcher as transcripts do: roster names, e-mail addresses, phone numbers and URLs
become pseudonyms and placeholders. The segment's role is ``respondent``.

The documents follow the responses: `workspace.open_workspace` calls `sync_open_answers`, which
does nothing while the response files, the roster and the privacy settings are as they were.
When they changed, each document is rebuilt in one transaction with every code's place kept:

- a coding inside an answer whose (pseudonymised) words are unchanged moves with the answer;
- a coding of an answer that changed or vanished, or one spanning several answers, is deleted
  (with its memos) and listed in the audit log (`update_open_answers`: code, coder, respondent).

A document whose question left study.yaml stays as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..privacy.gate import matcher_for
from ..privacy.matcher import Matcher
from ..store import QualStore
from ..store import audit as audit_log
from ..store import codings as codings_db
from ..store import documents as documents_db
from ..store import respondents as respondents_db
from ..store import sync as sync_db
from ..study.load import Study
from ..study.model import OpenText
from ..study.roster import load_roster, roster_path

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

PREFIX = "open:"
FORMAT = "open"
ROLE = "respondent"
SYNC_KEY = "(open answers)"  # the key of the inputs' digest among the store's synced files
VERSION = "2"  # bumped when the way documents are built changes, so that every study rebuilds them


def document_name(question_id: str) -> str:
    """The document of an open question's answers.

    >>> document_name("comments")
    'open:comments'
    """
    return PREFIX + question_id


def is_open_document(name: str) -> bool:
    return name.startswith(PREFIX)


def open_questions(study: Study) -> list[OpenText]:
    return [q for q in study.config.questions if isinstance(q, OpenText)]


@dataclass
class OpenAnswersReport:
    document: str
    status: str  # imported, updated, unchanged
    answers: int
    kept: int = 0  # codings moved with their unchanged answers
    dropped: int = 0  # codings of answers that changed or vanished
    replaced: dict[str, int] = field(default_factory=dict)  # kind of personal data -> how many masked


@dataclass(frozen=True)
class _Answer:
    pseudonym: str
    words: str  # pseudonymised, on one line
    respondent: str = ""  # the respondent id: codings follow it when the pseudonym changes (the roster links them)


def sync_open_answers(study: Study, store: QualStore, *, who: str = "responses") -> list[OpenAnswersReport]:
    """Bring the open-answer documents up to date with the survey store; nothing when nothing changed."""
    from ..survey.store import respondent_ids, text_answers

    questions = open_questions(study)
    if not questions:
        return []
    digest = _inputs_digest(study, questions)
    with store.read() as conn:
        if sync_db.digest(conn, SYNC_KEY) == digest:
            return []
    answers = {q.id: text_answers(study, q.id) for q in questions}
    matcher = matcher_for(study)
    reports = []
    with store.write() as conn:
        pseudonyms = _pseudonyms(study, conn, [rid for rows in answers.values() for rid, _ in rows])
        ids = {rid for rid in respondent_ids(study) if _looks_like_an_id(rid)}
        whose = _whose(study, conn)
        for q in questions:
            report = _sync_question(conn, q, answers[q.id], pseudonyms, matcher, who, ids, whose)
            if report is not None:
                reports.append(report)
        sync_db.record(conn, SYNC_KEY, digest)
    return reports


def _inputs_digest(study: Study, questions: Sequence[OpenText]) -> str:
    """What the documents are made of: the response files as imported, the roster, the privacy settings."""
    from ..privacy.review import REVIEWED_FILE
    from ..survey.store import import_records

    records = sorted((r.source, r.sha256, r.rows) for r in import_records(study).values())
    files = [path.read_bytes().hex() if path.is_file() else "" for path in (roster_path(study), study.folder / REVIEWED_FILE)]
    inputs = [VERSION, records, files, [q.id for q in questions], study.config.privacy.model_dump(mode="json"),
              study.config.language, study.config.locale]
    return hashlib.sha256(json.dumps(inputs, default=str).encode()).hexdigest()


def _pseudonyms(study: Study, conn: Connection, respondent_ids: list[str]) -> dict[str, str]:
    """Respondent id -> pseudonym: the roster's, else the one given before, else a new one (kept)."""
    roster = load_roster(study)
    linked = {p.respondent_id: p.pseudonym for p in roster.participants if p.respondent_id}
    given = respondents_db.pseudonyms(conn)
    taken = {p.pseudonym for p in roster.participants} | set(given.values())
    number = max((int(p[1:]) for p in given.values() if p[1:].isdigit()), default=0)
    new: dict[str, str] = {}
    for rid in dict.fromkeys(respondent_ids):
        if rid in linked or rid in given or rid in new:
            continue
        number += 1
        while f"S{number:02d}" in taken:
            number += 1
        new[rid] = f"S{number:02d}"
    respondents_db.add(conn, new)
    return given | new | linked


def _looks_like_an_id(rid: str) -> bool:
    """A respondent id that, written in a comment, can only be that id: it holds a letter and a digit (R_004,
    a UUID) or is a number of five digits or more; small numbers (1, 2, 3…) stay words like any other."""
    has_letter = any(c.isalpha() for c in rid)
    has_digit = any(c.isdigit() for c in rid)
    return (has_letter and has_digit) or (rid.isdigit() and len(rid) >= 5)


def _without_ids(text: str, ids: frozenset[str] | set[str], pseudonyms: dict[str, str]) -> tuple[str, int]:
    """Respondent ids written in an answer, replaced by the respondent's pseudonym (or '[respondent]')."""
    found = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal found
        if match.group(0) not in ids:
            return match.group(0)
        found += 1
        return pseudonyms.get(match.group(0), "[respondent]")

    return re.sub(r"[\w-]+", swap, text), found


def _prepared(
    rows: list[tuple[str, str]], pseudonyms: dict[str, str], matcher: Matcher, ids: frozenset[str] | set[str] = frozenset()
) -> tuple[list[_Answer], dict[str, int]]:
    answers = []
    replaced: dict[str, int] = {}
    for rid, raw in rows:
        words, findings = matcher.redact(" ".join(raw.split()))
        for finding in findings:
            replaced[finding.kind] = replaced.get(finding.kind, 0) + 1
        words, found = _without_ids(words, ids, pseudonyms) if ids else (words, 0)
        if found:
            replaced["respondent id"] = replaced.get("respondent id", 0) + found
        answers.append(_Answer(pseudonyms[rid], words, rid))
    return answers, replaced


def _text_and_turns(answers: list[_Answer]) -> tuple[str, list[dict[str, Any]]]:
    """The document's text, one answer a line, and its turns (one per answer)."""
    rows = []
    offset = 0
    for idx, answer in enumerate(answers):
        rows.append({"idx": idx, "speaker": answer.pseudonym, "participant": answer.pseudonym, "role": ROLE,
                     "start": offset, "end": offset + len(answer.words), "start_time": None, "end_time": None,
                     "flagged": False})
        offset += len(answer.words) + 1
    return "\n".join(a.words for a in answers), rows


def _whose(study: Study, conn: Connection) -> dict[str, str]:
    """Pseudonym -> respondent id, for every pseudonym an answer may have been stored under: the ones given to
    respondents outside the roster (kept even after the roster links them) and the roster's."""
    roster = load_roster(study)
    return {p: rid for rid, p in respondents_db.pseudonyms(conn).items()} | {
        p.pseudonym: p.respondent_id for p in roster.participants if p.respondent_id}


def _sync_question(
    conn: Connection, q: OpenText, rows: list[tuple[str, str]], pseudonyms: dict[str, str], matcher: Matcher, who: str,
    ids: frozenset[str] | set[str] = frozenset(), whose: dict[str, str] | None = None,
) -> OpenAnswersReport | None:
    name = document_name(q.id)
    answers, replaced = _prepared(rows, pseudonyms, matcher, ids)
    text, turns = _text_and_turns(answers)
    digest = hashlib.sha256(json.dumps([[a.pseudonym, a.words] for a in answers]).encode()).hexdigest()
    existing = documents_db.by_name(conn, name)
    if existing is None:
        if not answers:
            return None
        doc_id = documents_db.add(conn, name=name, source=f"study.yaml: question {q.id}", sha256=digest, format=FORMAT, text=text)
        documents_db.add_turns(conn, doc_id, turns)
        audit_log.record(conn, who, "import_open_answers", {"document": name, "answers": len(answers)})
        return OpenAnswersReport(name, "imported", len(answers), replaced=replaced)
    if documents_db.digest(conn, name) == digest:
        return OpenAnswersReport(name, "unchanged", len(answers), replaced=replaced)
    kept, dropped = _carry_codings(conn, existing, turns, answers, whose or {})
    documents_db.replace_content(conn, existing.id, text=text, sha256=digest, rows=turns)
    audit_log.record(conn, who, "update_open_answers", {"document": name, "answers": len(answers), "codings_kept": kept,
                                                        "codings_dropped": dropped})
    return OpenAnswersReport(name, "updated", len(answers), kept, len(dropped), replaced)


def _carry_codings(
    conn: Connection, existing: documents_db.DocumentText, turns: list[dict[str, Any]], answers: list[_Answer],
    whose: dict[str, str],
) -> tuple[int, list[dict[str, str]]]:
    """Codings of unchanged answers moved to their answers' new places, found by respondent (an answer whose
    pseudonym changed, S01 now the roster's P05, keeps its codings); the others deleted. (kept, dropped)."""
    new_place = {a.respondent: (t["start"], a.words) for a, t in zip(answers, turns)}
    old_turns = documents_db.turns_of(conn, existing.id)  # in order, so their starts are sorted
    starts = [t["start"] for t in old_turns]
    places: dict[int, tuple[int, int]] = {}
    dropped: dict[int, dict[str, str]] = {}
    for coding in codings_db.of_document(conn, existing.id):
        row = int(coding.guid)
        at = bisect_right(starts, coding.start) - 1
        turn = old_turns[at] if at >= 0 and coding.end <= old_turns[at]["end"] else None
        target = new_place.get(whose.get(str(turn["participant"]), "")) if turn is not None else None
        if turn is None or target is None or target[1] != existing.text[turn["start"] : turn["end"]]:
            who = turn["participant"] if turn is not None else "(several answers)"
            dropped[row] = {"code": coding.code, "coder": coding.coder, "respondent": str(who)}
            continue
        shift = target[0] - turn["start"]
        if shift:
            places[row] = (coding.start + shift, coding.end + shift)
    codings_db.delete_many(conn, list(dropped))
    codings_db.relocate(conn, places)
    total = len(codings_db.of_document(conn, existing.id))
    return total, list(dropped.values())


def respondent_attributes(study: Study, store: QualStore) -> list[dict[str, str]]:
    """Each respondent with a pseudonym (the roster's or one given to an open answer): their survey answers
    (option codes; several ticks joined by '+'), keyed by the questions' and derived variables' ids,
    with their pseudonym under 'participant'. Roster attributes are not here (see `queries.coded_segments`)."""
    from ..stats.engine import study_engine
    from ..stats.variables import MISSING, NOT_ASKED, all_variables, derived_variable
    from ..survey.store import count_responses, quote

    if not open_questions(study) or count_responses(study) == 0:
        return []
    roster = load_roster(study)
    with store.read() as conn:
        pseudonyms = respondents_db.pseudonyms(conn)
    pseudonyms |= {p.respondent_id: p.pseudonym for p in roster.participants if p.respondent_id}
    variables = [v for v in all_variables(study.config) if v.options and (v.category_sql or v.is_multiple)]
    variables += [derived_variable(study.config, d) for d in study.config.derived]
    expressions = [quote("respondent_id")]
    for v in variables:
        expressions += [v.option_sql(o.code) for o in v.options] if v.is_multiple else [str(v.category_sql)]
    with study_engine(study) as engine:
        rows = engine.per_respondent(expressions)
    out = []
    for row in rows:
        pseudonym = pseudonyms.get(str(row[0]))
        if pseudonym is None:
            continue
        values, at = {"participant": pseudonym}, 1
        for v in variables:
            if v.is_multiple:
                ticks = row[at : at + len(v.options)]
                values[v.id] = "+".join(o.code for o, t in zip(v.options, ticks) if t)
                at += len(v.options)
            else:
                values[v.id] = "" if row[at] in (None, MISSING, NOT_ASKED) else str(row[at])
                at += 1
        out.append(values)
    return out


def answering_respondents(study: Study, store: QualStore, question_id: str) -> dict[str, str]:
    """Pseudonym -> respondent id of everyone whose answer to the open question is in its document
    (the ids stay in the study: they are for SQL over the responses)."""
    roster = load_roster(study)
    with store.read() as conn:
        ids = {p: rid for rid, p in respondents_db.pseudonyms(conn).items()}
        doc_id = documents_db.id_of(conn, document_name(question_id))
        spoken = [t["participant"] for t in documents_db.turns_of(conn, doc_id)] if doc_id is not None else []
    ids |= {p.pseudonym: p.respondent_id for p in roster.participants if p.respondent_id}
    return {p: ids[p] for p in spoken if p in ids}


def answering(store: QualStore) -> set[str]:
    """The pseudonyms of respondents with an answer in any open question's document."""
    with store.read() as conn:
        return {participant for _, _, participant, role in documents_db.speakers(conn) if role == ROLE and participant}
