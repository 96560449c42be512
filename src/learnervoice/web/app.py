"""The FastAPI application: sites, sessions, body limits, security headers, errors as pages or JSON, sign-in.

Every route sits under ``/s/{study}/`` and asks for a role (or a questionnaire
link) before it touches the study; pages are server-rendered, scripts are the
package's own files, and nothing is fetched from another host.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from .. import __version__
from ..errors import (
    AccessError,
    ConflictError,
    InvalidInputError,
    LearnervoiceError,
    NotAllowedError,
    NotFoundError,
    NotSignedInError,
    TooManyAttemptsError,
)
from ..qual.accounts import end_sessions, verify_password
from ..study.load import Study
from .limits import BodyLimit, RateLimiter, limit_key
from .security import (
    Member,
    check_csrf,
    client_address,
    csrf_token,
    default_clock,
    now,
    require,
    sign_in,
    sign_out,
    signed_in,
    site_of,
)
from .disclosure import ReleaseResponses
from .pages import HERE, page, templates
from .sessions import StudyKeys, StudySessions, study_key
from .settings import Settings
from .sites import open_sites


CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def create_app(studies: list[Study], settings: Settings, *, clock: Callable[[], float] = default_clock) -> FastAPI:
    """The web app for these studies (one with a team database)."""
    from . import coding, questionnaire, results, suggest

    sites = open_sites(studies, settings.database_url)
    app = FastAPI(title="learnervoice", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json")
    app.state.sites = sites
    app.state.settings = settings
    app.state.clock = clock
    app.state.proxies = settings.proxy_networks()
    app.state.limiter = RateLimiter(settings.login_attempts, settings.login_window_minutes * 60)
    app.state.open_limiter = RateLimiter(settings.open_link_starts, settings.open_link_window_minutes * 60)
    app.state.keys = StudyKeys({slug: study_key(settings, site.study.private_dir) for slug, site in sites.items()})
    app.add_middleware(ReleaseResponses, sites=sites)  # the disclosure gate, innermost
    # the first added runs innermost: bodies are counted inside the headers and sessions, so a 413 has both
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(StudySessions, keys=app.state.keys, max_age=int(settings.session_hours * 3600),
                       secure=settings.secure_cookies)
    app.middleware("http")(_security_headers)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(LearnervoiceError, _learnervoice_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.include_router(_account_routes())
    app.include_router(coding.router)
    app.include_router(questionnaire.router)
    app.include_router(results.router)
    app.include_router(suggest.router)
    return app


async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"  # questionnaire links carry their token
    response.headers["X-Frame-Options"] = "DENY"
    if not request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def wants_json(request: Request) -> bool:
    return "/api/" in request.url.path or "application/json" in request.headers.get("accept", "")


# The one place where library errors become HTTP statuses: a class's own entry, else its nearest base's;
# any other LearnervoiceError (bad input of a kind the library names: CodingError, QuestionnaireError…) is 400.
HTTP_STATUS: dict[type[LearnervoiceError], int] = {
    NotSignedInError: 401,
    NotAllowedError: 403,
    AccessError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    InvalidInputError: 422,
    TooManyAttemptsError: 429,
}


def http_status(exc: LearnervoiceError) -> int:
    """The HTTP status that answers a library error.

    >>> http_status(NotFoundError("no document 'x'")), http_status(LearnervoiceError("bad input"))
    (404, 400)
    """
    return next((HTTP_STATUS[cls] for cls in type(exc).__mro__ if cls in HTTP_STATUS), 400)


def _learnervoice_error(request: Request, exc: LearnervoiceError) -> Response:
    status = http_status(exc)
    if wants_json(request):
        return JSONResponse({"detail": exc.message}, status_code=status)
    slug = request.path_params.get("slug")
    if status == 401 and slug:
        return RedirectResponse(f"/s/{slug}/login?next={request.url.path}", status_code=303)
    return templates.TemplateResponse(request, "error.html", {"message": exc.message, "status": status}, status_code=status)


def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = [f"{'.'.join(str(p) for p in e['loc'])}: {_grouped(e['msg'])}" for e in exc.errors()]
    if wants_json(request):
        return JSONResponse({"detail": problems}, status_code=422)
    return templates.TemplateResponse(request, "error.html", {"message": "; ".join(problems), "status": 422},
                                      status_code=422)


def _grouped(message: str) -> str:
    """Long numbers in a limit ("less than or equal to 2,147,483,647") with thousands separators: a reader reads
    them more easily, and the privacy gate no longer takes them for phone numbers."""
    import re

    return re.sub(r"(?<![\d.,])\d{5,}(?![\d.,])", lambda m: f"{int(m.group(0)):,}", message)


class Credentials(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class Me(BaseModel):
    name: str
    role: str
    study: str
    csrf: str


def _account_routes() -> Any:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/", include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        sites = request.app.state.sites
        return page(request, "index.html", {"sites": sorted(sites.values(), key=lambda s: s.slug)})

    @router.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/s/{slug}/login", include_in_schema=False)
    def login_page(request: Request, slug: str, next: str = "") -> HTMLResponse:
        site = site_of(request, slug)
        return page(request, "login.html", {"site": site, "next": _safe_next(slug, next), "error": ""})

    @router.post("/s/{slug}/login", include_in_schema=False, dependencies=[Depends(check_csrf)])
    def login_form(request: Request, slug: str, name: str = Form(""), password: str = Form(""),
                   next: str = Form("")) -> Response:
        site = site_of(request, slug)
        try:
            _attempt(request, slug, name, password)
        except AccessError as exc:
            context = {"site": site, "next": _safe_next(slug, next), "error": exc.message}
            return page(request, "login.html", context, status=http_status(exc))
        return RedirectResponse(_safe_next(slug, next) or f"/s/{slug}/", status_code=303)

    @router.post("/s/{slug}/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
    def logout_form(request: Request, slug: str) -> Response:
        _logout(request, slug)
        return RedirectResponse(f"/s/{slug}/login", status_code=303)

    @router.post("/s/{slug}/api/login", tags=["account"])
    def login(request: Request, slug: str, credentials: Credentials) -> Me:
        """Sign in; the answer carries the CSRF token that every later change must send as X-CSRF-Token."""
        user = _attempt(request, slug, credentials.name, credentials.password)
        return Me(name=user.name, role=user.role, study=slug, csrf=csrf_token(request))

    @router.post("/s/{slug}/api/logout", tags=["account"], status_code=204, dependencies=[Depends(check_csrf)])
    def logout(request: Request, slug: str) -> Response:
        """Sign out here and end every other session of the same user."""
        _logout(request, slug)
        return Response(status_code=204)

    @router.get("/s/{slug}/api/me", tags=["account"])
    def me(request: Request, member: Member = Depends(require("viewer"))) -> Me:
        return Me(name=member.user.name, role=member.user.role, study=member.site.slug, csrf=csrf_token(request))

    return router


def _attempt(request: Request, slug: str, name: str, password: str) -> Any:
    site = site_of(request, slug)
    limiter: RateLimiter = request.app.state.limiter
    key = (limit_key(client_address(request)), slug, name.strip().lower())
    wait = limiter.blocked_for(key, now(request))
    if wait > 0:
        raise TooManyAttemptsError(f"too many failed sign-ins; try again in {int(wait // 60) + 1} minute(s)")
    user = verify_password(site.store, name.strip(), password)
    if user is None:
        limiter.record(key, now(request))
        raise NotSignedInError("the name or the password is not right")
    limiter.forget(key)
    sign_in(request, user)
    return user


def _logout(request: Request, slug: str) -> None:
    site = site_of(request, slug)
    user = signed_in(request, site)
    if user is not None:
        end_sessions(site.store, user)
    sign_out(request)


def _safe_next(slug: str, target: str) -> str:
    """Only a page of the same study (no open redirect)."""
    return target if target.startswith(f"/s/{slug}/") and "//" not in target and "\\" not in target else ""
