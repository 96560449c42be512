"""The project.qde of a .qdpx export, in the schema's order: Users, CodeBook, Variables, Cases, Sources,
Notes, Sets, Description, NoteRef. Each part is written only when it has something in it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree as ET

from ..privacy.gate import Gate
from ..store import QualStore
from .refi_write import (PROJECT_NS, VALUE_ELEMENTS, Writer, code_guid, guid, note_refs, source_guid, stamp,
                         write_xml)


class ProjectWriter(Writer):
    def __init__(self, store: QualStore, gate: Gate) -> None:
        super().__init__(store, gate, PROJECT_NS)
        self.notes = note_refs(self.stored.memos)

    def user_guid(self, name: str) -> str:
        kept = self.by_name["user"].get(name)
        return kept.guid if kept else guid("user", name)

    def users(self, root: ET.Element) -> None:
        names = [o.name for o in self.kept["user"]]
        names += sorted(({c.coder for c in self.stored.selections} | {m.author for m in self.stored.memos}) - set(names))
        if names:
            into = self.el(root, "Users")
            for name in names:
                self.el(into, "User", {"guid": self.user_guid(name), "name": self.gate.release(name)})

    def variables(self, root: ET.Element, names: list[str]) -> None:
        if not names:  # the schema wants at least one <Variable> in <Variables>
            return
        into = self.el(root, "Variables")
        for name in names:
            kept = self.by_name["variable"].get(name)
            made = self.el(into, "Variable", {"guid": kept.guid if kept else guid("variable", name), "name": name,
                                              "typeOfVariable": self.variable_type(name)})
            if kept and kept.detail.get("description"):
                self.el(made, "Description", text=self.gate.release(kept.detail["description"]))

    def variable_type(self, name: str) -> str:
        kept = self.by_name["variable"].get(name)
        return str(kept.detail.get("type", "Text")) if kept else "Text"

    def cases(self, root: ET.Element, participants: list[dict[str, str]], names: list[str]) -> None:
        if not participants:
            return
        guids = {d.id: source_guid(d) for d in self.stored.sources}
        present = {g.lower() for g in guids.values()}
        spoken: dict[str, set[int]] = {}
        for document_id, participant in self.stored.speakers:
            spoken.setdefault(participant, set()).add(document_id)
        into = self.el(root, "Cases")
        for p in participants:
            kept = self.by_name["case"].get(p["pseudonym"])
            case = self.el(into, "Case", {"guid": kept.guid if kept else guid("case", p["pseudonym"]), "name": p["pseudonym"]})
            if kept and kept.detail.get("description"):
                self.el(case, "Description", text=self.gate.release(kept.detail["description"]))
            for name in names:
                if p.get(name):
                    self.value(case, name, p[name])
            refs = [guids[d] for d in sorted(spoken.get(p["pseudonym"], set()))]
            refs += [g for g in (kept.detail.get("sources", []) if kept else []) if g.lower() in present and g not in refs]
            for ref in refs:
                self.el(case, "SourceRef", {"targetGUID": ref})

    def value(self, case: ET.Element, name: str, text: str) -> None:
        kept = self.by_name["variable"].get(name)
        made = self.el(case, "VariableValue")
        self.el(made, "VariableRef", {"targetGUID": kept.guid if kept else guid("variable", name)})
        tag = VALUE_ELEMENTS.get(self.variable_type(name), "TextValue")
        self.el(made, tag if _fits(tag, text) else "TextValue", text=text)

    def sources(self, root: ET.Element) -> dict[str, str]:
        texts: dict[str, str] = {}
        if not self.stored.sources:
            return texts
        into = self.el(root, "Sources")
        by_document: dict[int, list[Any]] = {}
        for c in self.stored.selections:
            by_document.setdefault(c.document_id, []).append(c)
        for d in self.stored.sources:
            doc_guid = source_guid(d)
            src = self.el(into, "TextSource", {"guid": doc_guid, "name": self.gate.release(d.name),
                                               "plainTextPath": f"internal://{doc_guid}.txt",
                                               "creationDateTime": stamp(d.imported_at)})
            kept = self.by_name["source"].get(d.name)
            if kept and kept.detail.get("description"):
                self.el(src, "Description", text=self.gate.release(kept.detail["description"]))
            text, moved = self.gate.release_text(d.text)
            texts[f"{doc_guid}.txt"] = text
            for c in by_document.get(d.id, []):
                self.selection(src, c, moved)
            for ref in self.notes.get(("document", d.id), []):
                self.el(src, "NoteRef", {"targetGUID": ref})
        return texts

    def selection(self, src: ET.Element, c: Any, moved: Any) -> None:
        coding_guid = c.guid or guid("coding", c.id)
        user = self.user_guid(c.coder)
        sel = self.el(src, "PlainTextSelection", {
            "guid": guid("selection", coding_guid.lower()), "startPosition": str(moved(c.start, False)),
            "endPosition": str(moved(c.end, True)), "creatingUser": user, "creationDateTime": stamp(c.created_at)})
        coding = self.el(sel, "Coding", {"guid": coding_guid, "creatingUser": user, "creationDateTime": stamp(c.created_at)})
        self.el(coding, "CodeRef", {"targetGUID": c.code_guid or guid("code", c.key)})
        for ref in self.notes.get(("coding", c.id), []):
            self.el(sel, "NoteRef", {"targetGUID": ref})

    def memos(self, root: ET.Element) -> None:
        if not self.stored.memos:
            return
        names = {o.guid.lower(): o.name for o in self.kept["note"]}
        into = self.el(root, "Notes")
        for m in self.stored.memos:
            memo_guid = m.guid or guid("memo", m.id)
            note = self.el(into, "Note", {"guid": memo_guid, "name": self.gate.release(names.get(memo_guid.lower(), f"{m.target_kind} memo")),
                                          "creatingUser": self.user_guid(m.author), "creationDateTime": stamp(m.created_at)})
            self.el(note, "PlainTextContent", text=self.gate.release(m.text))


def _fits(tag: str, text: str) -> bool:
    """Whether a value written as text can be written as the variable's type (else it stays text)."""
    value = text.strip()
    if tag == "BooleanValue":
        return value in ("true", "false", "0", "1")
    if tag == "IntegerValue":
        return value.lstrip("+-").isdigit()
    if tag == "FloatValue":
        try:
            Decimal(value)
        except InvalidOperation:
            return False
        return "e" not in value.lower() and value.lower() not in ("nan", "inf", "-inf", "infinity")
    if tag in ("DateValue", "DateTimeValue"):
        from datetime import date, datetime

        try:
            (date if tag == "DateValue" else datetime).fromisoformat(value)
        except ValueError:
            return False
        return tag == "DateValue" or "T" in value
    return True


