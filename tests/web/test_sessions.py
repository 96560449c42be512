"""Sessions and requests: each test replays an attack that worked on the web app before, and checks it fails now.

1. a new account inheriting an old session; 2. a cookie of one study signed anew for another.
"""

from __future__ import annotations

import shutil
import time
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

from .conftest import PASSWORD, Web, sign_in


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
