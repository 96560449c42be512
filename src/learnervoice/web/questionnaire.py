"""The questionnaire for participants (by invite or open link) and the owner's view of responses.

The open link makes a new anonymous link only for someone who was shown the consent
page lately (it hands out a signed, dated nonce that the start must bring back) and
only so many times per address in a while (settings `open_link_starts` and
`open_link_window_minutes`).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature
from pydantic import BaseModel, Field

from ..errors import LearnervoiceError, NotFoundError, QuestionnaireError, TooManyAttemptsError
from ..study.model import StudyConfig
from ..study.types import question_type
from ..survey import webform
from .pages import page
from .i18n import problem_text, words
from .limits import RateLimiter, limit_key
from .security import Member, check_csrf, client_address, now, require, site_of
from .sites import Site

router = APIRouter()
log = logging.getLogger("learnervoice.web")
Token = Path(pattern=r"^[A-Za-z0-9_-]{20,64}$", description="The participant's link token.")
CONSENT_PAGE_SECONDS = 3600  # how long the open link's consent page may lie open before the start
OPEN_REFUSED = {  # the JSON API's words; pages say it in the study's language
    "expired": "the nonce is missing, not ours or more than an hour old; get a new one with GET …/api/open",
    "busy": "too many questionnaires were started from this address; try again in a few minutes",
}


class Consent(BaseModel):
    agree: bool


class AnswersIn(BaseModel):
    answers: dict[str, str | list[str] | float | None] = Field(default_factory=dict)
    submit: bool = False


class AnswersOut(BaseModel):
    submitted: bool
    problems: dict[str, str]


class FormOut(BaseModel):
    respondent: str
    consented: bool
    submitted: bool
    consent_text: str
    answers: dict[str, Any]
    questions: list[dict[str, Any]]


class LinkOut(BaseModel):
    respondent: str
    link: str


class OpenOffer(BaseModel):
    consent_text: str
    nonce: str = Field(description="To send back within an hour with POST …/api/open.")


class OpenIn(BaseModel):
    nonce: str = Field(min_length=1, max_length=500, description="From GET …/api/open (or the open page).")


class InvitesIn(BaseModel):
    count: int = Field(ge=1, le=10000)


class Summary(BaseModel):
    invites: int
    open_links: int
    consented: int
    submitted: int
    withdrawn: int


def _publish(site: Site) -> None:
    """Submitted answers into the survey store now; if that fails they are safe and go at the next `tables`."""
    with site.publish_lock:
        try:
            webform.publish(site.study, site.store)
        except LearnervoiceError as exc:
            log.warning("answers kept; publishing to the survey store failed: %s", exc)


def _instrument(config: StudyConfig) -> list[dict[str, Any]]:
    out = []
    for q in config.questions:
        item: dict[str, Any] = {"id": q.id, "text": q.text, "type": q.type, "required": q.id in config.questionnaire.required}
        item |= question_type(q).form_fields(q)
        if q.ask_if is not None:
            item["ask_if"] = {"question": q.ask_if.question, "any_of": list(q.ask_if.any_of)}
        out.append(item)
    return out


def _problems(config: StudyConfig, problems: dict[str, webform.AnswerProblem]) -> dict[str, str]:
    return {qid: problem_text(config.language, p) for qid, p in problems.items()}


@router.get("/s/{slug}/api/q/{token}", tags=["questionnaire"])
def get_form(request: Request, slug: str, token: str = Token) -> FormOut:
    """The questionnaire, and where this participant is in it."""
    site = site_of(request, slug)
    state = webform.form_state(site.store, token)
    return FormOut(respondent=state.label, consented=state.consented, submitted=state.submitted,
                   consent_text=site.study.config.consent, answers=state.answers, questions=_instrument(site.study.config))


@router.post("/s/{slug}/api/q/{token}/consent", tags=["questionnaire"], status_code=204)
def post_consent(request: Request, slug: str, consent: Consent, token: str = Token) -> Response:
    site = site_of(request, slug)
    webform.record_consent(site.store, site.study, token, agreed=consent.agree)
    return Response(status_code=204)


@router.put("/s/{slug}/api/q/{token}/answers", tags=["questionnaire"])
def put_answers(request: Request, slug: str, body: AnswersIn, token: str = Token) -> AnswersOut:
    """Save answers (a draft); with submit, hand them in when nothing is wrong."""
    site = site_of(request, slug)
    problems = webform.save_answers(site.store, site.study, token, body.answers, submit=body.submit)
    done = body.submit and not problems
    if done:
        _publish(site)
    return AnswersOut(submitted=done, problems=_problems(site.study.config, problems))


@router.post("/s/{slug}/api/q/{token}/withdraw", tags=["questionnaire"], status_code=204)
def post_withdraw(request: Request, slug: str, token: str = Token) -> Response:
    """Delete this participant's answers; the link stops working."""
    site = site_of(request, slug)
    webform.withdraw(site.store, token)
    _publish(site)
    return Response(status_code=204)


