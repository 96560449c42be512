"""Coding assistance in the workbench: suggested codings to accept or reject, candidate themes to turn into codes.

A thin layer over `qual/suggest.py`. Suggestions of a code are learned from the signed-in coder's own codings and
decisions only (blind coding holds), shown one at a time with their context, and nothing is coded until the
coder accepts one; a rejection is remembered. Coders and owners ask and decide for themselves; viewers do not
code, so they do not either.

Candidate themes are the owner's: they group the segments nobody has coded (which, while coding is blind, would
tell a coder where the others coded) and turning one into a code is a change to the codebook, which is the owner's.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ..errors import ConflictError, InvalidInputError
from ..privacy.gate import gate_for
from ..qual import suggest as sg
from ..qual.embeddings import model_folder
from ..qual.themes import make_theme_code, suggest_themes
from ..qual import workbench as wb
from ..qual.queries import CONTEXT_WORDS
from .pages import page
from .security import Member, check_csrf, require

router = APIRouter()
coder, owner = require("coder"), require("owner")
changes = [Depends(check_csrf)]

KEY = r"^[a-z][a-z0-9_]*$"
MAX_OFFSET = 2**31 - 1
MAX_TOP = 200
CodeParam = Query(pattern=KEY, max_length=100, description="The code's key.")
TopParam = Query(default=20, ge=1, le=MAX_TOP, description="How many suggestions, best first.")
Unit = Literal["sentence", "turn"]
UnitParam = Query(default="sentence", description="What is suggested: a sentence, or a whole turn (an open answer).")
DocumentsParam = Query(default=[], max_length=200, description="Only these documents (names; repeat the parameter).")
DONE = {"accept": "Accepted: coded as yours.", "reject": "Rejected: it will not be suggested to you again."}
KParam = Query(default=None, ge=2, le=30, description="How many themes (chosen from the segments when absent).")


class DecisionIn(BaseModel):
    code: str = Field(pattern=KEY, max_length=100)
    document: str = Field(min_length=1, max_length=200)
    start: int = Field(ge=0, le=MAX_OFFSET)
    end: int = Field(ge=1, le=MAX_OFFSET)
    accepted: bool = Field(description="true: code the segment (a coding by you, marked as accepted from a "
                                       "suggestion); false: reject it (it is not suggested to you again).")


def _languages(member: Member) -> tuple[str, ...]:
    return (member.site.study.config.language,)


def _suggestions(member: Member, code: str, top: int, unit: str) -> list[dict[str, Any]]:
    """The coder's own suggestions of a code, best first, each with its speaker and context."""
    found = sg.suggest_codings(member.site.store, code, member.user.name, top=top, languages=_languages(member),
                               unit=unit, model=model_folder(member.site.study))
    shown = wb.segments_in_context(member.site.store, [(s.document, s.start, s.end) for s in found], CONTEXT_WORDS)
    return [view | {"score": s.score, "text": s.text} for s, view in zip(found, shown)]


def _decide(member: Member, decision: DecisionIn) -> None:
    if decision.end <= decision.start:
        raise InvalidInputError(f"a segment ends after it starts: not {decision.start}–{decision.end}")
    sg.record_decision(member.site.store, decision.code, member.user.name, decision.document, decision.start,
                       decision.end, accepted=decision.accepted)


def _themes(member: Member, documents: list[str], k: int | None) -> list[dict[str, Any]]:
    chosen = [d for d in documents if d] or None
    found = suggest_themes(member.site.store, documents=chosen, k=k, seed=0, languages=_languages(member))
    gate = gate_for(member.site.study)  # a page puts the label and terms in form fields too, which it does not release
    out = []
    for theme in found:
        quotes = wb.segments_in_context(member.site.store, [(q.document, q.start, q.end) for q in theme.quotes], 0)
        out.append({"label": gate.release(theme.label), "terms": [gate.release(t) for t in theme.terms],
                    "people": theme.people,
                    "segments": theme.segments, "quotes": [q | {"text": s.text} for q, s in zip(quotes, theme.quotes)]})
    return out


class ThemeChoice(BaseModel):
    number: int = Field(ge=1, le=30, description="The theme's number as listed (1 = first), with the same document and k.")
    label: str = Field(max_length=1000, description="The theme's label as listed: refused (409) if the themes changed.")
    name: str = Field(max_length=200, description="The new code's name.")
    key: str | None = Field(default=None, max_length=100, description="The new code's key (else from the name).")
    document: list[str] = Field(default=[], max_length=200)
    k: int | None = Field(default=None, ge=2, le=30)


def _make_theme(member: Member, choice: ThemeChoice) -> str:
    """Theme `number` of the same documents and k becomes a code, through the codebook (so it is in the history and
    can be undone); nothing is coded. The code's key."""
    site = member.site
    themes = suggest_themes(site.store, documents=[d for d in choice.document if d] or None, k=choice.k, seed=0,
                            languages=_languages(member))
    if choice.number <= len(themes) and gate_for(site.study).release(themes[choice.number - 1].label) != choice.label:
        raise ConflictError("the candidate themes changed since they were listed (someone coded, or a document "
                            "changed): reload the page and choose again")
    return make_theme_code(site.study, site.store, themes, choice.number, name=choice.name, key=choice.key,
                           who=member.user.name)


