"""The coding workbench: documents, the transcript reader, codings, memos, codebook, quotes, agreement."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ..errors import InvalidInputError
from ..privacy.gate import gate_for
from ..qual import workbench as wb
from ..qual.codebook import merge_codes, move_code, rename_code, set_codable
from ..qual.queries import CONTEXT_WORDS
from ..store import GUID
from .pages import page
from .security import Member, check_csrf, require

router = APIRouter()
viewer, coder, owner = require("viewer"), require("coder"), require("owner")
changes = [Depends(check_csrf)]

CodeKey = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=100)
MAX_OFFSET = 2**31 - 1  # far beyond any transcript; keeps numbers inside every database's integers
CodingId = PathParam(pattern=f"^(?:{GUID.pattern})$", description="The coding's id (a GUID).")


class CodingOut(BaseModel):
    id: str = Field(description="The coding's GUID: random, so it tells nothing of other codings.")
    start: int
    end: int
    code: str
    coder: str


class NewCodingIn(BaseModel):
    document: str = Field(min_length=1, max_length=200)
    start: int = Field(ge=0, le=MAX_OFFSET)
    end: int = Field(ge=1, le=MAX_OFFSET)
    code: str = CodeKey


class CodingPatch(BaseModel):
    code: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$", max_length=100)
    start: int | None = Field(default=None, ge=0, le=MAX_OFFSET)
    end: int | None = Field(default=None, ge=1, le=MAX_OFFSET)


class MemoIn(BaseModel):
    target_kind: Literal["document", "code", "coding"]
    target: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=20000)


class CodeIn(BaseModel):
    key: str = CodeKey
    name: str = Field(min_length=1, max_length=200)
    parent: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$", max_length=100)
    description: str = Field(default="", max_length=5000)


class CodeChange(BaseModel):
    action: Literal["rename", "move", "merge", "codable"]
    name: str | None = Field(default=None, min_length=1, max_length=200)
    parent: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$", max_length=100)
    into: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$", max_length=100)
    codable: bool | None = Field(default=None, description="With action 'codable': true, text may be coded with the "
                                 "code; false, it is a folder of codes (its codings are kept).")


class BlindIn(BaseModel):
    open: bool


class MemoOut(BaseModel):
    id: str = Field(description="The memo's GUID.")
    note: str = Field(default="", description="What the disclosure gate replaced in the text, if anything.")


class UndoIn(BaseModel):
    change: int | None = Field(default=None, ge=1, le=MAX_OFFSET, description="The change's id (the newest when absent).")


class Changes(BaseModel):
    last: int = Field(description="Moves when something the user may see changes (while coding is blind: "
                                  "when the user changes something).")


# --- JSON API ----------------------------------------------------------------------------------


@router.get("/s/{slug}/api/documents", tags=["coding"])
def list_documents(member: Member = Depends(viewer)) -> list[dict[str, Any]]:
    return wb.document_list(member.site.store)


@router.get("/s/{slug}/api/documents/{name}", tags=["coding"])
def get_document(name: str, member: Member = Depends(viewer)) -> dict[str, Any]:
    """The text, its turns with speakers (pseudonyms) and the speakers' attributes (in an open question's document,
    each answer is a turn, its respondent's survey answers among the attributes)."""
    view = wb.document_view(member.site.store, name)
    view["attributes"] = wb.speaker_attributes(member.site.study, member.site.store, view)
    return view


@router.get("/s/{slug}/api/documents/{name}/codings", tags=["coding"], response_model=list[CodingOut])
def get_codings(name: str, member: Member = Depends(viewer)) -> Response:
    """The codings the user may see (blind coding); built straight from the rows, as there can be thousands."""
    coders = wb.visible_coders(member.site.store, member.user)
    return JSONResponse([c.as_dict() for c in wb.document_codings(member.site.store, name, coders)])


@router.post("/s/{slug}/api/codings", tags=["coding"], status_code=201, dependencies=changes)
def post_coding(item: NewCodingIn, member: Member = Depends(coder)) -> CodingOut:
    made = wb.add_coding(member.site.store, item.document, item.start, item.end, item.code, member.user)
    return CodingOut(**made.as_dict())