def project_xml(store: QualStore, *, project: str, participants: list[dict[str, str]],
                gate: Gate) -> tuple[bytes, dict[str, str]]:
    """project.qde and the sources' texts by their entry name under Sources/."""
    w = ProjectWriter(store, gate)
    root = ET.Element(f"{w.n}Project", {"name": gate.release(project), "origin": "learnervoice"})
    w.users(root)
    if w.codes:
        w.codes_into(w.el(root, "CodeBook"), w.notes)
    participants = gate.release(participants)
    names = sorted({k for p in participants for k in p if k != "pseudonym"})
    w.variables(root, names)
    w.cases(root, participants, names)
    texts = w.sources(root)
    w.memos(root)
    present = {"codes": {code_guid(r).lower() for r in w.codes},
               "sources": {source_guid(d).lower() for d in w.stored.sources},
               "notes": {(m.guid or "").lower() for m in w.stored.memos}}
    w.sets_into(root, present, "targetGUID")
    kept = w.kept["project"]
    if kept and kept[0].detail.get("description"):
        w.el(root, "Description", text=gate.release(kept[0].detail["description"]))
    for ref in w.notes.get(("project", 0), []):
        w.el(root, "NoteRef", {"targetGUID": ref})
    return write_xml(root, PROJECT_NS), texts


def participants_of(rows: Sequence[Any]) -> list[dict[str, str]]:
    return [{"pseudonym": p.pseudonym, **p.attributes} for p in rows if not p.is_moderator]
