"""Codings and memos: add them one by one, from a CSV file, or by auto-coding whole turns.

Every batch is checked whole (document known, offsets inside its text, code in
the codebook, a coder named) and stored in one transaction with its audit record.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..errors import CodingError
from .store import QualStore, codes, codings, documents, insert_id, memos, now, turns


@dataclass(frozen=True)
class NewCoding:
    document: str
    start: int
    end: int
    code: str  # code key
    coder: str


def add_codings(store: QualStore, items: list[NewCoding], *, who: str, source: str = "api") -> int:
    """Store codings; all or nothing. A coding already stored is not stored twice. Returns codings added."""
    problems: list[str] = []
    names = sorted({item.document for item in items})
    with store.read() as conn:
        docs = {
            r.name: (r.id, int(r.length))
            for r in conn.execute(
                sa.select(documents.c.id, documents.c.name, sa.func.length(documents.c.text).label("length"))
                .where(documents.c.name.in_(names))
            )
        }
        code_ids = {r.key: r.id for r in conn.execute(sa.select(codes.c.key, codes.c.id))}
    rows = []
    for n, item in enumerate(items, start=1):
        where = f"{source}, coding {n}" if source == "api" else f"{source}, row {n + 1}"
        if item.document not in docs:
            problems.append(f"{where}, column 'document': no document {item.document!r}")
            continue
        doc_id, length = docs[item.document]
        if not (0 <= item.start < item.end <= length):
            problems.append(f"{where}: offsets {item.start}–{item.end} are outside {item.document!r} (0–{length})")
        if item.code not in code_ids:
            problems.append(f"{where}, column 'code': no code {item.code!r} in the codebook")
        if not item.coder.strip():
            problems.append(f"{where}, column 'coder': name the coder")
        rows.append({"document_id": doc_id, "start": item.start, "end": item.end, "code_id": code_ids.get(item.code),
                     "coder": item.coder.strip(), "created_at": now()})
    if problems:
        raise CodingError(f"{len(problems)} problem(s); no coding was stored:\n  - " + "\n  - ".join(problems[:200]))
    added = 0
    with store.change(who, "add_codings", {"source": source, "count": len(rows)}) as conn:
        for row in rows:
            exists = conn.execute(
                sa.select(codings.c.id).where(*(getattr(codings.c, k) == row[k] for k in ("document_id", "start", "end", "code_id", "coder")))
            ).first()
            if exists is None:
                conn.execute(codings.insert().values(**row))
                added += 1
    return added


def read_codings_csv(path: Path) -> list[NewCoding]:
    """Columns: document, start, end, code, coder (a header row first)."""
    if not path.is_file():
        raise CodingError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            need = ("document", "start", "end", "code", "coder")
            missing = [c for c in need if c not in (reader.fieldnames or [])]
            if missing:
                raise CodingError(f"{path}, row 1: missing column(s) {', '.join(missing)}")
            out = []
            for line, rec in enumerate(reader, start=2):
                try:
                    start, end = int(rec["start"]), int(rec["end"])
                except (TypeError, ValueError):
                    raise CodingError(f"{path}, row {line}: start and end must be whole numbers") from None
                out.append(NewCoding(rec["document"], start, end, rec["code"], rec["coder"] or ""))
    except UnicodeDecodeError:
        raise CodingError(f"{path}: not UTF-8 text") from None
    return out


def autocode(
    store: QualStore,
    code: str,
    *,
    coder: str,
    pattern: str | None = None,
    speaker: str | None = None,
    who: str,
) -> int:
    """Code whole turns that match a keyword/regex (case-insensitive) or are spoken by a speaker."""
    if (pattern is None) == (speaker is None):
        raise CodingError("auto-coding needs exactly one of a pattern or a speaker")
    try:
        regex = re.compile(pattern, re.IGNORECASE) if pattern else None
    except re.error as exc:
        raise CodingError(f"the pattern {pattern!r} is not a valid regular expression ({exc})") from None
    with store.read() as conn:
        rows = conn.execute(
            sa.select(documents.c.name, documents.c.text, turns.c.start, turns.c.end, turns.c.speaker)
            .join(turns, turns.c.document_id == documents.c.id)
            .order_by(documents.c.name, turns.c.idx)
        ).all()
    items = [
        NewCoding(r.name, r.start, r.end, code, coder)
        for r in rows
        if r.end > r.start
        and ((regex is not None and regex.search(r.text[r.start : r.end])) or (speaker is not None and r.speaker == speaker))
    ]
    return add_codings(store, items, who=who, source=f"autocode {pattern or speaker!r}")


def add_memo(store: QualStore, target_kind: str, target: str | int, text: str, *, author: str) -> int:
    """A memo on a document (by name), a code (by key) or a coding (by id)."""
    if target_kind not in ("document", "code", "coding"):
        raise CodingError("memos are attached to a document, a code or a coding")
    if not text.strip():
        raise CodingError("a memo needs text")
    with store.change(author, "add_memo", {"on": target_kind, "target": target}) as conn:
        table, column = {"document": (documents, documents.c.name), "code": (codes, codes.c.key), "coding": (codings, codings.c.id)}[target_kind]
        target_id = conn.execute(sa.select(table.c.id).where(column == target)).scalar()
        if target_id is None:
            raise CodingError(f"no {target_kind} {target!r}")
        return insert_id(conn, memos.insert().values(target_kind=target_kind, target_id=target_id, author=author,
                                                     text=text, created_at=now()))
