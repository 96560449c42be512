"""Coding in the browser's API, the same on SQLite and on a real PostgreSQL (the team server)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from learnervoice.study.load import Study

from .conftest import Web, make_web


@pytest.fixture(params=["sqlite", "postgresql"])
def team(request: pytest.FixtureRequest, example: Study) -> Iterator[Web]:
    url = request.getfixturevalue("pg_database") if request.param == "postgresql" else None
    made = make_web(example, database_url=url)
    site = made.app.state.sites[made.slug]  # type: ignore[attr-defined]
    assert site.store.engine.dialect.name == request.param
    yield made
    site.store.close()


def codings(client: TestClient, web: Web, document: str = "FG1") -> list[dict[str, object]]:
    answer = client.get(f"/s/{web.slug}/api/documents/{document}/codings")
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def test_code_edit_delete_and_blind_coding(team: Web) -> None:
    coder, other, owner = team.client("coder"), team.client("coder2"), team.client("owner")
    document = coder.get(f"/s/{team.slug}/api/documents/FG1").json()
    assert document["turns"][0]["speaker"] == "M1" and "P04" in document["attributes"]
    start = document["text"].index("online")
    made = coder.post(f"/s/{team.slug}/api/codings", json={"document": "FG1", "start": start, "end": start + 6, "code": "online"})
    assert made.status_code == 201 and made.json()["coder"] == "coder"
    twice = coder.post(f"/s/{team.slug}/api/codings", json={"document": "FG1", "start": start, "end": start + 6, "code": "online"})
    assert twice.json()["id"] == made.json()["id"]  # the same coding is stored once

    # blind: each coder sees only their own; the owner sees everyone's (the example's coder_a and coder_b too)
    assert [c["coder"] for c in codings(coder, team)] == ["coder"]
    assert codings(other, team) == []
    assert {c["coder"] for c in codings(owner, team)} == {"coder", "coder_a", "coder_b"}
    coding_id = made.json()["id"]
    assert other.delete(f"/s/{team.slug}/api/codings/{coding_id}").status_code == 404  # not theirs: as good as absent
    assert other.patch(f"/s/{team.slug}/api/codings/{coding_id}", json={"code": "price"}).status_code == 404

    changed = coder.patch(f"/s/{team.slug}/api/codings/{coding_id}", json={"code": "asynchronous", "end": start + 4})
    assert changed.status_code == 200 and changed.json()["code"] == "asynchronous"
    outside = coder.patch(f"/s/{team.slug}/api/codings/{coding_id}", json={"end": 10**7})
    assert outside.status_code == 400 and "outside the document" in outside.json()["detail"]

    assert owner.put(f"/s/{team.slug}/api/blind", json={"open": True}).json() == {"open": True}
    assert {c["coder"] for c in codings(other, team)} >= {"coder", "coder_a"}
    assert coder.delete(f"/s/{team.slug}/api/codings/{coding_id}").status_code == 204
    assert all(c["id"] != coding_id for c in codings(owner, team))


def test_memos_codebook_quotes_and_changes(team: Web) -> None:
    coder, owner, viewer = team.client("coder"), team.client("owner"), team.client("viewer")
    before = coder.get(f"/s/{team.slug}/api/changes").json()["last"]
    assert coder.post(f"/s/{team.slug}/api/memos", json={"target_kind": "document", "target": "FG1",
                                                         "text": "Lively group."}).status_code == 201
    assert coder.get(f"/s/{team.slug}/api/changes").json()["last"] > before  # what other pages poll for
    memos = coder.get(f"/s/{team.slug}/api/documents/FG1/memos").json()
    assert [m["text"] for m in memos] == ["Lively group."]

    assert owner.post(f"/s/{team.slug}/api/codes", json={"key": "fees", "name": "Fees", "parent": "preference"}).status_code == 201
    assert owner.post(f"/s/{team.slug}/api/codes/fees", json={"action": "rename", "name": "Fees and grants"}).status_code == 200
    merged = owner.post(f"/s/{team.slug}/api/codes/fees", json={"action": "merge", "into": "price"})
    assert merged.status_code == 200 and merged.json() == {"key": "price", "moved": 0}
    keys = [c["key"] for c in viewer.get(f"/s/{team.slug}/api/codes").json()]
    assert "fees" not in keys and "price" in keys
    assert "key: fees" not in (team.study.folder / "codebook.yaml").read_text(encoding="utf-8")
    bad = owner.post(f"/s/{team.slug}/api/codes", json={"key": "Bad Key", "name": "x"})
    assert bad.status_code == 422

    found = owner.get(f"/s/{team.slug}/api/quotes", params={"code": "credentials", "attribute": "career_stage",
                                                           "value": "junior"}).json()
    assert found and all(q["career_stage"] == "junior" for q in found)
    assert viewer.get(f"/s/{team.slug}/api/quotes", params={"code": "credentials"}).json() == []  # blind: not yet

    agreement = owner.get(f"/s/{team.slug}/api/agreement").json()
    assert agreement["coders"] == ["coder_a", "coder_b"] and agreement["rows"][-1]["code"] == "(all codes)"
    assert agreement["disagreements"] and {"code", "document", "turn", "coded_by", "not_by", "text"} <= set(agreement["disagreements"][0])


def test_undo_of_ones_own_last_change_by_role(team: Web) -> None:
    """A coder undoes their own codings (never another coder's, nor the codebook); the owner also the codebook."""
    coder, other, owner = team.client("coder"), team.client("coder2"), team.client("owner")
    start = coder.get(f"/s/{team.slug}/api/documents/FG1").json()["text"].index("online")
    made = coder.post(f"/s/{team.slug}/api/codings", json={"document": "FG1", "start": start, "end": start + 6, "code": "online"})
    coding_id = made.json()["id"]
    coder.patch(f"/s/{team.slug}/api/codings/{coding_id}", json={"code": "price"})
    renamed = owner.post(f"/s/{team.slug}/api/codes/price", json={"action": "rename", "name": "Price and fees"})
    assert renamed.status_code == 200

    assert other.post(f"/s/{team.slug}/api/undo", json={}).status_code == 404  # nothing of theirs; the others' unseen
    assert other.get(f"/s/{team.slug}/api/history").json() == []
    mine = coder.get(f"/s/{team.slug}/api/history").json()
    assert [h["action"] for h in mine] == ["update_coding", "add_codings"]  # the owner's rename is not theirs
    assert coder.post(f"/s/{team.slug}/api/undo", json={"change": owner.get(f"/s/{team.slug}/api/history").json()[0]["id"]}
                      ).status_code == 404  # the owner's change: not the coder's to undo

    undone = coder.post(f"/s/{team.slug}/api/undo", json={})
    assert undone.status_code == 200 and undone.json()["what"] == "recode a coding as price"
    assert [c["code"] for c in codings(coder, team)] == ["online"]
    assert coder.post(f"/s/{team.slug}/api/undo", json={}).json()["action"] == "add_codings"
    assert codings(coder, team) == []

    assert owner.post(f"/s/{team.slug}/api/undo", json={}).json()["what"] == "rename price to 'Price and fees'"
    names = {c["key"]: c["name"] for c in owner.get(f"/s/{team.slug}/api/codes").json()}
    assert names["price"] != "Price and fees"
    page = owner.get(f"/s/{team.slug}/codebook")
    assert "rename price to" in page.text and "undone" in page.text and "incl. sub-codes" in page.text


def test_open_answers_in_the_workbench_by_role(web: Web) -> None:
    """The example's open question is a document: each answer a turn under a pseudonym, coded like a transcript."""
    document = "open:anything_else"
    viewer, coder, anonymous = web.client("viewer"), web.client("coder"), web.client()
    listed = {d["name"] for d in viewer.get(f"/s/{web.slug}/api/documents").json()}
    assert document in listed
    view = viewer.get(f"/s/{web.slug}/api/documents/{document}").json()
    speakers = [t["speaker"] for t in view["turns"]]
    assert len(speakers) == 28 and all(re.fullmatch(r"[PS]\d\d", s) for s in speakers)
    assert {t["role"] for t in view["turns"]} == {"respondent"} and "R0" not in view["text"]
    assert "[phone]" in view["text"] and "[email]" in view["text"]
    assert view["attributes"][speakers[0]]["status"]  # the respondent's survey answer beside the roster's attributes
    start = view["text"].index("Real cases")
    coding = {"document": document, "start": start, "end": start + 10, "code": "open_practical"}
    assert viewer.post(f"/s/{web.slug}/api/codings", json=coding).status_code == 403
    assert anonymous.get(f"/s/{web.slug}/api/documents/{document}").status_code == 401
    made = coder.post(f"/s/{web.slug}/api/codings", json=coding)
    assert made.status_code == 201
    assert [c["code"] for c in codings(coder, web, document)] == ["open_practical"]  # blind: own codings only
    page = viewer.get(f"/s/{web.slug}/documents/{document}")
    assert page.status_code == 200 and "each under its respondent" in page.text