@router.get("/s/{slug}/api/open", tags=["questionnaire"])
def get_open(request: Request, slug: str) -> OpenOffer:
    """What someone arriving by the open link agrees to, and the nonce that starting needs."""
    site = _open_site(request, slug)
    return OpenOffer(consent_text=site.study.config.consent, nonce=_open_nonce(request, site))


@router.post("/s/{slug}/api/open", tags=["questionnaire"], status_code=201)
def post_open(request: Request, slug: str, body: OpenIn) -> LinkOut:
    """A new anonymous link, when the study has an open link (consent then goes to …/api/q/{token}/consent)."""
    site = _open_site(request, slug)
    refused = _admit(request, site, body.nonce)
    if refused is not None:
        raise (TooManyAttemptsError if refused == "busy" else QuestionnaireError)(OPEN_REFUSED[refused])
    made = webform.open_link_invite(site.store, site.study)
    return LinkOut(respondent=made.label, link=f"/s/{slug}/q/{made.token}")


def _open_site(request: Request, slug: str) -> Site:
    site = site_of(request, slug)
    if not site.study.config.questionnaire.open_link:
        raise NotFoundError("this study takes answers by invitation only")
    return site


def _open_nonce(request: Request, site: Site) -> str:
    return str(request.app.state.keys.serializer(site.slug, "open link").dumps({"at": now(request)}))


def _admit(request: Request, site: Site, nonce: str) -> str | None:
    """None when a new open link may be made now (it is then counted); else why not: 'expired' or 'busy'."""
    try:
        shown = request.app.state.keys.serializer(site.slug, "open link").loads(nonce)
    except BadSignature:
        return "expired"
    at = shown.get("at") if isinstance(shown, dict) else None
    if not isinstance(at, (int, float)) or not 0 <= now(request) - at <= CONSENT_PAGE_SECONDS:
        return "expired"
    limiter: RateLimiter = request.app.state.open_limiter
    return "busy" if limiter.take((limit_key(client_address(request)), site.slug), now(request)) else None


@router.get("/s/{slug}/api/responses", tags=["questionnaire"])
def get_summary(member: Member = Depends(require("owner"))) -> Summary:
    return _summary(member.site)


@router.post("/s/{slug}/api/invites", tags=["questionnaire"], status_code=201, dependencies=[Depends(check_csrf)])
def post_invites(request: Request, body: InvitesIn, member: Member = Depends(require("owner"))) -> list[LinkOut]:
    """New one-use links (shown once: only their hashes are kept)."""
    made = webform.create_invites(member.site.store, body.count, who=member.user.name)
    base = request.app.state.settings.url
    return [LinkOut(respondent=m.label, link=f"{base}/s/{member.site.slug}/q/{m.token}") for m in made]


def _summary(site: Site) -> Summary:
    return Summary(**webform.response_summary(site.store))


# --- pages -------------------------------------------------------------------------------------


def _form_context(site: Site, token: str, **more: Any) -> dict[str, Any]:
    config = site.study.config
    questions = [item | {"widget": question_type(q).widget} for q, item in zip(config.questions, _instrument(config))]
    return {"site": site, "token": token, "t": words(config.language), "lang": config.language,
            "questions": questions, "intro": config.questionnaire.intro, "title": config.title} | more


@router.get("/s/{slug}/q/{token}", include_in_schema=False)
def form_page(request: Request, slug: str, token: str = Token, saved: str = "") -> HTMLResponse:
    site = site_of(request, slug)
    state = webform.form_state(site.store, token)
    if not state.consented:
        return page(request, "consent.html", _form_context(site, token, consent=site.study.config.consent, error=""))
    if state.submitted:
        return page(request, "thanks.html", _form_context(site, token))
    return page(request, "questionnaire.html", _form_context(site, token, answers=state.answers, problems={},
                                                            saved=bool(saved), open_link=state.kind == "open"))