@router.patch("/s/{slug}/api/codings/{coding_id}", tags=["coding"], dependencies=changes)
def patch_coding(patch: CodingPatch, coding_id: str = CodingId, member: Member = Depends(coder)) -> CodingOut:
    made = wb.update_coding(member.site.store, coding_id, member.user, code=patch.code, start=patch.start, end=patch.end)
    return CodingOut(**made.as_dict())


@router.delete("/s/{slug}/api/codings/{coding_id}", tags=["coding"], status_code=204, dependencies=changes)
def remove_coding(coding_id: str = CodingId, member: Member = Depends(coder)) -> Response:
    wb.delete_coding(member.site.store, coding_id, member.user)
    return Response(status_code=204)


@router.delete("/s/{slug}/api/documents/{name}", tags=["coding"], dependencies=changes)
def delete_document(name: str, confirm: bool = False, member: Member = Depends(owner)) -> dict[str, Any]:
    """Remove a document with its turns, codings and memos (the owner; `confirm=true` when it has codings, else 409)."""
    from ..qual.stored_documents import remove_document

    gone = remove_document(member.site.study, member.site.store, name, confirmed=confirm, who=member.user.name)
    return {"document": gone.document, "turns": gone.turns, "codings": gone.codings, "memos": gone.memos}


@router.get("/s/{slug}/api/documents/{name}/memos", tags=["coding"])
def get_memos(name: str, member: Member = Depends(viewer)) -> list[dict[str, Any]]:
    return wb.document_memos(member.site.store, name, wb.visible_coders(member.site.store, member.user))


@router.post("/s/{slug}/api/memos", tags=["coding"], status_code=201, dependencies=changes)
def post_memo(memo: MemoIn, member: Member = Depends(coder)) -> MemoOut:
    """A memo on a document (by name), a code (by key) or a coding (by its id); names in it become pseudonyms."""
    if memo.target_kind == "coding" and not GUID.fullmatch(memo.target):
        raise InvalidInputError("a coding is named by its id (a GUID)")
    gate = gate_for(member.site.study)
    made = wb.add_memo(member.site.store, memo.target_kind, memo.target, memo.text, member.user, gate=gate)
    return MemoOut(id=made, note=gate.notice() or "")


@router.get("/s/{slug}/api/codes", tags=["codebook"])
def get_codes(member: Member = Depends(viewer)) -> list[dict[str, Any]]:
    return wb.code_list(member.site.store)


@router.post("/s/{slug}/api/codes", tags=["codebook"], status_code=201, dependencies=changes)
def post_code(code: CodeIn, member: Member = Depends(owner)) -> dict[str, str]:
    wb.add_code(member.site.study, member.site.store, code.key, code.name, code.parent, code.description, member.user.name)
    return {"key": code.key}


@router.post("/s/{slug}/api/codes/{key}", tags=["codebook"], dependencies=changes)
def change_code(key: str, change: CodeChange, member: Member = Depends(owner)) -> dict[str, Any]:
    """Rename, move (parent null: to the top), merge into another code, or make it codable or a folder of codes."""
    return _change_code(member, key, change)


def _change_code(member: Member, key: str, change: CodeChange) -> dict[str, Any]:
    study, store, who = member.site.study, member.site.store, member.user.name
    if change.action == "rename":
        if not change.name:
            raise InvalidInputError("a new name is needed")
        rename_code(study, store, key, change.name, who)
        return {"key": key}
    if change.action == "move":
        move_code(study, store, key, change.parent, who)
        return {"key": key}
    if change.action == "codable":
        if change.codable is None:
            raise InvalidInputError("say whether the code is codable (true) or a folder of codes (false)")
        return {"key": key, "codable": change.codable, "codings": set_codable(study, store, key, change.codable, who)}
    if not change.into:
        raise InvalidInputError("say which code to merge into")
    return {"key": change.into, "moved": merge_codes(study, store, key, change.into, who)}


@router.get("/s/{slug}/api/quotes", tags=["analysis"])
def get_quotes(member: Member = Depends(viewer), code: str = Query(pattern=r"^[a-z][a-z0-9_]*$", max_length=100),
               attribute: str | None = Query(default=None, max_length=100),
               value: str | None = Query(default=None, max_length=200)) -> list[dict[str, Any]]:
    """Quotes of a code and its sub-codes, with speaker and attributes, filtered by one attribute."""
    return _quotes(member, code, attribute, value)


