"""Ten coders at once over HTTP lose and duplicate nothing; a server killed mid-request leaves the store whole."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from learnervoice.qual.accounts import add_user
from learnervoice.store import QualStore
from learnervoice.store.schema import audit, codings
from learnervoice.study.load import Study

from .conftest import PASSWORD
from .server import running_server

CODERS = 10
EACH = 500
NAMES = [f"coder{n}" for n in range(CODERS)]
pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, example: Study) -> Iterator[tuple[Study, str | None]]:
    url = request.getfixturevalue("pg_database") if request.param == "postgresql" else None
    store = QualStore.for_study(example, url)
    for n in range(CODERS):
        add_user(store, f"coder{n}", PASSWORD, "coder")
    add_user(store, "owner", PASSWORD, "owner")  # so that the server makes none
    store.close()
    yield example, url


def coder_session(url: str, slug: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    answer = client.post(f"/s/{slug}/api/login", json={"name": name, "password": PASSWORD})
    answer.raise_for_status()
    client.headers["X-CSRF-Token"] = answer.json()["csrf"]
    return client


def code_many(url: str, slug: str, name: str, count: int, made: list[str], errors: list[str]) -> None:
    try:
        client = coder_session(url, slug, name)
    except httpx.HTTPError as exc:
        errors.append(f"{name}: sign-in failed ({exc})")
        return
    try:
        for i in range(count):
            body = {"document": f"FG{1 + i % 5}", "start": i, "end": i + 7, "code": "online"}
            try:
                answer = client.post(f"/s/{slug}/api/codings", json=body)
            except httpx.TransportError as exc:
                errors.append(f"{name}: {type(exc).__name__}")
                return
            if answer.status_code != 201:
                errors.append(f"{name}: {answer.status_code} {answer.text[:200]}")
                return
            made.append(answer.json()["id"])
    finally:
        client.close()


def start_coders(base: str, slug: str, made: list[list[str]], errors: list[str]) -> list[threading.Thread]:
    """Every coder in a thread of their own, each coding EACH passages as fast as the server answers."""
    threads = [threading.Thread(target=code_many, args=(base, slug, NAMES[n], EACH, made[n], errors))
               for n in range(CODERS)]
    for t in threads:
        t.start()
    return threads


def stored(study: Study, url: str | None) -> tuple[dict[str, int], dict[str, int], str]:
    store = QualStore.for_study(study, url)
    with store.read() as conn:
        per_coder = dict(conn.execute(sa.select(codings.c.coder, sa.func.count()).where(codings.c.coder.in_(NAMES))
                                      .group_by(codings.c.coder)).all())
        logged: dict[str, int] = {}
        for who, detail in conn.execute(sa.select(audit.c.who, audit.c.detail).where(audit.c.action == "add_codings",
                                                                                     audit.c.who.in_(NAMES))):
            logged[who] = logged.get(who, 0) + int(json.loads(detail)["count"])
        check = conn.exec_driver_sql("PRAGMA integrity_check").scalar() if conn.dialect.name == "sqlite" else "ok"
    store.close()
    return per_coder, logged, str(check)


def test_ten_coders_at_once_lose_and_duplicate_nothing(backend: tuple[Study, str | None], tmp_path: Path) -> None:
    study, url = backend
    made: list[list[str]] = [[] for _ in range(CODERS)]
    errors: list[str] = []
    with running_server(study.folder, db=url, log=tmp_path / "server.log") as (base, _):
        for t in start_coders(base, study.folder.name, made, errors):
            t.join()
    assert errors == []
    ids = [i for per in made for i in per]
    assert len(ids) == CODERS * EACH and len(set(ids)) == CODERS * EACH
    per_coder, logged, check = stored(study, url)
    assert per_coder == {f"coder{n}": EACH for n in range(CODERS)}
    assert logged == per_coder and check == "ok"


def test_a_killed_server_leaves_the_store_consistent(backend: tuple[Study, str | None], tmp_path: Path) -> None:
    study, url = backend
    made: list[list[str]] = [[] for _ in range(CODERS)]
    errors: list[str] = []
    with running_server(study.folder, db=url, log=tmp_path / "server.log") as (base, process):
        threads = start_coders(base, study.folder.name, made, errors)
        while sum(len(m) for m in made) < 300:  # well into the work, with requests in flight
            threading.Event().wait(0.02)
        os.kill(process.pid, signal.SIGKILL)
        for t in threads:
            t.join()
    acknowledged = {i for per in made for i in per}
    assert errors and len(acknowledged) >= 300  # requests were cut off
    per_coder, logged, check = stored(study, url)
    assert check == "ok"
    assert logged == per_coder  # every coding has its audit record, and no audit record lacks its coding
    store = QualStore.for_study(study, url)
    with store.read() as conn:
        kept = {r[0] for r in conn.execute(sa.select(codings.c.guid).where(codings.c.coder.in_(NAMES)))}
    store.close()
    assert acknowledged <= kept  # whatever the server said it stored, it stored
    with running_server(study.folder, db=url, log=tmp_path / "again.log") as (base, _):  # and it starts again
        client = coder_session(base, study.folder.name, "coder0")
        assert client.get(f"/s/{study.folder.name}/api/documents").status_code == 200
        client.close()
