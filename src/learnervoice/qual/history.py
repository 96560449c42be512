"""History and undo of codebook changes (add, rename, move, merge, split, delete, codable or a folder) and codings (add, recode, delete).

Every such change keeps in its audit record what undoing it needs (the rows it removed, the values it
replaced). An undo is a change of its own: one transaction that puts the rows back exactly (ids and
GUIDs too, where no other row took them since) and appends an `undo` record naming the change undone.
A change is undone once; an undo is not undone (make the change again). Before anything is put back,
the store is checked to be as the change left it: when a later change altered the same codes or
codings, nothing is done and the message says to undo that one first.

>>> history(store, kinds=("codebook",))  # doctest: +SKIP
>>> undo(study, store, who="ana")  # the newest change that can be undone  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from ..errors import ConflictError, NotFoundError
from ..store import QualStore
from ..store import audit as audit_log
from ..store import codebook as codes_db
from ..store import codings as codings_db
from ..store import memos as memos_db
from ..study.load import Study
from .codebook import write_codebook

CODEBOOK_ACTIONS = ("add_code", "rename_code", "move_code", "merge_codes", "split_code", "delete_code", "set_codable")
CODING_ACTIONS = ("add_codings", "update_coding", "delete_coding", "reject_suggestion")
KINDS = {"codebook": CODEBOOK_ACTIONS, "codings": CODING_ACTIONS}
UNDO = "undo"


@dataclass(frozen=True)
class Change:
    """A change as the history lists it."""

    id: int
    at: datetime
    who: str
    action: str
    what: str
    undone_by: int | None  # the audit record of its undo
    can_undo: bool  # kept with what an undo needs, and not undone yet

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "who": self.who, "action": self.action, "what": self.what,
                "undone_by": self.undone_by, "can_undo": self.can_undo}


def _actions(kinds: Collection[str]) -> tuple[str, ...]:
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise NotFoundError(f"no kind of change {unknown[0]!r}; kinds are: {', '.join(KINDS)}")
    return tuple(a for kind in kinds for a in KINDS[kind])


def history(store: QualStore, *, kinds: Collection[str] = ("codebook", "codings"), who: Collection[str] | None = None,
            limit: int = 50) -> list[Change]:
    """The newest changes of these kinds (by these people; everyone's with None), newest first."""
    with store.read() as conn:
        found = audit_log.entries(conn, _actions(kinds), who=who, limit=limit)
        undone = _undone(conn)
    return [_change(e, undone) for e in found]


def _undone(conn: Connection) -> dict[int, int]:
    """Record undone -> the record of its undo."""
    return {int(e.detail["undoes"]): e.id for e in audit_log.entries(conn, [UNDO])}


def _change(entry: audit_log.Entry, undone: dict[int, int]) -> Change:
    return Change(entry.id, entry.at, entry.who, entry.action, describe(entry), undone.get(entry.id),
                  "undo" in entry.detail and entry.id not in undone)


def describe(entry: audit_log.Entry) -> str:
    """A change in words: "merge career_x into career (12 codings)"."""
    d = entry.detail
    words: dict[str, Callable[[], str]] = {
        "add_code": lambda: f"add code {d['key']}",
        "rename_code": lambda: f"rename {d['key']} to {d['name']!r}",
        "move_code": lambda: f"move {d['key']} under {d['parent'] or '(top level)'}",
        "merge_codes": lambda: f"merge {d['from']} into {d['into']}",
        "split_code": lambda: f"split {len(d['codings'])} coding(s) of {d['key']} into {d['new']}",
        "delete_code": lambda: f"delete code {d['key']}" + (f" (codings to {d['codings_to']})" if d.get("codings_to") else ""),
        "set_codable": lambda: f"make {d['key']} " + ("codable" if d["codable"] else "a folder of codes (not codable)"),
        "add_codings": lambda: f"add {len(d.get('undo', {}).get('added', [])) or d.get('count', 0)} coding(s)"
                               + ("" if d["source"] == "api" else f" ({d['source']})"),  # api: one in the workbench
        "update_coding": lambda: "recode a coding" + (f" as {d['code']}" if d.get("code") else " (its span)"),
        "delete_coding": lambda: "delete a coding" + (f" of {d['undo']['code_key']}" if "code_key" in d.get("undo", {}) else ""),
        "reject_suggestion": lambda: f"reject a suggestion of {d['code']} ({d['document']}, {d['start']}–{d['end']})",
    }
    return words[entry.action]() if entry.action in words else entry.action


def undo(study: Study, store: QualStore, *, who: str, record: int | None = None, by: Collection[str] | None = None,
         kinds: Collection[str] = ("codebook", "codings")) -> Change:
    """Undo one change: the audit record given, or the newest of these kinds (by these people) not undone yet.

    Raises NotFoundError when there is nothing to undo and ConflictError when the store has moved on.
    """
    actions = _actions(kinds)
    detail: dict[str, Any] = {}
    with store.change(who, UNDO, detail) as conn:
        target = _target(conn, record, actions, by)
        detail.update(undoes=target.id, action=target.action)
        if target.id in _undone(conn):
            raise ConflictError(f"change {target.id} ({describe(target)}) is undone already")
        if "undo" not in target.detail:
            raise ConflictError(f"change {target.id} ({describe(target)}) was made before undo was kept; it cannot be undone")
        moved = _texts_changed_since(conn, target) if target.action in PLACED else None
        if moved is not None:
            raise ConflictError(f"change {target.id} ({describe(target)}) was made before {moved}: the places it kept "
                                "in the text no longer hold, so it cannot be undone")
        REVERSE[target.action](conn, target.detail)
    if target.action in CODEBOOK_ACTIONS:
        write_codebook(study, store)
    with store.read() as conn:
        return _change(target, _undone(conn))


# changes whose undo puts codings back at the places (document ids, offsets) they kept, and the changes after which
# those places no longer hold (a removed document's id may be given to the next one imported). Undoing an addition
# deletes the codings by their GUIDs wherever they are now, so it is not among them.
PLACED = ("update_coding", "delete_coding", "delete_code", "merge_codes", "split_code")
TEXT_CHANGES = ("remove_document", "replace_transcript", "update_open_answers")


def _texts_changed_since(conn: Connection, target: audit_log.Entry) -> str | None:
    """A document removed or whose text changed after the target change, in words (None: none was)."""
    for entry in audit_log.entries(conn, TEXT_CHANGES, limit=1):
        if entry.id > target.id:
            verb = {"remove_document": "was removed"}.get(entry.action, "changed its text")
            return f"{entry.detail.get('document', 'a document')!s} {verb} (change {entry.id})"
    return None


def _target(conn: Connection, record: int | None, actions: tuple[str, ...], by: Collection[str] | None) -> audit_log.Entry:
    if record is not None:
        found = audit_log.entry(conn, record)
        if found is None or found.action not in actions or (by is not None and found.who not in by):
            raise NotFoundError(f"no change {record} that you can undo")
        return found
    undone = _undone(conn)
    for candidate in audit_log.entries(conn, actions, who=by, limit=200):
        if candidate.id not in undone and "undo" in candidate.detail:
            return candidate
    raise NotFoundError("nothing to undo")


# --- each change reversed: check that the store is as the change left it, then put back ----------------


def _later(what: str) -> ConflictError:
    return ConflictError(f"{what} changed since; undo the later change first (`learnervoice history` lists them)")


def _code(conn: Connection, key: str) -> int:
    found = codes_db.code_id(conn, key)
    if found is None:
        raise _later(f"code {key!r} is gone or was renamed:")
    return found


def _undo_add_code(conn: Connection, d: dict[str, Any]) -> None:
    cid = _code(conn, d["key"])
    if codings_db.count_of_code(conn, cid) or codes_db.child_count(conn, cid):
        raise _later(f"code {d['key']!r} has codings or sub-codes now; it")
    codes_db.delete(conn, cid)


def _undo_rename(conn: Connection, d: dict[str, Any]) -> None:
    cid = _code(conn, d["key"])
    if codes_db.row(conn, cid)["name"] != d["name"]:
        raise _later(f"the name of {d['key']!r}")
    codes_db.rename(conn, cid, d["undo"]["name"])


def _undo_move(conn: Connection, d: dict[str, Any]) -> None:
    cid = _code(conn, d["key"])
    now = codes_db.parent_of(conn, cid)
    if (None if now is None else codes_db.key_of(conn, now)) != d["parent"]:
        raise _later(f"the place of {d['key']!r}")
    before = d["undo"]["parent"]
    codes_db.set_parent(conn, cid, None if before is None else _code(conn, before))


def _restore_code(conn: Connection, d: dict[str, Any], into: int | None) -> None:
    """A merged or deleted code back, with its sub-codes and codings (those moved to `into` and those that went)."""
    gone = d["undo"]["code"]
    if codes_db.code_id(conn, gone["key"]) is not None:
        raise _later(f"a code {gone['key']!r} exists again:")
    parent = gone["parent_id"]
    if parent is not None and not codes_db.parents(conn, [parent]):
        raise _later("its parent code")
    moved, children = d["undo"]["moved"], d["undo"]["children"]
    if into is not None and (set(codings_db.codes_of(conn, moved).values()) - {into} or len(codings_db.codes_of(conn, moved)) != len(moved)):
        raise _later("codings moved by it")
    if into is not None and set(codes_db.parents(conn, children).values()) - {into}:
        raise _later("sub-codes moved by it")
    cid = codes_db.restore(conn, gone)
    codings_db.set_code(conn, moved, cid)
    codes_db.set_parents(conn, children, cid)
    for row in d["undo"]["dropped"]:
        codings_db.restore(conn, _dated(row) | {"code_id": cid})


def _undo_merge(conn: Connection, d: dict[str, Any]) -> None:
    _restore_code(conn, d, _code(conn, d["into"]))


def _undo_delete_code(conn: Connection, d: dict[str, Any]) -> None:
    _restore_code(conn, d, _code(conn, d["codings_to"]) if d.get("codings_to") else None)


def _undo_split(conn: Connection, d: dict[str, Any]) -> None:
    new = _code(conn, d["new"])
    ids = [int(i) for i in d["codings"]]
    now = codings_db.codes_of(conn, ids)
    if set(now.values()) - {new} or len(now) != len(ids) or codes_db.child_count(conn, new) \
            or codings_db.count_of_code(conn, new) != len(ids):
        raise _later(f"code {d['new']!r} or its codings")
    codings_db.set_code(conn, ids, _code(conn, d["key"]))
    codes_db.delete(conn, new)


def _undo_set_codable(conn: Connection, d: dict[str, Any]) -> None:
    cid = _code(conn, d["key"])
    if bool(codes_db.row(conn, cid)["codable"]) != d["codable"]:
        raise _later(f"whether {d['key']!r} is codable")
    codes_db.set_codable(conn, [d["key"]], d["undo"]["codable"])


def _undo_add_codings(conn: Connection, d: dict[str, Any]) -> None:
    added = d["undo"]["added"]
    found = codings_db.rows_by_guid(conn, added)
    if len(found) != len(added):
        raise _later(f"{len(added) - len(found)} of the {len(added)} coding(s) it added are gone; they")
    for row in found.values():
        memos_db.delete_on(conn, "coding", int(row["id"]))
    codings_db.delete_ids(conn, [int(r["id"]) for r in found.values()])


def _undo_update_coding(conn: Connection, d: dict[str, Any]) -> None:
    row = codings_db.rows_by_guid(conn, [d["coding"]]).get(d["coding"])
    if row is None:
        raise _later("the coding")
    before = d["undo"]
    after_code = _code(conn, d["code"]) if d.get("code") else row["code_id"]
    after = (d["start"] if d.get("start") is not None else before["start"],
             d["end"] if d.get("end") is not None else before["end"], after_code)
    if (row["start"], row["end"], row["code_id"]) != after:
        raise _later("the coding")
    if not codings_db.move(conn, int(row["id"]), start=before["start"], end=before["end"], code_id=_code(conn, before["code"])):
        raise _later("a coding like the one it replaced exists again:")


def _undo_delete_coding(conn: Connection, d: dict[str, Any]) -> None:
    row = _dated(d["undo"]["coding"])
    if not codes_db.parents(conn, [int(row["code_id"])]):
        raise _later("its code")
    if codings_db.rows_by_guid(conn, [row["guid"]]):
        raise _later("the coding exists again:")
    cid = codings_db.restore(conn, row)
    if cid is None:
        raise _later("the same coding exists again:")
    for memo in d["undo"]["memos"]:
        memos_db.add(conn, target_kind="coding", target_id=cid, author=memo["author"], text=memo["text"],
                     created_at=datetime.fromisoformat(memo["created_at"]), guid=memo["guid"])


def _dated(row: dict[str, Any]) -> dict[str, Any]:
    return row | {"created_at": datetime.fromisoformat(row["created_at"])} if isinstance(row.get("created_at"), str) else row


REVERSE: dict[str, Callable[[Connection, dict[str, Any]], None]] = {
    "add_code": _undo_add_code, "rename_code": _undo_rename, "move_code": _undo_move, "merge_codes": _undo_merge,
    "delete_code": _undo_delete_code, "split_code": _undo_split, "add_codings": _undo_add_codings,
    "update_coding": _undo_update_coding, "delete_coding": _undo_delete_coding, "set_codable": _undo_set_codable,
    "reject_suggestion": lambda conn, d: None,  # its undo record is enough: the rejection no longer counts
}