@router.post("/s/{slug}/q/{token}/consent", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def consent_form(request: Request, slug: str, token: str = Token) -> Response:
    site = site_of(request, slug)
    form = await request.form()
    if form.get("agree") != "yes":
        context = _form_context(site, token, consent=site.study.config.consent,
                                error=words(site.study.config.language)["needs_consent"])
        return page(request, "consent.html", context, status=422)
    await run_in_threadpool(webform.record_consent, site.store, site.study, token, agreed=True)
    return RedirectResponse(f"/s/{slug}/q/{token}", status_code=303)


@router.post("/s/{slug}/q/{token}", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def answers_form(request: Request, slug: str, token: str = Token) -> Response:
    site = site_of(request, slug)
    form = await request.form()
    raw: dict[str, Any] = {}
    for q in site.study.config.questions:
        values = [v for k, v in form.multi_items() if (k == q.id or k.startswith(f"{q.id}.")) and isinstance(v, str)]
        # a grid names each item's radios question.item (ids hold no dot)
        raw[q.id] = question_type(q).from_form(values)
    submit = form.get("action") == "submit"
    problems = await run_in_threadpool(webform.save_answers, site.store, site.study, token, raw, submit=submit)
    if submit and not problems:
        await run_in_threadpool(_publish, site)
        return RedirectResponse(f"/s/{slug}/q/{token}", status_code=303)
    if not problems:
        return RedirectResponse(f"/s/{slug}/q/{token}?saved=1", status_code=303)
    state = webform.form_state(site.store, token)
    shown = {qid: raw.get(qid) for qid in problems} | {k: v for k, v in state.answers.items() if k not in problems}
    context = _form_context(site, token, answers=shown, problems=_problems(site.study.config, problems), saved=False,
                            open_link=state.kind == "open")
    return page(request, "questionnaire.html", context, status=422)


@router.post("/s/{slug}/q/{token}/withdraw", include_in_schema=False, dependencies=[Depends(check_csrf)])
def withdraw_form(request: Request, slug: str, token: str = Token) -> HTMLResponse:
    site = site_of(request, slug)
    webform.withdraw(site.store, token)
    _publish(site)
    return page(request, "withdrawn.html", _form_context(site, token))


@router.get("/s/{slug}/open", include_in_schema=False)
def open_page(request: Request, slug: str) -> Response:
    site = site_of(request, slug)
    if not site.study.config.questionnaire.open_link:
        return page(request, "error.html", {"message": "This study takes answers by invitation only.", "status": 404}, 404)
    return _open_consent(request, site, "", 200)


def _open_consent(request: Request, site: Site, error: str, status: int) -> HTMLResponse:
    context = _form_context(site, "", consent=site.study.config.consent, error=error, open=True,
                            nonce=_open_nonce(request, site))
    return page(request, "consent.html", context, status=status)


@router.post("/s/{slug}/open", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def open_form(request: Request, slug: str) -> Response:
    """Consent on the open link: only then is an anonymous link made and the consent stored."""
    site = _open_site(request, slug)
    form = await request.form()
    t = words(site.study.config.language)
    if form.get("agree") != "yes":
        return _open_consent(request, site, t["needs_consent"], 422)
    nonce = form.get("nonce")
    refused = _admit(request, site, nonce if isinstance(nonce, str) else "")
    if refused is not None:
        return _open_consent(request, site, t[refused], 429 if refused == "busy" else 400)
    made = await run_in_threadpool(webform.open_link_invite, site.store, site.study)
    await run_in_threadpool(webform.record_consent, site.store, site.study, made.token, agreed=True)
    return RedirectResponse(f"/s/{slug}/q/{made.token}", status_code=303)


@router.get("/s/{slug}/responses", include_in_schema=False)
def responses_page(request: Request, member: Member = Depends(require("owner"))) -> HTMLResponse:
    context = {"site": member.site, "user": member.user, "title": member.site.study.config.title,
               "summary": _summary(member.site), "links": []}
    return page(request, "responses.html", context)


@router.post("/s/{slug}/responses/invites", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def invites_form(request: Request, member: Member = Depends(require("owner"))) -> HTMLResponse:
    form = await request.form()
    raw = form.get("count", "1")
    count = int(raw) if isinstance(raw, str) and raw.isdigit() and 0 < int(raw) <= 1000 else 0
    if not count:
        return page(request, "error.html", {"message": "Ask for 1 to 1000 links.", "status": 422}, 422)
    made = await run_in_threadpool(webform.create_invites, member.site.store, count, who=member.user.name)
    base = request.app.state.settings.url
    links = [(m.label, f"{base}/s/{member.site.slug}/q/{m.token}") for m in made]
    context = {"site": member.site, "user": member.user, "title": member.site.study.config.title,
               "summary": _summary(member.site), "links": links}
    return page(request, "responses.html", context)
