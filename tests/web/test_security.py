"""Who may do what: every route × every role, CSRF, sessions that end, inert HTML, one study per session."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from learnervoice.survey.webform import create_invites, record_consent

from .conftest import PASSWORD, Web, make_web, sign_in

IDENTITIES = (None, "viewer", "coder", "owner")
RANK = {"viewer": 0, "coder": 1, "owner": 2}
counter = itertools.count(1)

Prepared = tuple[dict[str, str], dict[str, Any]]


def nothing(web: Web, client: TestClient, role: str | None) -> Prepared:
    return {}, {}


def a_document(web: Web, client: TestClient, role: str | None) -> Prepared:
    return {"name": "FG1"}, {}


def a_spare_document(web: Web, client: TestClient, role: str | None) -> Prepared:
    """A document of its own for the owner to remove (the example's are declared in study.yaml: not removed)."""
    name = f"spare{next(counter)}"
    if role == "owner":
        from learnervoice.qual.documents import import_transcript

        site = next(iter(web.app.state.sites.values()))  # type: ignore[attr-defined]
        path = web.study.folder / f"{name}.txt"
        path.write_text("A short note about the course.\n", encoding="utf-8")
        import_transcript(web.study, path, name=name, store=site.store)
    return {"name": name}, {}


def new_coding(web: Web, client: TestClient, role: str | None) -> Prepared:
    n = next(counter)
    return {}, {"json": {"document": "FG1", "start": n, "end": n + 5, "code": "pleasure"}}


def own_coding(body: dict[str, Any] | None) -> Callable[[Web, TestClient, str | None], Prepared]:
    """A coding the user made (for coders and owners); someone else's for the others, who are refused earlier."""

    def prepare(web: Web, client: TestClient, role: str | None) -> Prepared:
        if role in ("coder", "owner"):
            n = next(counter)
            made = client.post(f"/s/{web.slug}/api/codings", json={"document": "FG2", "start": n, "end": n + 3, "code": "online"})
            assert made.status_code == 201, made.text
            coding_id = made.json()["id"]
        else:
            coding_id = "00000000-0000-4000-8000-000000000000"
        return {"coding_id": coding_id}, ({"json": body} if body is not None else {})

    return prepare


def own_change(kind: str) -> Callable[[Web, TestClient, str | None], Prepared]:
    """A change the user made (a coding, for coders and owners), so that there is something of theirs to undo."""

    def prepare(web: Web, client: TestClient, role: str | None) -> Prepared:
        if role in ("coder", "owner"):
            n = next(counter)
            made = client.post(f"/s/{web.slug}/api/codings", json={"document": "FG2", "start": n, "end": n + 4, "code": "price"})
            assert made.status_code == 201, made.text
        return {}, ({"json": {}} if kind == "json" else {"data": {"back": "document", "document": "FG2"}})

    return prepare


def json_body(body: dict[str, Any] | Callable[[], dict[str, Any]]) -> Callable[[Web, TestClient, str | None], Prepared]:
    def prepare(web: Web, client: TestClient, role: str | None) -> Prepared:
        return {}, {"json": body() if callable(body) else body}

    return prepare


def form_body(body: dict[str, Any] | Callable[[], dict[str, Any]], params: dict[str, str] | None = None) -> Callable[..., Prepared]:
    def prepare(web: Web, client: TestClient, role: str | None) -> Prepared:
        return dict(params or {}), {"data": body() if callable(body) else body, "follow_redirects": False}

    return prepare


def a_link(consent: bool, kind: str = "json", body: dict[str, Any] | None = None) -> Callable[..., Prepared]:
    def prepare(web: Web, client: TestClient, role: str | None) -> Prepared:
        store = web.app.state.sites[web.slug].store  # type: ignore[attr-defined]
        token = create_invites(store, 1)[0].token
        if consent:
            record_consent(store, web.study, token, agreed=True)
        extra: dict[str, Any] = {"follow_redirects": False}
        if body is not None:
            extra["json" if kind == "json" else "data"] = body
        return {"token": token}, extra

    return prepare


def codings_opened(params: dict[str, str]) -> Callable[[Web, TestClient, str | None], Prepared]:
    """Coding opened to the team: the report (made from everyone's codings) is then every member's to read."""

    def prepare(web: Web, client: TestClient, role: str | None) -> Prepared:
        from learnervoice.qual.accounts import get_user
        from learnervoice.qual.workbench import open_codings

        store = web.app.state.sites[web.slug].store  # type: ignore[attr-defined]
        owner = get_user(store, "owner")
        assert owner is not None
        open_codings(store, True, owner)
        return dict(params), {}

    return prepare


def learned(params: dict[str, str]) -> Callable[[Web, TestClient, str | None], Prepared]:
    """Codings of the user's own to learn suggestions from (coders and owners)."""

    def prepare(web: Web, client: TestClient, role: str | None) -> Prepared:
        from .test_suggest import learn

        if role in ("coder", "owner"):
            learn(web, role, "price", every=2)
        return {}, {"params": params}

    return prepare


def a_decision(kind: str) -> Callable[[Web, TestClient, str | None], Prepared]:
    def prepare(web: Web, client: TestClient, role: str | None) -> Prepared:
        n = next(counter)
        if kind == "json":
            return {}, {"json": {"code": "price", "document": "FG1", "start": n, "end": n + 5, "accepted": False}}
        return {}, {"data": {"code": "price", "document": "FG1", "start": str(n), "end": str(n + 5), "decision": "reject",
                             "skip": "0"}, "follow_redirects": False}

    return prepare


def a_theme(kind: str) -> Callable[[Web, TestClient, str | None], Prepared]:
    """Theme 1 of three, as the themes page lists it, to make a code of."""

    def prepare(web: Web, client: TestClient, role: str | None) -> Prepared:
        from learnervoice.privacy.gate import gate_for
        from learnervoice.qual.themes import suggest_themes

        store = web.app.state.sites[web.slug].store  # type: ignore[attr-defined]
        label = gate_for(web.study).release(suggest_themes(store, k=3, languages=["en"])[0].label)
        body = {"number": 1, "label": label, "k": 3, "name": "A theme", "key": f"theme_{next(counter)}"}
        return {}, ({"json": body} if kind == "json" else {"data": body, "follow_redirects": False})

    return prepare


def sign_in_form(web: Web, client: TestClient, role: str | None) -> Prepared:
    return {}, {"data": {"name": role or "nobody", "password": PASSWORD if role else "wrong password"}, "follow_redirects": False}


def api_login(web: Web, client: TestClient, role: str | None) -> Prepared:
    return {}, {"json": {"name": role or "nobody", "password": PASSWORD if role else "wrong password"}}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    need: str  # public, token, viewer, coder, owner
    prepare: Callable[[Web, TestClient, str | None], Prepared] = nothing
    ok: tuple[int, ...] = (200,)
    refused: dict[str | None, int] = field(default_factory=dict)  # public routes that still say no to some


ROUTES = [
    Route("GET", "/", "public"),
    Route("GET", "/healthz", "public"),
    Route("GET", "/api/openapi.json", "public"),
    Route("GET", "/static", "public", lambda w, c, r: ({}, {}), ok=(200,)),  # the mount: see STATIC below
    Route("GET", "/s/{slug}/login", "public"),
    Route("POST", "/s/{slug}/login", "public", sign_in_form, ok=(303,), refused={None: 401}),
    Route("POST", "/s/{slug}/logout", "public", form_body({}), ok=(303,)),
    Route("POST", "/s/{slug}/api/login", "public", api_login, refused={None: 401}),
    Route("POST", "/s/{slug}/api/logout", "public", ok=(204,)),
    Route("GET", "/s/{slug}/api/me", "viewer"),
    Route("GET", "/s/{slug}/api/documents", "viewer"),
    Route("GET", "/s/{slug}/api/documents/{name}", "viewer", a_document),
    Route("GET", "/s/{slug}/api/documents/{name}/codings", "viewer", a_document),
    Route("DELETE", "/s/{slug}/api/documents/{name}", "owner", a_spare_document),
    Route("POST", "/s/{slug}/api/codings", "coder", new_coding, ok=(201,)),
    Route("PATCH", "/s/{slug}/api/codings/{coding_id}", "coder", own_coding({"code": "asynchronous"})),
    Route("DELETE", "/s/{slug}/api/codings/{coding_id}", "coder", own_coding(None), ok=(204,)),
    Route("GET", "/s/{slug}/api/documents/{name}/memos", "viewer", a_document),
    Route("POST", "/s/{slug}/api/memos", "coder", json_body({"target_kind": "document", "target": "FG1", "text": "A memo."}), ok=(201,)),
    Route("GET", "/s/{slug}/api/codes", "viewer"),
    Route("POST", "/s/{slug}/api/codes", "owner", json_body(lambda: {"key": f"new_{next(counter)}", "name": "New"}), ok=(201,)),
    Route("POST", "/s/{slug}/api/codes/{key}", "owner",
          lambda w, c, r: ({"key": "price"}, {"json": {"action": "rename", "name": "Price and fees"}})),
    Route("GET", "/s/{slug}/api/quotes", "viewer", lambda w, c, r: ({}, {"params": {"code": "online"}})),
    Route("GET", "/s/{slug}/api/agreement", "owner"),
    Route("GET", "/s/{slug}/api/blind", "viewer"),
    Route("PUT", "/s/{slug}/api/blind", "owner", json_body({"open": False})),
    Route("GET", "/s/{slug}/api/changes", "viewer"),
    Route("GET", "/s/{slug}/api/history", "coder"),
    Route("POST", "/s/{slug}/api/undo", "coder", own_change("json")),
    Route("GET", "/s/{slug}/api/q/{token}", "token", a_link(False)),
    Route("POST", "/s/{slug}/api/q/{token}/consent", "token", a_link(False, body={"agree": True}), ok=(204,)),
    Route("PUT", "/s/{slug}/api/q/{token}/answers", "token", a_link(True, body={"answers": {"familiar": "yes"}})),
    Route("POST", "/s/{slug}/api/q/{token}/withdraw", "token", a_link(True), ok=(204,)),
    Route("GET", "/s/{slug}/api/open", "public", ok=(404,)),  # the example takes answers by invitation only
    Route("POST", "/s/{slug}/api/open", "public", json_body({"nonce": "from the consent page"}), ok=(404,)),
    Route("GET", "/s/{slug}/api/responses", "owner"),
    Route("POST", "/s/{slug}/api/invites", "owner", json_body({"count": 1}), ok=(201,)),
    Route("GET", "/s/{slug}/", "viewer"),
    Route("GET", "/s/{slug}/documents/{name}", "viewer", a_document),
    Route("GET", "/s/{slug}/codebook", "viewer"),
    Route("POST", "/s/{slug}/codebook", "owner", form_body({"action": "rename", "key": "price", "name": "Price"}), ok=(303,)),
    Route("GET", "/s/{slug}/quotes", "viewer", lambda w, c, r: ({}, {"params": {"code": "online"}})),
    Route("GET", "/s/{slug}/agreement", "owner"),
    Route("POST", "/s/{slug}/agreement/blind", "owner", form_body({"open": "no"}), ok=(303,)),
    Route("POST", "/s/{slug}/undo", "coder", own_change("form"), ok=(303,)),
    Route("GET", "/s/{slug}/q/{token}", "token", a_link(False)),
    Route("POST", "/s/{slug}/q/{token}/consent", "token", a_link(False, kind="form", body={"agree": "yes"}), ok=(303,)),
    Route("POST", "/s/{slug}/q/{token}", "token", a_link(True, kind="form", body={"familiar": "yes", "action": "save"}), ok=(303,)),
    Route("POST", "/s/{slug}/q/{token}/withdraw", "token", a_link(True, kind="form", body={})),
    Route("GET", "/s/{slug}/open", "public", ok=(404,)),
    Route("POST", "/s/{slug}/open", "public", form_body({"agree": "yes"}), ok=(404,)),
    Route("GET", "/s/{slug}/responses", "owner"),
    Route("POST", "/s/{slug}/responses/invites", "owner", form_body({"count": "2"})),
    Route("GET", "/s/{slug}/results", "viewer", lambda w, c, r: ({}, {"params": {"by": "career_stage", "question": "age"}})),
    Route("GET", "/s/{slug}/results.csv", "viewer", lambda w, c, r: ({}, {"params": {"by": "status", "question": "familiar"}})),
    Route("GET", "/s/{slug}/api/results", "viewer", lambda w, c, r: ({}, {"params": {"question": "familiar"}})),
    Route("GET", "/s/{slug}/results/report.{format}", "viewer", codings_opened({"format": "html"})),
    Route("GET", "/s/{slug}/api/suggestions", "coder", learned({"code": "price", "top": "5"})),
    Route("POST", "/s/{slug}/api/suggestions/decide", "coder", a_decision("json")),
    Route("GET", "/s/{slug}/suggest", "coder", learned({"code": "price"})),
    Route("POST", "/s/{slug}/suggest", "coder", a_decision("form"), ok=(303,)),
    Route("GET", "/s/{slug}/api/themes", "owner", lambda w, c, r: ({}, {"params": {"k": "3"}})),
    Route("GET", "/s/{slug}/themes", "owner", lambda w, c, r: ({}, {"params": {"k": "3"}})),
    Route("POST", "/s/{slug}/themes", "owner", a_theme("form"), ok=(303,)),
    Route("POST", "/s/{slug}/api/themes/code", "owner", a_theme("json"), ok=(201,)),
]
STATIC = "/static/style.css"


def flat(routes: list[Any]) -> list[Any]:
    """The routes, with those of included routers (kept apart by newer FastAPI; no prefixes are used)."""
    out = []
    for route in routes:
        out += flat(route.original_router.routes) if hasattr(route, "original_router") else [route]
    return out


def app_routes(web: Web) -> set[tuple[str, str]]:
    found = set()
    for route in flat(web.app.routes):  # type: ignore[attr-defined]
        if isinstance(route, Mount):
            found.add(("GET", route.path))
        elif isinstance(route, APIRoute) or hasattr(route, "methods"):
            for method in route.methods or ():
                if method != "HEAD":
                    found.add((method, route.path))
    return found


def test_every_route_is_in_the_table(web: Web) -> None:
    """A new route must say here who may use it, or this test fails."""
    assert app_routes(web) == {(r.method, r.path) for r in ROUTES}


def expected(route: Route, role: str | None) -> tuple[int, ...]:
    if route.need in ("public", "token"):
        return (route.refused[role],) if role in route.refused else route.ok
    if role is None:
        return (401,) if "/api/" in route.path else (303,)  # pages send strangers to the sign-in page
    return route.ok if RANK[role] >= RANK[route.need] else (403,)


def call(web: Web, route: Route, role: str | None) -> int:
    client = web.client(role)
    client.headers.setdefault("X-CSRF-Token", "none")  # anonymous: CSRF fails only where a session is needed
    if role is None:  # a session (and its CSRF token) as a stranger's browser would have
        page = client.get(f"/s/{web.slug}/login")
        client.headers["X-CSRF-Token"] = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    params, kwargs = route.prepare(web, client, role)
    path = STATIC if route.path == "/static" else route.path.format(slug=web.slug, **params)
    kwargs.setdefault("follow_redirects", False)
    return client.request(route.method, path, **kwargs).status_code


@pytest.mark.parametrize("role", IDENTITIES, ids=lambda r: r or "anonymous")
def test_route_by_role(web: Web, role: str | None) -> None:
    wrong = []
    for route in ROUTES:
        got = call(web, route, role)
        if got not in expected(route, role):
            wrong.append(f"{route.method} {route.path} as {role or 'anonymous'}: {got}, expected {expected(route, role)}")
    assert wrong == []


def test_unknown_study_is_404_everywhere(web: Web) -> None:
    client = web.client("owner")
    for route in ROUTES:
        if "{slug}" not in route.path:
            continue
        path = route.path.format(slug="nope", name="FG1", coding_id="1", key="price", token="x" * 32, format="html")
        assert client.request(route.method, path, follow_redirects=False).status_code in (404, 422), path


def test_changes_need_the_csrf_token(web: Web) -> None:
    client = web.client("coder")
    client.headers["X-CSRF-Token"] = "forged"
    refused = client.post(f"/s/{web.slug}/api/codings", json={"document": "FG1", "start": 0, "end": 4, "code": "online"})
    assert refused.status_code == 403 and "did not come from this site" in refused.json()["detail"]
    del client.headers["X-CSRF-Token"]
    assert client.post(f"/s/{web.slug}/codebook", data={"action": "rename", "key": "price", "name": "x"},
                       follow_redirects=False).status_code == 403


def test_sessions_expire_and_logout_ends_them_everywhere(web: Web) -> None:
    first, second = web.client("coder"), web.client("coder")
    assert first.get(f"/s/{web.slug}/api/me").status_code == 200
    web.clock.now += 8 * 3600 + 1  # past the default lifetime of 8 hours
    assert first.get(f"/s/{web.slug}/api/me").status_code == 401
    first = web.client("coder")
    second = web.client("coder")
    assert first.post(f"/s/{web.slug}/api/logout").status_code == 204
    assert first.get(f"/s/{web.slug}/api/me").status_code == 401
    assert second.get(f"/s/{web.slug}/api/me").status_code == 401  # the same user's other session ended too


def test_login_rate_limit(web: Web) -> None:
    client = web.client()
    for _ in range(5):
        assert client.post(f"/s/{web.slug}/api/login", json={"name": "coder", "password": "wrong"}).status_code == 401
    blocked = client.post(f"/s/{web.slug}/api/login", json={"name": "coder", "password": PASSWORD})
    assert blocked.status_code == 429 and "too many failed sign-ins" in blocked.json()["detail"]
    web.clock.now += 15 * 60 + 1
    assert client.post(f"/s/{web.slug}/api/login", json={"name": "coder", "password": PASSWORD}).status_code == 200


def test_html_in_codes_and_memos_is_shown_inert(web: Web) -> None:
    owner = web.client("owner")
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    assert owner.post(f"/s/{web.slug}/api/codes", json={"key": "evil", "name": evil}).status_code == 201
    page = owner.get(f"/s/{web.slug}/codebook").text
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    answer = owner.get(f"/s/{web.slug}/")
    assert "script-src 'self'" in answer.headers["content-security-policy"]  # no inline script could run anyway
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_one_study_never_sees_another(example_folder: Any, tmp_path: Any) -> None:
    """Two studies on one server: a session of one is a stranger in the other; no data crosses."""
    import shutil

    from learnervoice.qual.accounts import add_user
    from learnervoice.study import open_study
    from learnervoice.web.app import create_app
    from learnervoice.web.settings import load_settings

    other = tmp_path / "other"
    shutil.copytree(example_folder, other, ignore=shutil.ignore_patterns("qual.sqlite*", ".learnervoice"))
    (other / "codings.csv").write_text("document,start,end,code,coder\n", encoding="utf-8")
    text = (other / "study.yaml").read_text(encoding="utf-8").replace("focus_groups/codings.csv", "codings.csv")
    (other / "study.yaml").write_text(text.replace("title: Learners", "title: Other study of learners"), encoding="utf-8")
    app = create_app([open_study(example_folder), open_study(other)], load_settings())
    for site in app.state.sites.values():
        add_user(site.store, "coder", PASSWORD, "coder")
    client = TestClient(app, base_url="http://127.0.0.1")
    sign_in(client, "other", "coder")
    assert client.get("/s/other/api/me").status_code == 200
    assert client.get(f"/s/{example_folder.name}/api/me").status_code == 401
    assert client.get(f"/s/{example_folder.name}/api/documents/FG1/codings").status_code == 401
    mine = client.get("/s/other/api/documents/FG1/codings").json()
    assert mine == []  # the other study has no codings: none of the example's show up


def test_open_link_when_the_study_allows_it(example_folder: Any) -> None:
    from learnervoice.study import open_study

    path = example_folder / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nquestionnaire: {open_link: true}\n", encoding="utf-8")
    web = make_web(open_study(example_folder))
    client = web.client()
    page = client.get(f"/s/{web.slug}/open")
    assert page.status_code == 200
    client.headers["X-CSRF-Token"] = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    refused = client.post(f"/s/{web.slug}/open", data={}, follow_redirects=False)
    assert refused.status_code == 422  # no consent, no link, nothing stored
    assert client.get(f"/s/{web.slug}/api/responses").status_code == 401
    nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]  # the consent page was shown
    started = client.post(f"/s/{web.slug}/open", data={"agree": "yes", "nonce": nonce}, follow_redirects=False)
    assert started.status_code == 303 and "/q/" in started.headers["location"]
