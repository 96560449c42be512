"""Writing .qdpx projects and .qdc codebooks strictly by the QDA-XML 1.0 schemas.

Positions are code points over the text as stored (CRLF line ends kept, each two characters). An element
the schema wants non-empty is written only when it has content (no empty <Variables/>, <Users/> or
<Sets/>). GUIDs kept from an imported project are written again; ours are derived from stable keys, so
repeated exports agree. Every text that leaves passes through the disclosure gate.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from datetime import timezone
from typing import Any
from xml.etree import ElementTree as ET

from ..errors import ExchangeError
from ..privacy.gate import Gate
from ..store import QualStore
from ..store import codebook as codes_db
from ..store import exchange as exchange_db

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("6f1f7a53-6e1b-4d7e-9b0e-2f0b8d6f3c11")
DEFINITION_LABELS = ("Inclusion", "Exclusion", "Example", "Key")
VALUE_ELEMENTS = {"Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue", "Date": "DateValue",
                  "DateTime": "DateTimeValue"}


def guid(kind: str, key: object) -> str:
    """A stable GUID for one of our objects, so repeated exports agree."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def code_guid(row: Any) -> str:
    return str(row.guid or guid("code", row.key))


def source_guid(doc: Any) -> str:
    return str(doc.guid or guid("document", doc.name))


def definition(row: Any) -> str:
    """A code's definition as one description: inclusion, exclusion, example and key on labelled lines
    (read back into their fields when learnervoice imports its own file)."""
    parts = [row.description]
    for label, text in zip(DEFINITION_LABELS, (row.inclusion, row.exclusion, row.example, row.key)):
        if text:
            parts.append(f"{label}: {text}")
    return "\n".join(p for p in parts if p)


class Writer:
    """One export: the store's rows read once, the kept objects by name, the gate."""

    def __init__(self, store: QualStore, gate: Gate, ns: str) -> None:
        self.gate, self.n = gate, f"{{{ns}}}"
        with store.read() as conn:
            self.codes = codes_db.all_codes(conn)
            self.stored = exchange_db.project(conn)
            self.kept = {kind: exchange_db.objects(conn, kind) for kind in exchange_db.KINDS}
        self.by_name = {kind: {o.name: o for o in rows} for kind, rows in self.kept.items()}

    def el(self, parent: ET.Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
        made = ET.SubElement(parent, self.n + tag, attrs or {})
        if text is not None:
            made.text = text
        return made

    def codes_into(self, parent: ET.Element, notes: dict[tuple[str, int], list[str]] | None = None) -> None:
        """The code tree under <Codes>, without recursion (a tree's depth is the user's to choose)."""
        children: dict[int | None, list[Any]] = {}
        for r in self.codes:
            children.setdefault(r.parent_id, []).append(r)
        stack: list[tuple[ET.Element, int | None]] = [(self.el(parent, "Codes"), None)]
        while stack:
            into, parent_id = stack.pop()
            for r in children.get(parent_id, []):
                attrs = {"guid": code_guid(r), "name": self.gate.release(r.name),
                         "isCodable": "true" if r.codable else "false"}
                if r.colour:
                    attrs["color"] = r.colour
                made = self.el(into, "Code", attrs)
                text = definition(r)
                if text:
                    self.el(made, "Description", text=self.gate.release(text))
                for ref in (notes or {}).get(("code", r.id), []):
                    self.el(made, "NoteRef", {"targetGUID": ref})
                stack.append((made, r.id))

    def sets_into(self, parent: ET.Element, present: dict[str, set[str]], member_attr: str) -> None:
        """<Sets> with the members still present (none written when no set was kept)."""
        sets = self.kept["set"]
        if not sets:
            return
        into = self.el(parent, "Sets")
        for s in sets:
            made = self.el(into, "Set", {"guid": s.guid, "name": self.gate.release(s.name)})
            if s.detail.get("description"):
                self.el(made, "Description", text=self.gate.release(s.detail["description"]))
            for tag, kind in (("MemberCode", "codes"), ("MemberSource", "sources"), ("MemberNote", "notes")):
                for member in s.detail.get(kind, []):
                    if member.lower() in present.get(kind, set()):
                        self.el(made, tag, {member_attr: member})


def write_xml(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    # a CR in text would be read back as LF (XML's line-end rule): written as a character reference it stays
    # (ElementTree writes no CR of its own, and escapes those in attributes already)
    return buffer.getvalue().replace(b"\r", b"&#13;")


def codebook_xml(store: QualStore, gate: Gate) -> bytes:
    w = Writer(store, gate, CODEBOOK_NS)
    if not w.codes:
        raise ExchangeError("the codebook is empty; nothing to export")
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": "learnervoice"})
    w.codes_into(root)
    w.sets_into(root, {"codes": {code_guid(r).lower() for r in w.codes}}, "guid")
    return write_xml(root, CODEBOOK_NS)


def stamp(value: Any) -> str:
    if value is None:
        return "2000-01-01T00:00:00Z"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def note_refs(memo_rows: Sequence[Any]) -> dict[tuple[str, int], list[str]]:
    refs: dict[tuple[str, int], list[str]] = {}
    for m in memo_rows:
        refs.setdefault((m.target_kind, m.target_id), []).append(m.guid or guid("memo", m.id))
    return refs
