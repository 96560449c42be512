"""Codings and memos: add them one by one, from a CSV file, or by auto-coding sentences or whole turns.

Every batch is checked whole (document known, offsets inside its text, code in
the codebook, a coder named) and stored in one transaction with its audit record.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import CodingError, FolderCodeError
from ..privacy.gate import Gate
from ..store import QualStore, new_guid, now
from ..store import codings as codings_db
from ..store import documents as documents_db
from ..store import memos as memos_db
from .codebook import coding_targets
from .sentences import sentence_spans


@dataclass(frozen=True)
class NewCoding:
    """A coding to add: by offsets, or by a quote found in the document (its n-th occurrence)."""

    document: str
    start: int
    end: int
    code: str  # code key
    coder: str
    quote: str | None = None
    occurrence: int = 1


def add_codings(store: QualStore, items: list[NewCoding], *, who: str, source: str = "api") -> int:
    """Store codings; all or nothing. A coding already stored is not stored twice. Returns codings added."""
    problems: list[str] = []
    names = sorted({item.document for item in items})
    quoted = sorted({item.document for item in items if item.quote})
    with store.read() as conn:
        docs = documents_db.lengths(conn, names)
        texts = documents_db.texts(conn, quoted)
        targets = coding_targets(conn)
    rows: list[dict[str, Any]] = []
    folders = 0
    stamp = now()
    for n, item in enumerate(items, start=1):
        where = f"{source}, coding {n}" if source == "api" else f"{source}, row {n + 1}"
        if item.document not in docs:
            problems.append(f"{where}, column 'document': no document {item.document!r}")
            continue
        doc_id, length = docs[item.document]
        if item.quote:
            found = _find(texts[item.document], item.quote, item.occurrence)
            if found is None:
                problems.append(f"{where}, column 'quote': {item.quote[:60]!r} is not in {item.document!r} "
                                f"{item.occurrence} time(s)")
                continue
            item = NewCoding(item.document, found, found + len(item.quote), item.code, item.coder)
        if not (0 <= item.start < item.end <= length):
            problems.append(f"{where}: offsets {item.start}–{item.end} are outside {item.document!r} (0–{length})")
        if item.code in targets.folders:
            problems.append(f"{where}, column 'code': {targets.folders[item.code]}")
            folders += 1
        elif item.code not in targets.ids:
            problems.append(f"{where}, column 'code': no code {item.code!r} in the codebook")
        if not item.coder.strip():
            problems.append(f"{where}, column 'coder': name the coder")
        rows.append({"document_id": doc_id, "start": item.start, "end": item.end, "code_id": targets.ids.get(item.code),
                     "coder": item.coder.strip(), "created_at": stamp})
    if problems:
        error = FolderCodeError if folders else CodingError
        raise error(f"{len(problems)} problem(s); no coding was stored:\n  - " + "\n  - ".join(problems[:200]))
    added: list[str] = []
    detail: dict[str, Any] = {"source": source, "count": len(rows), "undo": {"added": added}}
    with store.change(who, "add_codings", detail) as conn:
        rows = [row | {"guid": new_guid()} for row in rows]
        stored = codings_db.add_many_if_new(conn, rows)
        added += [row["guid"] for row in rows if row["guid"] in stored]  # in the order given
    return len(added)


def _find(text: str, quote: str, occurrence: int) -> int | None:
    position = -1
    for _ in range(max(occurrence, 1)):
        position = text.find(quote, position + 1)
        if position < 0:
            return None
    return position


def read_codings_file(path: Path) -> list[NewCoding]:
    """Codings from a CSV file, or a YAML file holding a list of the same fields."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return read_codings_yaml(path)
    return read_codings_csv(path)


def read_codings_yaml(path: Path) -> list[NewCoding]:
    """A YAML list of {document, code, coder, start, end} or {document, code, coder, quote, occurrence}."""
    from ..study.load import _read_yaml, line_of

    if not path.is_file():
        raise CodingError(f"{path}: no such file")
    data = _read_yaml(path)
    if not isinstance(data, list):
        raise CodingError(f"{path}, line 1: expected a list of codings")
    out = []
    for i, rec in enumerate(data):
        line = line_of(data, (i,))
        if not isinstance(rec, dict) or not {"document", "code", "coder"} <= set(rec):
            raise CodingError(f"{path}, line {line}: a coding needs document, code and coder")
        out.append(_csv_coding(path, line or i + 1, {k: "" if v is None else str(v) for k, v in rec.items()}))
    return out


