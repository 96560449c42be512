"""The web app on a private copy of the example, with one user per role and a clock the tests move."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from learnervoice.qual.accounts import add_user, get_user
from learnervoice.study.load import Study
from learnervoice.web.app import create_app
from learnervoice.web.settings import load_settings

PASSWORD = "a long enough password"
ROLES = ("owner", "coder", "viewer")


@dataclass
class Clock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Web:
    app: object
    study: Study
    clock: Clock

    @property
    def slug(self) -> str:
        return self.study.folder.name

    def client(self, role: str | None = None) -> TestClient:
        """A browser-like client, signed in as the user of that role (anonymous for None)."""
        client = TestClient(self.app, base_url="http://127.0.0.1")  # type: ignore[arg-type]
        if role is not None:
            sign_in(client, self.slug, role)
        return client


def sign_in(client: TestClient, slug: str, name: str, password: str = PASSWORD) -> str:
    """Sign in through the JSON API; the CSRF token goes into the client's default headers."""
    answer = client.post(f"/s/{slug}/api/login", json={"name": name, "password": password})
    assert answer.status_code == 200, answer.text
    token = answer.json()["csrf"]
    client.headers["X-CSRF-Token"] = token
    return str(token)


def make_web(study: Study, **settings: object) -> Web:
    clock = Clock()
    app = create_app([study], load_settings(**settings), clock=clock)
    store = app.state.sites[study.folder.name].store
    for name, role in (*((r, r) for r in ROLES), ("coder2", "coder")):
        if get_user(store, name) is None:
            add_user(store, name, PASSWORD, role)
    return Web(app, study, clock)


@pytest.fixture
def web(example: Study) -> Iterator[Web]:
    made = make_web(example)
    yield made
    for site in made.app.state.sites.values():  # type: ignore[attr-defined]
        site.store.close()


@pytest.fixture
def example_folder(example: Study) -> Path:
    return example.folder
