"""Sessions and requests: each test replays an attack that worked on the web app before, and checks it fails now.

1. a new account inheriting an old session; 2. a cookie of one study signed anew for another; 3. huge request
bodies; 4. X-Forwarded-For resetting the sign-in limit; 5. unlimited open-link questionnaires; 6. coding ids and a
change counter that tell a blind coder how much the others coded.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from learnervoice.qual.accounts import add_user, get_user, remove_user, set_role
from learnervoice.study import open_study
from learnervoice.study.load import Study
from learnervoice.web.app import create_app
from learnervoice.web.sessions import StudyKeys, study_key
from learnervoice.web.settings import load_settings

from .conftest import PASSWORD, Web, make_web, sign_in
from .server import running_server

MiB = 1024 * 1024


def store_of(web: Web) -> Any:
    return web.app.state.sites[web.slug].store  # type: ignore[attr-defined]


# --- 1. sessions end with their account --------------------------------------------------------------------


def test_a_new_account_never_inherits_the_session_of_a_removed_one(web: Web) -> None:
    store = store_of(web)
    temp = add_user(store, "temp", PASSWORD, "coder")
    kept = web.client("temp")  # temp's browser keeps its cookie
    assert kept.get(f"/s/{web.slug}/api/me").json()["name"] == "temp"
    remove_user(store, "temp")
    boss = add_user(store, "boss", PASSWORD, "owner")
    assert boss.id == temp.id  # SQLite hands the freed id to the next account: the attack's premise
    assert kept.get(f"/s/{web.slug}/api/me").status_code == 401
    assert kept.get(f"/s/{web.slug}/api/responses").status_code == 401  # and not the owner's pages either


def test_a_change_of_role_or_removal_ends_the_sessions(web: Web) -> None:
    store = store_of(web)
    coder, other = web.client("coder"), web.client("coder2")
    set_role(store, "coder", "viewer")
    assert coder.get(f"/s/{web.slug}/api/me").status_code == 401
    assert web.client("coder").get(f"/s/{web.slug}/api/me").json()["role"] == "viewer"  # signing in again works
    remove_user(store, "coder2")
    assert other.get(f"/s/{web.slug}/api/me").status_code == 401


# --- 2. one key per study ----------------------------------------------------------------------------------


@pytest.fixture(params=["made by each study", "derived from secret_key"])
def two_studies(request: pytest.FixtureRequest, example: Study, tmp_path: Path) -> Iterator[tuple[Any, Study, Study]]:
    """The example (A) and another study (B) served by one app, each with an owner."""
    other = tmp_path / "other"
    shutil.copytree(example.folder, other, ignore=shutil.ignore_patterns("qual.sqlite*", ".learnervoice"))
    (other / "codings.csv").write_text("document,start,end,code,coder\n", encoding="utf-8")
    text = (other / "study.yaml").read_text(encoding="utf-8").replace("focus_groups/codings.csv", "codings.csv")
    (other / "study.yaml").write_text(text, encoding="utf-8")
    key = "a server key of forty characters or more, kept off the disk" if request.param != "made by each study" else None
    app = create_app([example, open_study(other)], load_settings(secret_key=key))
    for site in app.state.sites.values():
        add_user(site.store, "owner", PASSWORD, "owner")
    yield app, example, open_study(other)
    for site in app.state.sites.values():
        site.store.close()


def test_a_cookie_of_one_study_is_worthless_in_another(two_studies: tuple[Any, Study, Study]) -> None:
    app, a, b = two_studies
    client = TestClient(app, base_url="http://127.0.0.1")
    sign_in(client, a.folder.name, "owner")
    value = client.cookies.get(f"lv_{a.folder.name}")
    assert value

    def as_b(cookie: str) -> int:
        fresh = TestClient(app, base_url="http://127.0.0.1")
        return fresh.get("/s/other/api/me", headers={"Cookie": f"lv_other={cookie}"}).status_code

    assert as_b(value) == 401  # A's cookie, as it is
    # the owner of A can read A's folder, so A's key: with it, sign a session for B's owner, even knowing
    # that owner's session secret, as the old single key allowed
    b_owner = get_user(app.state.sites["other"].store, "owner")
    forged = {"user": [b_owner.id, b_owner.session_secret, time.time()], "csrf": "x"}
    key_a = study_key(app.state.settings, a.private_dir)
    assert as_b(StudyKeys({"other": key_a}).serializer("other", "session").dumps(forged)) == 401
    assert as_b(StudyKeys({a.folder.name: key_a}).serializer(a.folder.name, "session").dumps(forged)) == 401
    assert as_b(app.state.keys.serializer("other", "session").dumps(forged)) == 200  # only B's own key signs for B

    for study in (a, b):
        kept = sorted(p for p in study.private_dir.iterdir() if p.name.startswith("web_"))
        assert kept and all(p.stat().st_mode & 0o777 == 0o600 for p in kept)
    assert app.state.keys.keys[a.folder.name] != app.state.keys.keys["other"]


# --- 3. request bodies -------------------------------------------------------------------------------------


def asgi(app: Any, path: str, chunks: Iterator[bytes], headers: dict[str, str]) -> tuple[int, dict[str, Any], int]:
    """POST straight into the ASGI app: the status, the JSON answer and how many body chunks the app read."""
    read = 0
    answer: dict[str, Any] = {"status": 0, "body": b""}
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
             "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 80)}

    async def receive() -> dict[str, Any]:
        nonlocal read
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    asyncio.run(app(scope, receive, send))
    return int(answer["status"]), json.loads(answer["body"] or b"{}"), read


def endless(size: int = 64 * 1024, total: int = 300 * MiB) -> Iterator[bytes]:
    yield b'{"name": "owner", "password": "'
    for _ in range(total // size):
        yield b"x" * size


def test_a_huge_declared_body_is_refused_unread(web: Web) -> None:
    status, answer, read = asgi(web.app, f"/s/{web.slug}/api/login", endless(),
                                {"content-type": "application/json", "content-length": str(300 * MiB)})
    assert (status, read) == (413, 0)
    assert answer["detail"] == "the request body is larger than 1 MiB; send less"


def test_a_chunked_body_is_refused_once_past_the_limit(web: Web) -> None:
    status, answer, read = asgi(web.app, f"/s/{web.slug}/api/login", endless(), {"content-type": "application/json"})
    assert status == 413 and "larger than 1 MiB" in answer["detail"]
    assert read <= MiB // (64 * 1024) + 2  # it stopped reading just past 1 MiB, not at 300 MiB
    client = web.client()
    page = client.get(f"/s/{web.slug}/login")
    token = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    streamed = client.post(f"/s/{web.slug}/login", content=iter([b"csrf=" + token.encode() + b"&name="] + [b"x" * 65536] * 20),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert "content-length" not in streamed.request.headers and streamed.status_code == 413


def test_the_body_limit_is_a_setting(example: Study) -> None:
    small = make_web(example, max_body_bytes=2048)
    path = f"/s/{small.slug}/api/login"
    body = json.dumps({"name": "owner", "password": "x" * 900}).encode()
    assert small.client().post(path, content=body, headers={"Content-Type": "application/json"}).status_code == 401
    big = json.dumps({"name": "owner", "password": "x" * 1000, "pad": "y" * 1200}).encode()
    refused = small.client().post(path, content=big, headers={"Content-Type": "application/json"})
    assert refused.status_code == 413 and refused.json()["detail"] == "the request body is larger than 2 KiB; send less"


# --- 4. the client's address -------------------------------------------------------------------------------


def failed_sign_ins(web: Web, peer: str, forwarded: list[str]) -> list[int]:
    client = TestClient(web.app, base_url="http://127.0.0.1", client=(peer, 40000))  # type: ignore[arg-type]
    return [client.post(f"/s/{web.slug}/api/login", json={"name": "coder", "password": "wrong"},
                        headers={"X-Forwarded-For": hop}).status_code for hop in forwarded]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(web: Web) -> None:
    spoofed = [f"198.51.100.{n}" for n in range(7)]
    assert failed_sign_ins(web, "127.0.0.1", spoofed) == [401] * 5 + [429] * 2


def test_forwarded_for_from_a_trusted_proxy_names_the_client(example: Study) -> None:
    web = make_web(example, trusted_proxies=["127.0.0.1", "10.0.0.0/8"])
    assert failed_sign_ins(web, "127.0.0.1", ["203.0.113.5"] * 5 + ["203.0.113.5"]) == [401] * 5 + [429]
    assert failed_sign_ins(web, "127.0.0.1", ["203.0.113.6"]) == [401]  # another client behind the proxy
    # what the client wrote left of its address, and proxies of ours right of it, change nothing
    assert failed_sign_ins(web, "127.0.0.1", ["1.2.3.4, 203.0.113.5", "9.9.9.9, 203.0.113.5, 10.1.2.3"]) == [429, 429]
    assert failed_sign_ins(web, "192.0.2.50", [f"198.51.100.{n}" for n in range(6)]) == [401] * 5 + [429]


# --- 5. the open link --------------------------------------------------------------------------------------


@pytest.fixture
def open_web(example: Study) -> Web:
    path = example.folder / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nquestionnaire: {open_link: true}\n", encoding="utf-8")
    return make_web(open_study(example.folder), open_link_starts=3, open_link_window_minutes=10)


def open_links(web: Web, client: TestClient, count: int, nonce: str | None = None) -> list[int]:
    nonce = nonce or client.get(f"/s/{web.slug}/api/open").json()["nonce"]
    return [client.post(f"/s/{web.slug}/api/open", json={"nonce": nonce}).status_code for _ in range(count)]


def test_open_links_need_the_consent_page(open_web: Web) -> None:
    client = open_web.client()
    assert client.post(f"/s/{open_web.slug}/api/open").status_code == 422
    forged = client.post(f"/s/{open_web.slug}/api/open", json={"nonce": "eyJhdCI6MX0.forged"})
    assert forged.status_code == 400 and "get a new one with GET" in forged.json()["detail"]
    offer = client.get(f"/s/{open_web.slug}/api/open").json()
    assert offer["consent_text"].startswith("I agree")
    open_web.clock.now += 3600 + 1  # the consent page lay open too long
    assert open_links(open_web, client, 1, offer["nonce"]) == [400]
    made = client.post(f"/s/{open_web.slug}/api/open", json={"nonce": client.get(f"/s/{open_web.slug}/api/open").json()["nonce"]})
    assert made.status_code == 201 and "/q/" in made.json()["link"]


def test_open_links_are_throttled_per_address(open_web: Web) -> None:
    here = TestClient(open_web.app, base_url="http://127.0.0.1", client=("192.0.2.1", 40000))  # type: ignore[arg-type]
    there = TestClient(open_web.app, base_url="http://127.0.0.1", client=("192.0.2.2", 40000))  # type: ignore[arg-type]
    assert open_links(open_web, here, 5) == [201] * 3 + [429] * 2
    nonce = here.get(f"/s/{open_web.slug}/api/open").json()["nonce"]
    busy = here.post(f"/s/{open_web.slug}/api/open", json={"nonce": nonce}).json()["detail"]
    assert busy == "too many questionnaires were started from this address; try again in a few minutes"
    assert open_links(open_web, there, 1) == [201]
    open_web.clock.now += 10 * 60 + 1
    assert open_links(open_web, here, 1) == [201]
    summary = open_web.client("owner").get(f"/s/{open_web.slug}/api/responses").json()
    assert summary["open_links"] == 5


def test_the_open_page_hands_out_the_nonce_and_counts_starts(open_web: Web) -> None:
    client = open_web.client()
    page = client.get(f"/s/{open_web.slug}/open")
    csrf = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]
    without = client.post(f"/s/{open_web.slug}/open", data={"csrf": csrf, "agree": "yes"})
    assert without.status_code == 400 and "open for too long" in without.text and 'name="nonce"' in without.text
    started = [client.post(f"/s/{open_web.slug}/open", data={"csrf": csrf, "agree": "yes", "nonce": nonce},
                           follow_redirects=False) for _ in range(4)]
    assert [s.status_code for s in started] == [303, 303, 303, 429]
    assert "Too many questionnaires have been started" in started[-1].text


# --- 6. blind coding tells nothing of the others ---------------------------------------------------------


def code(client: TestClient, web: Web, start: int) -> dict[str, Any]:
    made = client.post(f"/s/{web.slug}/api/codings", json={"document": "FG1", "start": start, "end": start + 5, "code": "online"})
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


def test_codings_and_memos_are_named_by_random_guids(web: Web) -> None:
    coder, other = web.client("coder"), web.client("coder2")
    first, second = code(coder, web, 10), code(coder, web, 20)
    for made in (first, second):
        assert uuid.UUID(made["id"]).version == 4
    memo = coder.post(f"/s/{web.slug}/api/memos", json={"target_kind": "coding", "target": first["id"], "text": "Why?"})
    assert memo.status_code == 201 and uuid.UUID(memo.json()["id"]).version == 4
    listed = coder.get(f"/s/{web.slug}/api/documents/FG1/memos").json()
    assert [(m["target_kind"], m["target"], m["text"]) for m in listed] == [("coding", first["id"], "Why?")]
    theirs = other.post(f"/s/{web.slug}/api/memos", json={"target_kind": "coding", "target": first["id"], "text": "x"})
    assert theirs.status_code == 404  # blind: another coder's coding is as good as absent
    assert other.post(f"/s/{web.slug}/api/memos", json={"target_kind": "coding", "target": "7", "text": "x"}).status_code == 422
    assert coder.patch(f"/s/{web.slug}/api/codings/1", json={"code": "price"}).status_code == 422
    quotes = web.client("owner").get(f"/s/{web.slug}/api/quotes", params={"code": "online"}).json()
    assert quotes and all(uuid.UUID(q["coding_id"]) for q in quotes)
    assert {first["id"], second["id"]} <= {q["coding_id"] for q in quotes}


def test_a_blind_coder_polls_a_counter_only_their_own_changes_move(web: Web) -> None:
    coder, other, viewer, owner = web.client("coder"), web.client("coder2"), web.client("viewer"), web.client("owner")

    def last(client: TestClient) -> int:
        return int(client.get(f"/s/{web.slug}/api/changes").json()["last"])

    mine, seen, overall = last(coder), last(viewer), last(owner)
    code(other, web, 30)
    other.post(f"/s/{web.slug}/api/memos", json={"target_kind": "document", "target": "FG1", "text": "Noted."})
    assert (last(coder), last(viewer)) == (mine, seen)  # another coder coded: nothing moves for them
    assert last(owner) > overall  # the owner sees everything
    code(coder, web, 40)
    assert last(coder) != mine
    mine = last(coder)
    assert owner.put(f"/s/{web.slug}/api/blind", json={"open": True}).status_code == 200
    assert last(coder) != mine  # opened: their pages reload and show the others' codings


# --- the served app, as attacked -----------------------------------------------------------------------------


def first_line(port: int, request: bytes) -> bytes:
    """Send a request on a socket (headers only) and read the first line of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        answer = b""
        while b"\r\n" not in answer:
            more = conn.recv(65536)
            if not more:
                break
            answer += more
    return answer.split(b"\r\n", 1)[0]


@pytest.fixture
def served(example: Study, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`learnervoice serve` as people run it, and the address of its sign-in route."""
    with running_server(example.folder, log=tmp_path / "server.log") as (url, _):
        yield url, f"/s/{example.folder.name}/api/login"


def test_the_served_app_answers_a_huge_body_unread(served: tuple[str, str]) -> None:
    url, login = served
    head = f"POST {login} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {300 * MiB}\r\n\r\n"
    assert first_line(int(url.rsplit(":", 1)[1]), head.encode()).startswith(b"HTTP/1.1 413")  # not a byte of it sent


def test_the_served_app_believes_no_forwarded_for_from_loopback(served: tuple[str, str]) -> None:
    import httpx

    url, login = served
    statuses = [httpx.post(url + login, json={"name": "owner", "password": "wrong"},
                           headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