def _quotes(member: Member, code: str, attribute: str | None, value: str | None) -> list[dict[str, Any]]:
    from ..qual.queries import quotes

    coders = wb.visible_coders(member.site.store, member.user)
    where = {attribute: value} if attribute and value is not None else None
    frame = quotes(member.site.study, member.site.store, code, where=where)
    if coders is not None:
        frame = frame[frame["coder"].isin(sorted(coders))]
    guids = wb.coding_guids(member.site.store, [int(i) for i in frame["coding_id"]])
    frame = frame[frame["coding_id"].isin(list(guids))]  # a coding deleted since the snapshot is left out
    frame = frame.assign(coding_id=[guids[int(i)] for i in frame["coding_id"]])  # GUIDs, never row numbers
    keep = [c for c in ("coding_id", "document", "code", "coder", "speaker", "quote", "before", "after", "excerpt")
            if c in frame.columns]
    attrs = [c for c in frame.columns if c in _attribute_names(member)]
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in frame[keep + attrs].to_dict("records")]


def _attribute_names(member: Member) -> set[str]:
    return {k for attrs in wb.participant_attributes(member.site.study).values() for k in attrs}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


@router.get("/s/{slug}/api/agreement", tags=["analysis"])
def get_agreement(member: Member = Depends(owner),
                  unit: Literal["turn", "sentence", "character"] = "turn") -> dict[str, Any]:
    """Agreement per code and pooled, and the units where coders disagree (sentences for 'sentence', else turns)."""
    return _agreement(member, unit)


def _agreement(member: Member, unit: str) -> dict[str, Any]:
    from ..qual.agreement import agreement, disagreements

    languages = [member.site.study.config.language]
    figures = agreement(member.site.store, unit=unit, bootstrap=0, languages=languages)
    rows = [{k: (None if _missing(v) else v) for k, v in r.items()} for r in figures.to_dict("records")]
    listed_by = "sentence" if unit == "sentence" else "turn"
    differ = disagreements(member.site.store, unit=listed_by, context=CONTEXT_WORDS, languages=languages)
    return {"unit": unit, "coders": figures.attrs.get("coders", []), "rows": rows, "disagreements_by": listed_by,
            "context_words": CONTEXT_WORDS,
            "disagreements": [{k: (None if _missing(v) else v) for k, v in r.items()} for r in differ.to_dict("records")]}


@router.get("/s/{slug}/api/blind", tags=["coding"])
def get_blind(member: Member = Depends(viewer)) -> BlindIn:
    return BlindIn(open=wb.codings_open(member.site.store))


@router.put("/s/{slug}/api/blind", tags=["coding"], dependencies=changes)
def put_blind(state: BlindIn, member: Member = Depends(owner)) -> BlindIn:
    """Open (or close again) every coder's codings to the others."""
    wb.open_codings(member.site.store, state.open, member.user)
    return state


@router.get("/s/{slug}/api/changes", tags=["coding"])
def get_changes(member: Member = Depends(viewer)) -> Changes:
    """A number that moves with every change the user may see: pages poll it and reload what changed."""
    return Changes(last=wb.changes_seen(member.site.store, member.user))


@router.get("/s/{slug}/api/history", tags=["coding"])
def get_history(member: Member = Depends(coder)) -> list[dict[str, Any]]:
    """The user's own latest changes to codings (the owner's: and to the codebook), newest first."""
    return wb.own_history(member.site.store, member.user)


@router.post("/s/{slug}/api/undo", tags=["coding"], dependencies=changes)
def post_undo(item: UndoIn, member: Member = Depends(coder)) -> dict[str, Any]:
    """Undo the user's own newest change (or the one named, if it is theirs); kept in the audit log."""
    return wb.undo_own(member.site.study, member.site.store, member.user, item.change)


# --- pages -------------------------------------------------------------------------------------


def _context(member: Member, **more: Any) -> dict[str, Any]:
    return {"site": member.site, "user": member.user, "title": member.site.study.config.title} | more