# --- JSON API ----------------------------------------------------------------------------------


@router.get("/s/{slug}/api/suggestions", tags=["coding"])
def get_suggestions(member: Member = Depends(coder), code: str = CodeParam, top: int = TopParam,
                    unit: Unit = UnitParam) -> list[dict[str, Any]]:
    """Segments you have not coded with the code, ranked by how much they resemble what you did code with it
    (learned from your own codings and decisions only), each with its speaker and the words around it."""
    return _suggestions(member, code, top, unit)


@router.post("/s/{slug}/api/suggestions/decide", tags=["coding"], dependencies=changes)
def post_decision(decision: DecisionIn, member: Member = Depends(coder)) -> dict[str, Any]:
    """Accept a suggested segment (it becomes your coding) or reject it (remembered; not suggested again)."""
    _decide(member, decision)
    return decision.model_dump()


@router.get("/s/{slug}/api/themes", tags=["analysis"])
def get_themes(member: Member = Depends(owner), document: list[str] = DocumentsParam,
               k: int | None = KParam) -> list[dict[str, Any]]:
    """Candidate themes among the segments nobody has coded: distinctive terms, people, segments, three quotes."""
    return _themes(member, document, k)


@router.post("/s/{slug}/api/themes/code", tags=["codebook"], status_code=201, dependencies=changes)
def post_theme_code(choice: ThemeChoice, member: Member = Depends(owner)) -> dict[str, str]:
    """Make a listed candidate theme a code (its terms as the definition); nothing is coded."""
    return {"key": _make_theme(member, choice)}


# --- pages -------------------------------------------------------------------------------------


def _context(member: Member, **more: Any) -> dict[str, Any]:
    return {"site": member.site, "user": member.user, "title": member.site.study.config.title} | more


@router.get("/s/{slug}/suggest", include_in_schema=False)
def suggest_page(request: Request, member: Member = Depends(coder), code: str = Query("", max_length=100),
                 skip: int = Query(0, ge=0, le=MAX_TOP - 1), done: str = Query("", max_length=10),
                 unit: Unit = UnitParam) -> HTMLResponse:
    """The next suggestion of a code (the one after `skip` the coder passed over), with accept and reject."""
    codes = wb.code_list(member.site.store)
    found = _suggestions(member, code, min(MAX_TOP, max(20, skip + 1)), unit) if code else []
    current = found[skip] if skip < len(found) else None
    name = next((c["name"] for c in codes if c["key"] == code), code)
    return page(request, "suggest.html", _context(member, codes=codes, code=code, name=name, current=current,
                                                  skip=skip, found=len(found), words=CONTEXT_WORDS, unit=unit,
                                                  done=DONE.get(done, "")))


@router.post("/s/{slug}/suggest", include_in_schema=False, dependencies=changes)
def suggest_form(member: Member = Depends(coder), code: str = Form(..., max_length=100, pattern=KEY),
                 document: str = Form(..., max_length=200), start: int = Form(..., ge=0, le=MAX_OFFSET),
                 end: int = Form(..., ge=1, le=MAX_OFFSET), decision: str = Form(...),
                 skip: int = Form(0, ge=0, le=MAX_TOP - 1), unit: Unit = Form("sentence")) -> Response:
    """Accept or reject the suggestion shown, then back to the next one."""
    if decision not in ("accept", "reject"):
        raise InvalidInputError(f"a suggestion is accepted or rejected: not {decision!r}")
    _decide(member, DecisionIn(code=code, document=document, start=start, end=end, accepted=decision == "accept"))
    query = urlencode({"code": code, "unit": unit, "skip": skip, "done": decision})
    return RedirectResponse(f"/s/{member.site.slug}/suggest?{query}", status_code=303)


@router.get("/s/{slug}/themes", include_in_schema=False)
def themes_page(request: Request, member: Member = Depends(owner), document: list[str] = DocumentsParam,
                k: int | None = KParam) -> HTMLResponse:
    themes = _themes(member, document, k)
    documents = [d["name"] for d in wb.document_list(member.site.store)]
    return page(request, "themes.html", _context(member, themes=themes, documents=documents,
                                                 chosen=[d for d in document if d], k=k))


@router.post("/s/{slug}/themes", include_in_schema=False, dependencies=changes)
def theme_to_code(member: Member = Depends(owner), number: int = Form(..., ge=1, le=30),
                  label: str = Form(..., max_length=1000), name: str = Form(..., max_length=200),
                  key: str = Form("", max_length=100), document: list[str] = Form([], max_length=200),
                  k: int | None = Form(None, ge=2, le=30)) -> Response:
    """Theme `number` of the page (the same documents and k) becomes a code with the owner's name for it."""
    _make_theme(member, ThemeChoice(number=number, label=label, name=name, key=key or None, document=document, k=k))
    return RedirectResponse(f"/s/{member.site.slug}/codebook", status_code=303)
