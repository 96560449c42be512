"""What the coding workbench shows and changes, one document and one coding at a time.

Kept apart from the analytic queries (which read a Parquet snapshot of the
whole store): these read and write single rows in the transactional store, so
many coders can work at once and each sees the others' changes at once.
Blind coding: until the owner opens the study's codings, a coder sees only
their own and a viewer none; the owner always sees all. Nothing shown counts the
others' work either: codings and memos are named by random GUIDs (row numbers stay
inside the store), and the change counter of a blind coder counts their own changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from ..errors import CodingError, NotFoundError
from ..privacy.gate import Gate
from ..store import QualStore
from ..store import codebook as codes_db
from ..store import codings as codings_db
from ..store import documents as documents_db
from ..store import memos as memos_db
from ..study.load import Study
from .accounts import User, get_setting, set_setting
from .codebook import codable_id, code_id, coding_targets, kept, write_codebook
from .codings import NewCoding, add_codings
from .codings import add_memo as add_memo_row
from ..study.roster import load_roster

OPEN_SETTING = "codings_open"


@dataclass(frozen=True)
class CodingView:
    id: str  # the coding's GUID
    start: int
    end: int
    code: str
    coder: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "end": self.end, "code": self.code, "coder": self.coder}


def codings_open(store: QualStore) -> bool:
    return get_setting(store, OPEN_SETTING, "no") == "yes"


def open_codings(store: QualStore, is_open: bool, user: User) -> None:
    set_setting(store, OPEN_SETTING, "yes" if is_open else "no", who=user.name)


def visible_coders(store: QualStore, user: User) -> set[str] | None:
    """Whose codings the user may see: None for everyone's."""
    if user.can("owner") or codings_open(store):
        return None
    return {user.name} if user.can("coder") else set()


def changes_seen(store: QualStore, user: User) -> int:
    """A number that moves when something the user may see changes: while coding is blind, with the
    user's own changes only (the others' would show that they coded, and how much)."""
    coders = visible_coders(store, user)
    return store.last_change(None if coders is None else coders | {user.name})


def document_list(store: QualStore) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = documents_db.summaries(conn)
        speakers = documents_db.speakers(conn)
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for name, speaker, participant, role in sorted(speakers, key=lambda r: (r[0], r[1])):
        by_doc.setdefault(name, []).append({"speaker": speaker, "participant": participant, "role": role})
    return [r | {"speakers": by_doc.get(r["name"], [])} for r in rows]


def participant_attributes(study: Study) -> dict[str, dict[str, str]]:
    """Pseudonym -> the roster's attributes (never the names)."""
    return {p.pseudonym: dict(p.attributes) for p in load_roster(study).participants}