@router.get("/s/{slug}/", include_in_schema=False)
def documents_page(request: Request, member: Member = Depends(viewer)) -> HTMLResponse:
    docs = wb.document_list(member.site.store)
    people = wb.participant_attributes(member.site.study)
    return page(request, "documents.html", _context(member, documents=docs, people=people))


@router.get("/s/{slug}/documents/{name}", include_in_schema=False)
def reader_page(request: Request, name: str, member: Member = Depends(viewer)) -> HTMLResponse:
    wb.document_view(member.site.store, name)  # 404 when absent
    codes = wb.code_list(member.site.store)
    return page(request, "reader.html", _context(member, document=name, codes=codes))


@router.get("/s/{slug}/codebook", include_in_schema=False)
def codebook_page(request: Request, member: Member = Depends(viewer)) -> HTMLResponse:
    counts = wb.code_counts(member.site.study, member.site.store, member.user)
    mine = wb.own_history(member.site.store, member.user, limit=10) if member.user.can("owner") else []
    whose = "every coder's codings" if wb.visible_coders(member.site.store, member.user) is None else \
        "your own codings (coding is blind)"
    kept = wb.folder_codings(member.site.store) if member.user.can("owner") else {}  # others' codings: the owner's
    return page(request, "codebook.html", _context(member, codes=wb.code_list(member.site.store), counts=counts,
                                                   whose=whose, history=mine, kept=kept))


@router.post("/s/{slug}/undo", include_in_schema=False, dependencies=changes)
def undo_form(member: Member = Depends(coder), back: Literal["codebook", "document"] = Form("codebook"),
              document: str = Form("", max_length=200)) -> Response:
    """Undo the user's own newest change, then back to the page the button was on."""
    wb.undo_own(member.site.study, member.site.store, member.user)
    where = "codebook" if back == "codebook" else "documents/" + quote(document, safe="")
    return RedirectResponse(f"/s/{member.site.slug}/{where}", status_code=303)


@router.post("/s/{slug}/codebook", include_in_schema=False, dependencies=changes)
def codebook_form(request: Request, member: Member = Depends(owner), action: str = Form(...), key: str = Form(...),
                  name: str = Form(""), parent: str = Form(""), into: str = Form(""), description: str = Form(""),
                  codable: Literal["", "true", "false"] = Form("")) -> Response:
    if action == "add":
        wb.add_code(member.site.study, member.site.store, key.strip(), name, parent or None, description, member.user.name)
    elif action in ("rename", "move", "merge", "codable"):
        _change_code(member, key, CodeChange(action=action, name=name or None, parent=parent or None, into=into or None,  # type: ignore[arg-type]
                                             codable=None if not codable else codable == "true"))
    else:
        raise InvalidInputError(f"unknown action {action!r}")
    return RedirectResponse(f"/s/{member.site.slug}/codebook", status_code=303)


@router.get("/s/{slug}/quotes", include_in_schema=False)
async def quotes_page(request: Request, member: Member = Depends(viewer), code: str = "", attribute: str = "",
                      value: str = "") -> HTMLResponse:
    codes = wb.code_list(member.site.store)
    found: list[dict[str, Any]] = []
    if code:
        found = await run_in_threadpool(_quotes, member, code, attribute or None, value if attribute else None)
    attributes = sorted(_attribute_names(member))
    return page(request, "quotes.html", _context(member, codes=codes, quotes=found, code=code, attribute=attribute,
                                                 value=value, attributes=attributes, context=CONTEXT_WORDS))


@router.get("/s/{slug}/agreement", include_in_schema=False)
async def agreement_page(request: Request, member: Member = Depends(owner),
                         unit: Literal["turn", "sentence"] = "turn") -> HTMLResponse:
    result = await run_in_threadpool(_agreement, member, unit)
    return page(request, "agreement.html", _context(member, result=result, is_open=wb.codings_open(member.site.store)))


@router.post("/s/{slug}/agreement/blind", include_in_schema=False, dependencies=changes)
def blind_form(member: Member = Depends(owner), open: str = Form("no")) -> Response:
    wb.open_codings(member.site.store, open == "yes", member.user)
    return RedirectResponse(f"/s/{member.site.slug}/agreement", status_code=303)
