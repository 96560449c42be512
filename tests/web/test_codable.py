"""Folders of codes in the workbench: the owner makes a code a folder (or codable again) on the codebook page or
through the API, audited and undoable; coding with a folder answers 422 and stores nothing; the coding menus and
the suggestion picker do not offer folders, the codebook table marks them; codings kept from before are said."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from .conftest import Web

REFUSED = "code 'motivation' is a folder of codes (codable: false in codebook.yaml): code with one of its sub-codes"


def codings_of(client: TestClient, web: Web) -> list[dict[str, object]]:
    return client.get(f"/s/{web.slug}/api/documents/FG1/codings").json()  # type: ignore[no-any-return]


def options(page: str, select: str) -> list[str]:
    """The values offered by one <select> of a page."""
    found = re.search(rf'<select id="{select}"[^>]*>(.*?)</select>', page, re.S)
    assert found, select
    return re.findall(r'<option value="([^"]*)"', found.group(1))


def test_the_owner_makes_a_folder_and_nobody_can_code_with_it(web: Web) -> None:
    owner, coder, viewer = web.client("owner"), web.client("coder"), web.client("viewer")
    assert "motivation" in options(coder.get(f"/s/{web.slug}/documents/FG1").text, "code-select")
    refused = coder.post(f"/s/{web.slug}/api/codes/motivation", json={"action": "codable", "codable": False})
    assert refused.status_code == 403  # the codebook is the owner's
    made = owner.post(f"/s/{web.slug}/api/codes/motivation", json={"action": "codable", "codable": False})
    assert made.status_code == 200 and made.json() == {"key": "motivation", "codable": False, "codings": 0}
    assert "codable: false" in (web.study.folder / "codebook.yaml").read_text(encoding="utf-8")
    listed = {c["key"]: c["codable"] for c in viewer.get(f"/s/{web.slug}/api/codes").json()}
    assert listed["motivation"] is False and listed["pleasure"] is True

    start = coder.get(f"/s/{web.slug}/api/documents/FG1").json()["text"].index("online")
    mine = codings_of(coder, web)
    coding = {"document": "FG1", "start": start, "end": start + 6, "code": "motivation"}
    answer = coder.post(f"/s/{web.slug}/api/codings", json=coding)
    assert answer.status_code == 422 and REFUSED in answer.json()["detail"]
    assert codings_of(coder, web) == mine  # nothing stored
    made_one = coder.post(f"/s/{web.slug}/api/codings", json=coding | {"code": "pleasure"})
    assert made_one.status_code == 201
    recode = coder.patch(f"/s/{web.slug}/api/codings/{made_one.json()['id']}", json={"code": "motivation"})
    assert recode.status_code == 422 and REFUSED in recode.json()["detail"]
    asked = coder.get(f"/s/{web.slug}/api/suggestions", params={"code": "motivation"})
    assert asked.status_code == 422 and REFUSED in asked.json()["detail"]
    decided = coder.post(f"/s/{web.slug}/api/suggestions/decide", json=coding | {"accepted": True})
    assert decided.status_code == 422 and REFUSED in decided.json()["detail"]
    assert [c["code"] for c in codings_of(coder, web)] == ["pleasure"]


def test_pages_offer_no_folder_and_mark_it_in_the_tree(web: Web) -> None:
    owner, coder = web.client("owner"), web.client("coder")
    owner.post(f"/s/{web.slug}/api/codes/motivation", json={"action": "codable", "codable": False})
    reader = coder.get(f"/s/{web.slug}/documents/FG1").text
    assert "motivation" not in options(reader, "code-select") and "pleasure" in options(reader, "code-select")
    assert 'id="suggest-link" href="/s/' in reader and "?code=motivation" not in reader
    assert "motivation" not in options(coder.get(f"/s/{web.slug}/suggest").text, "code")
    page = coder.get(f"/s/{web.slug}/codebook").text
    row = re.search(r"<tr class=\"folder\"><td><code>motivation</code></td>(.*?)</tr>", page, re.S)
    assert row and '<span class="badge"' in row.group(1) and "folder</span>" in row.group(1)
    assert "suggest?code=motivation" not in page and "suggest?code=pleasure" in page
    assert "incl. sub-codes" in row.group(1)  # its counts are its sub-codes'
    assert "motivation" in options(coder.get(f"/s/{web.slug}/quotes").text, "code")  # its quotes: its sub-codes'


def test_the_codebook_form_toggles_undo_restores_and_kept_codings_are_said(web: Web) -> None:
    owner = web.client("owner")
    form = {"csrf": owner.headers["X-CSRF-Token"], "action": "codable", "key": "pleasure", "codable": "false"}
    sent = owner.post(f"/s/{web.slug}/codebook", data=form, follow_redirects=False)
    assert sent.status_code == 303
    page = owner.get(f"/s/{web.slug}/codebook").text
    kept = re.search(r'<p class="warning" id="kept-pleasure">(.*?)</p>', page, re.S)
    assert kept and re.search(r"has \d+ coding\(s\), kept from before", html.unescape(kept.group(1)))
    assert "make pleasure a folder of codes (not codable)" in page  # the owner's history
    assert "kept-pleasure" not in web.client("coder").get(f"/s/{web.slug}/codebook").text  # others' work: blind
    undone = owner.post(f"/s/{web.slug}/api/undo", json={})
    assert undone.status_code == 200 and undone.json()["action"] == "set_codable"
    assert {c["key"]: c["codable"] for c in owner.get(f"/s/{web.slug}/api/codes").json()}["pleasure"] is True
    assert "codable" not in (web.study.folder / "codebook.yaml").read_text(encoding="utf-8")
    missing = owner.post(f"/s/{web.slug}/api/codes/pleasure", json={"action": "codable"})
    assert missing.status_code == 422 and "codable (true) or a folder" in missing.json()["detail"]
    bad = owner.post(f"/s/{web.slug}/codebook", data=form | {"codable": "maybe"}, follow_redirects=False)
    assert bad.status_code == 422