def read_codings_csv(path: Path) -> list[NewCoding]:
    """Columns: document, code, coder, and either start and end, or quote (with an optional occurrence)."""
    if not path.is_file():
        raise CodingError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = reader.fieldnames or []
            missing = [c for c in ("document", "code", "coder") if c not in columns]
            if not ({"start", "end"} <= set(columns) or "quote" in columns):
                missing.append("start and end (or quote)")
            if missing:
                raise CodingError(f"{path}, row 1: missing column(s) {', '.join(missing)}")
            out = []
            for line, rec in enumerate(reader, start=2):
                out.append(_csv_coding(path, line, rec))
    except UnicodeDecodeError:
        raise CodingError(f"{path}: not UTF-8 text") from None
    return out


def _csv_coding(path: Path, line: int, rec: dict[str, str]) -> NewCoding:
    quote = rec.get("quote") or None
    try:
        if quote:
            occurrence = int(rec.get("occurrence") or 1)
            return NewCoding(rec["document"], -1, -1, rec["code"], rec["coder"] or "", quote, occurrence)
        return NewCoding(rec["document"], int(rec["start"]), int(rec["end"]), rec["code"], rec["coder"] or "")
    except (TypeError, ValueError):
        raise CodingError(f"{path}, row {line}: start, end and occurrence must be whole numbers") from None


AUTOCODE_UNITS = ("sentence", "turn")


def autocode(
    store: QualStore,
    code: str,
    *,
    coder: str,
    pattern: str | None = None,
    speaker: str | None = None,
    unit: str = "sentence",
    languages: Iterable[str] | None = None,
    who: str,
) -> int:
    """Code the sentences (or whole turns) that match a keyword/regex (case-insensitive), or all those a speaker said."""
    if (pattern is None) == (speaker is None):
        raise CodingError("auto-coding needs exactly one of a pattern or a speaker")
    if unit not in AUTOCODE_UNITS:
        raise CodingError(f"auto-coding codes a 'sentence' or a 'turn', not {unit!r}")
    try:
        regex = re.compile(pattern, re.IGNORECASE) if pattern else None
    except re.error as exc:
        raise CodingError(f"the pattern {pattern!r} is not a valid regular expression ({exc})") from None
    with store.read() as conn:
        coding_targets(conn).id_of(code)  # a folder of codes, or no such code: said once, not once per sentence
        rows = documents_db.spoken_turns(conn)
    items = []
    for r in rows:
        if r.end <= r.start or (speaker is not None and r.speaker != speaker):
            continue
        spans = [(0, len(r.words))] if unit == "turn" else sentence_spans(r.words, languages=languages)
        items += [NewCoding(r.document, r.start + a, r.start + b, code, coder) for a, b in spans
                  if regex is None or regex.search(r.words, a, b)]
    return add_codings(store, items, who=who, source=f"autocode {pattern or speaker!r} by {unit}")


def add_memo(store: QualStore, target_kind: str, target: str | int, text: str, *, author: str, gate: Gate) -> int:
    """A memo on a document (by name), a code (by key) or a coding (by id).

    The text passes through the disclosure gate first: names become pseudonyms, e-mail
    addresses, phones and URLs placeholders (`gate.notice()` tells the author).
    """
    if target_kind not in ("document", "code", "coding"):
        raise CodingError("memos are attached to a document, a code or a coding")
    if not text.strip():
        raise CodingError("a memo needs text")
    text = gate.release(text)
    with store.change(author, "add_memo", {"on": target_kind, "target": target}) as conn:
        target_id = memos_db.target_id(conn, target_kind, target)
        if target_id is None:
            raise CodingError(f"no {target_kind} {target!r}")
        return memos_db.add(conn, target_kind=target_kind, target_id=target_id, author=author, text=text)