def speaker_attributes(study: Study, store: QualStore, view: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Pseudonym -> attributes of each speaker of a document's view: the roster's, and for the respondents
    of an open question's answers, their categorical survey answers (option codes) where the roster says nothing."""
    from .open_answers import is_open_document, respondent_attributes

    people = participant_attributes(study)
    out = {t["participant"]: dict(people.get(t["participant"], {})) for t in view["turns"] if t["participant"]}
    if is_open_document(view["name"]):
        for answers in respondent_attributes(study, store):
            own = out.get(answers["participant"])
            if own is not None:
                own |= {k: v for k, v in answers.items() if k != "participant" and v and not own.get(k)}
    return out


def document_view(store: QualStore, name: str) -> dict[str, Any]:
    with store.read() as conn:
        doc = documents_db.by_name(conn, name)
        if doc is None:
            raise NotFoundError(f"no document {name!r}")
        rows = documents_db.turns_of(conn, doc.id)
    return {"name": doc.name, "text": doc.text, "turns": rows}


def document_codings(store: QualStore, name: str, coders: set[str] | None) -> list[CodingView]:
    """The document's codings that these coders made (everyone's with None); NotFoundError for no such document."""
    with store.read() as conn:
        if documents_db.id_of(conn, name) is None:
            raise NotFoundError(f"no document {name!r}")
    with store.read() as conn:
        return [CodingView(c.guid, c.start, c.end, c.code, c.coder) for c in codings_db.in_document(conn, name, coders)]


def add_coding(store: QualStore, document: str, start: int, end: int, code: str, user: User) -> CodingView:
    """One coding by the signed-in coder (the same coding twice is stored once)."""
    add_codings(store, [NewCoding(document, start, end, code, user.name)], who=user.name, source="api")
    with store.read() as conn:
        guid = codings_db.guid_of(conn, document=document, start=start, end=end, code=code, coder=user.name)
    return CodingView(guid, start, end, code, user.name)


def _own_coding(conn: Connection, coding: str, user: User) -> codings_db.Coding:
    row = codings_db.by_guid(conn, coding)
    if row is None or (row.coder != user.name and not user.can("owner")):
        # someone else's coding is as good as absent to a coder (blind coding hides it)
        raise NotFoundError(f"no coding {coding} of yours")
    return row


def update_coding(store: QualStore, coding: str, user: User, *, code: str | None = None,
                  start: int | None = None, end: int | None = None) -> CodingView:
    """Change the code or the offsets of a coding of the user's own (the owner: anyone's), named by its GUID."""
    detail: dict[str, Any] = {"coding": coding, "code": code, "start": start, "end": end}
    with store.change(user.name, "update_coding", detail) as conn:
        row = _own_coding(conn, coding, user)
        detail["undo"] = {"start": row.start, "end": row.end, "code": codes_db.key_of(conn, row.code_id)}
        length = documents_db.length(conn, row.document_id)
        new_start = row.start if start is None else start
        new_end = row.end if end is None else end
        if not 0 <= new_start < new_end <= length:
            raise CodingError(f"offsets {new_start}–{new_end} are outside the document (0–{length})")
        new_code = row.code_id if code is None else codable_id(conn, code)
        if not codings_db.move(conn, row.id, start=new_start, end=new_end, code_id=new_code):
            raise CodingError("that coding exists already")
        key = codes_db.key_of(conn, new_code)
    return CodingView(coding, new_start, new_end, key, row.coder)


def delete_coding(store: QualStore, coding: str, user: User) -> None:
    """Delete a coding of the user's own (the owner: anyone's), named by its GUID, with its memos."""
    detail: dict[str, Any] = {"coding": coding}
    with store.change(user.name, "delete_coding", detail) as conn:
        row = _own_coding(conn, coding, user)
        whole = codings_db.rows_by_guid(conn, [coding])[coding]
        detail["undo"] = {"coding": kept(whole), "code_key": codes_db.key_of(conn, row.code_id),
                          "memos": [kept(m) for m in memos_db.rows_on(conn, "coding", row.id)]}
        memos_db.delete_on(conn, "coding", row.id)
        codings_db.delete(conn, row.id)


def add_memo(store: QualStore, target_kind: str, target: str, text: str, user: User, *, gate: Gate) -> str:
    """A memo by the user on a document (by name), a code (by key) or a coding the user may see (by GUID); its GUID.

    The text passes through the disclosure gate first (`gate.notice()` says what it replaced)."""
    found: str | int = target
    if target_kind == "coding":
        coders = visible_coders(store, user)
        with store.read() as conn:
            row = codings_db.by_guid(conn, target)
        if row is None or (coders is not None and row.coder not in coders):
            raise NotFoundError(f"no coding {target} of yours")
        found = int(row.id)
    memo_id = add_memo_row(store, target_kind, found, text, author=user.name, gate=gate)
    with store.read() as conn:
        return memos_db.guid_of(conn, memo_id)


def document_memos(store: QualStore, name: str, coders: set[str] | None) -> list[dict[str, Any]]:
    """Memos on the document and on its codings (others' memos follow the blind-coding rule), named by GUID."""
    with store.read() as conn:
        doc_id = documents_db.id_of(conn, name)
        if doc_id is None:
            raise NotFoundError(f"no document {name!r}")
        rows = memos_db.on_document(conn, doc_id, coders)
    return [{"id": r["guid"], "target_kind": r["target_kind"], "target": name if r["target_kind"] == "document" else r["coding"],
             "author": r["author"], "text": r["text"]} for r in rows]


def coding_guids(store: QualStore, ids: list[int]) -> dict[int, str]:
    """The GUIDs of codings given by row number (the analytic queries' `coding_id`), to show outside the store."""
    if not ids:
        return {}
    with store.read() as conn:
        return codings_db.guids(conn, ids)


def code_list(store: QualStore) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = codes_db.all_codes(conn)
    keys: dict[int | None, str] = {r.id: r.key for r in rows}
    return [{"key": r.key, "name": r.name, "parent": keys.get(r.parent_id), "description": r.description,
             "colour": r.colour, "codable": r.codable} for r in rows]


def folder_codings(store: QualStore) -> dict[str, int]:
    """Folder code key -> the codings it has (made before it became a folder; kept, not counted as refused)."""
    with store.read() as conn:
        folders = coding_targets(conn).folders
        ids = codes_db.ids(conn)
        counts = {key: codings_db.count_of_code(conn, ids[key]) for key in folders}
    return {key: n for key, n in counts.items() if n}


def _undoable(user: User) -> tuple[str, ...]:
    """What the user may undo of their own changes: codings, and the codebook for whoever may edit it (the owner)."""
    return ("codebook", "codings") if user.can("owner") else ("codings",)


def own_history(store: QualStore, user: User, *, limit: int = 20) -> list[dict[str, Any]]:
    """The user's own latest changes that an undo could reach, newest first (never anyone else's: blind coding)."""
    from .history import history

    return [c.as_dict() for c in history(store, kinds=_undoable(user), who=[user.name], limit=limit)]


def undo_own(study: Study, store: QualStore, user: User, change: int | None = None) -> dict[str, Any]:
    """Undo the user's own newest change not undone yet (or the one given, if it is theirs); what was undone."""
    from .history import undo

    return undo(study, store, who=user.name, record=change, by=[user.name], kinds=_undoable(user)).as_dict()


def code_counts(study: Study, store: QualStore, user: User) -> dict[str, dict[str, Any]]:
    """Code key -> segments, documents, participants and whether sub-codes are counted in ("counted"), over the
    codings the user may see (blind coding: a coder's own; a viewer's none)."""
    from .queries import code_frequencies

    coders = visible_coders(store, user)
    if coders is not None and len(coders) != 1:
        return {}
    frame = code_frequencies(study, store, coder=None if coders is None else next(iter(coders)))
    return {str(r["code"]): r for r in frame.to_dict("records")}


def add_code(study: Study, store: QualStore, key: str, name: str, parent: str | None, description: str, who: str) -> None:
    """A new code in the codebook (the store and codebook.yaml)."""
    import re

    if not re.fullmatch(r"[a-z][a-z0-9_]{0,99}", key):
        raise CodingError(f"a code key is lower-case letters, digits and _, starting with a letter: not {key!r}")
    if not name.strip():
        raise CodingError("a code needs a name")
    from ..privacy.gate import gate_for

    gate = gate_for(study)
    phone_like = re.search(r"\d(?:_?\d){6,}", key)  # seven digits or more: a phone number once its + and spaces went
    if phone_like or gate.release(key.replace("_", " ")) != key.replace("_", " "):
        raise CodingError(f"the key {key!r} holds personal data (a participant's name, an e-mail address or a phone "
                          f"number); a key goes into every export as it is: choose one without it")
    name, description = gate.release(name), gate.release(description)
    with store.change(who, "add_code", {"key": key, "parent": parent, "undo": {"key": key}}) as conn:
        if codes_db.code_id(conn, key) is not None:
            raise CodingError(f"there is a code {key!r} already")
        parent_id = None if not parent else code_id(conn, parent)
        codes_db.add(conn, key, name.strip(), parent_id=parent_id, description=description,
                     position=codes_db.next_position(conn))
    write_codebook(study, store)


def sees_all_codings(store: QualStore, user: User) -> bool:
    """Whether results made from everyone's codings (quantitised codes, joint displays, the report) may be shown
    to the user: the owner, anyone once coding is open, and anyone while the study has no codings at all."""
    if visible_coders(store, user) is None:
        return True
    with store.read() as conn:
        return codings_db.count(conn) == 0


def segments_in_context(store: QualStore, spans: list[tuple[str, int, int]], words: int) -> list[dict[str, Any]]:
    """Each (document, start, end) with its speaker and `words` words either side inside the speaker's turn
    ("…" where a sentence is cut), as the quotes show them; each document is read once."""
    from .sentences import excerpt

    read: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    with store.read() as conn:
        for name in sorted({s[0] for s in spans}):
            doc = documents_db.by_name(conn, name)
            if doc is None:
                raise NotFoundError(f"no document {name!r}")
            read[name] = (doc.text, documents_db.turns_of(conn, doc.id))
    out = []
    for name, start, end in spans:
        text, turns = read[name]
        turn = next((t for t in turns if t["start"] <= start < t["end"]), None)
        low, high = (turn["start"], max(turn["end"], end)) if turn else (0, len(text))
        before, quote, after = excerpt(text[low:start], text[start:end], text[end:high], words)
        out.append({"document": name, "start": start, "end": end, "speaker": turn["speaker"] if turn else None,
                    "before": before, "text": quote, "after": after})
    return out
