"""Suggested codings and candidate themes in the workbench: who may ask, accept and reject recorded for the coder
who decided, blind coding (nobody else's codings or decisions change a coder's suggestions), bad input refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnervoice.qual import workbench as wb
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.store import QualStore
from learnervoice.store import audit as audit_log
from learnervoice.study.load import Study
from learnervoice.study.model import SuggestionSettings

from .conftest import Web

CODE = "price"  # coded by coder_a in 20-odd segments of the example's focus groups


def store_of(web: Web) -> QualStore:
    return web.app.state.sites[web.slug].store  # type: ignore[attr-defined, no-any-return]


def learn(web: Web, user: str, code: str = CODE, *, every: int = 1, source: str = "coder_a") -> int:
    """Give `user` codings of `code` where `source` coded it (every n-th one): what their suggestions learn from."""
    store = store_of(web)
    theirs = [(d["name"], c.start, c.end) for d in wb.document_list(store)
              for c in wb.document_codings(store, d["name"], {source}) if c.code == code]
    chosen = [NewCoding(doc, start, end, code, user) for doc, start, end in theirs[::every]]
    return add_codings(store, chosen, who=user, source="test")


def spans(found: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    return [(s["document"], s["start"], s["end"]) for s in found]


def suggestions(client: Any, slug: str, code: str = CODE, top: int = 20) -> list[dict[str, Any]]:
    answer = client.get(f"/s/{slug}/api/suggestions", params={"code": code, "top": top})
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def decide(client: Any, slug: str, item: dict[str, Any], accepted: bool, code: str = CODE) -> Any:
    body = {"code": code, "document": item["document"], "start": item["start"], "end": item["end"], "accepted": accepted}
    return client.post(f"/s/{slug}/api/suggestions/decide", json=body)


def test_roles_who_may_ask_and_decide(web: Web) -> None:
    learn(web, "coder", every=2)
    learn(web, "owner", every=2)
    item = {"document": "FG1", "start": 0, "end": 5}
    assert web.client().get(f"/s/{web.slug}/api/suggestions", params={"code": CODE}).status_code == 401
    viewer = web.client("viewer")
    assert viewer.get(f"/s/{web.slug}/api/suggestions", params={"code": CODE}).status_code == 403
    refused = decide(viewer, web.slug, item, False)
    assert refused.status_code == 403 and "coder role" in refused.json()["detail"]
    assert viewer.get(f"/s/{web.slug}/suggest", params={"code": CODE}).status_code == 403
    assert viewer.get(f"/s/{web.slug}/api/themes").status_code == 403
    for role in ("coder", "owner"):
        client = web.client(role)
        found = suggestions(client, web.slug)
        assert found and set(found[0]) >= {"document", "start", "end", "score", "text", "before", "after", "speaker"}
        assert [s["score"] for s in found] == sorted((s["score"] for s in found), reverse=True)
        assert decide(client, web.slug, found[0], False).status_code == 200
    assert web.client("coder").get(f"/s/{web.slug}/api/themes").status_code == 403  # themes are the owner's
    assert web.client("owner").get(f"/s/{web.slug}/api/themes").status_code == 200


def test_accepting_codes_it_as_the_coders_own_marked_as_a_suggestion(web: Web) -> None:
    learn(web, "coder", every=2)
    client = web.client("coder")
    first = suggestions(client, web.slug)[0]
    assert first["text"] in first["before"] + first["text"] + first["after"]
    answer = decide(client, web.slug, first, True)
    assert answer.status_code == 200 and answer.json()["accepted"] is True
    codings = client.get(f"/s/{web.slug}/api/documents/{first['document']}/codings").json()
    made = [c for c in codings if (c["start"], c["end"], c["code"]) == (first["start"], first["end"], CODE)]
    assert [c["coder"] for c in made] == ["coder"]
    with store_of(web).read() as conn:
        newest = audit_log.entries(conn, ["add_codings"], who=["coder"], limit=1)[0]
    assert newest.detail["source"] == "suggestion"  # the mark: accepted from a suggestion, in the audit log
    assert spans([first])[0] not in spans(suggestions(client, web.slug, top=200))  # coded now: not suggested again
    undone = client.post(f"/s/{web.slug}/api/undo", json={})  # an accepted suggestion is undone like any coding
    assert undone.status_code == 200, undone.text


def test_rejecting_hides_it_from_the_next_list_and_codes_nothing(web: Web) -> None:
    learn(web, "coder", every=2)
    client = web.client("coder")
    before = suggestions(client, web.slug, top=50)
    codings_before = client.get(f"/s/{web.slug}/api/documents/{before[0]['document']}/codings").json()
    assert decide(client, web.slug, before[0], False).status_code == 200
    after = suggestions(client, web.slug, top=50)
    assert spans(before[:1])[0] not in spans(after)
    assert client.get(f"/s/{web.slug}/api/documents/{before[0]['document']}/codings").json() == codings_before


def test_blind_coding_another_coders_codings_and_decisions_never_show(web: Web) -> None:
    learn(web, "coder", every=2)
    mine = web.client("coder")
    before = suggestions(mine, web.slug, top=50)
    other = web.client("coder2")
    learn(web, "coder2", every=3, source="coder_b")
    theirs = suggestions(other, web.slug, top=50)
    assert decide(other, web.slug, before[0], True).status_code == 200  # coder2 codes my best suggestion
    assert decide(other, web.slug, before[1], False).status_code == 200  # and rejects my second
    learn(web, "coder2", "online", source="coder_b")
    assert suggestions(mine, web.slug, top=50) == before  # my ranking learns from my work only
    assert spans(theirs) != spans(before)  # theirs learned from theirs
    codings = mine.get(f"/s/{web.slug}/api/documents/{before[0]['document']}/codings").json()
    assert {c["coder"] for c in codings} <= {"coder"}  # and their accepted coding stays hidden from me


def test_bad_input_is_refused_with_words(web: Web) -> None:
    learn(web, "coder", every=2)
    client = web.client("coder")
    first = suggestions(client, web.slug)[0]
    unknown = client.get(f"/s/{web.slug}/api/suggestions", params={"code": "no_such_code"})
    assert 400 <= unknown.status_code < 500 and "no_such_code" in unknown.json()["detail"]
    assert client.get(f"/s/{web.slug}/api/suggestions", params={"code": "Bad Key!"}).status_code == 422
    assert client.get(f"/s/{web.slug}/api/suggestions", params={"code": CODE, "top": 0}).status_code == 422
    backwards = decide(client, web.slug, first | {"start": first["end"], "end": first["start"]}, True)
    assert backwards.status_code == 422 and "ends after it starts" in backwards.json()["detail"]
    missing = decide(client, web.slug, first | {"document": "FG99"}, True)
    assert 400 <= missing.status_code < 500 and "FG99" in missing.json()["detail"]
    outside = decide(client, web.slug, first | {"start": 10_000_000, "end": 10_000_010}, True)
    assert 400 <= outside.status_code < 500 and outside.json()["detail"]
    no_code = decide(client, web.slug, first, True, code="no_such_code")
    assert 400 <= no_code.status_code < 500 and "no_such_code" in no_code.json()["detail"]
    not_bool = client.post(f"/s/{web.slug}/api/suggestions/decide", json={**first, "code": CODE, "accepted": "perhaps"})
    assert not_bool.status_code == 422
    huge = decide(client, web.slug, first | {"end": 2**40}, True)  # the limit is said, not masked as a phone number
    assert huge.status_code == 422 and "2,147,483,647" in str(huge.json()["detail"])
    client.headers["X-CSRF-Token"] = "forged"
    forged = decide(client, web.slug, first, True)
    assert forged.status_code == 403 and "did not come from this site" in forged.json()["detail"]
    assert spans([first])[0] in spans(suggestions(client, web.slug))  # nothing was decided by any of these


def test_the_page_shows_one_at_a_time_and_moves_on_after_a_decision(web: Web) -> None:
    learn(web, "coder", every=2)
    client = web.client("coder")
    found = suggestions(client, web.slug)
    page = client.get(f"/s/{web.slug}/suggest", params={"code": CODE})
    assert page.status_code == 200 and "Suggestion 1 of the" in page.text and page.text.count("<mark>") == 1
    assert f'name="start" value="{found[0]["start"]}"' in page.text
    form = {"code": CODE, "document": found[0]["document"], "start": found[0]["start"], "end": found[0]["end"],
            "skip": 0, "decision": "reject"}
    moved = client.post(f"/s/{web.slug}/suggest", data=form, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].endswith(f"/suggest?code={CODE}&unit=sentence&skip=0&done=reject")
    after = client.get(moved.headers["location"])
    assert "Rejected: it will not be suggested to you again." in after.text
    assert f'name="start" value="{found[0]["start"]}"' not in after.text or found[1]["start"] == found[0]["start"]
    assert client.post(f"/s/{web.slug}/suggest", data=form | {"decision": "maybe"}, follow_redirects=False).status_code == 422
    for bad in ("Bad Key", "money'--", "ÀB"):  # a code that is no key: refused as input (it was a 500)
        assert client.post(f"/s/{web.slug}/suggest", data=form | {"code": bad}, follow_redirects=False).status_code == 422
    skipped = client.get(f"/s/{web.slug}/suggest", params={"code": CODE, "skip": 1})
    assert "Suggestion 2 of the" in skipped.text
    turns = client.get(f"/s/{web.slug}/api/suggestions", params={"code": CODE, "unit": "turn"}).json()
    whole = client.get(f"/s/{web.slug}/suggest", params={"code": CODE, "unit": "turn"})
    assert f'name="end" value="{turns[0]["end"]}"' in whole.text and 'name="unit" value="turn"' in whole.text
    assert max(s["end"] - s["start"] for s in turns) > max(s["end"] - s["start"] for s in found)  # turns, not sentences
    assert client.get(f"/s/{web.slug}/api/suggestions", params={"code": CODE, "unit": "page"}).status_code == 422
    nothing = web.client("coder2").get(f"/s/{web.slug}/suggest")  # no code chosen yet: the form only
    assert nothing.status_code == 200 and "<mark>" not in nothing.text
    codebook = client.get(f"/s/{web.slug}/codebook").text
    assert f'/suggest?code={CODE}"' in codebook  # the codebook's "Suggest" action
    assert '/themes"' not in codebook and '/themes"' in web.client("owner").get(f"/s/{web.slug}/codebook").text
    assert "/suggest\"" not in web.client("viewer").get(f"/s/{web.slug}/codebook").text


def test_owner_turns_a_candidate_theme_into_a_code_that_can_be_undone(web: Web) -> None:
    owner = web.client("owner")
    themes = owner.get(f"/s/{web.slug}/api/themes", params={"k": 4}).json()
    assert len(themes) == 4
    for theme in themes:
        assert theme["terms"] and theme["people"] >= 1 and theme["segments"] >= len(theme["quotes"])
        assert 1 <= len(theme["quotes"]) <= 3 and all(q["text"] for q in theme["quotes"])
    assert owner.get(f"/s/{web.slug}/api/themes", params={"k": 4}).json() == themes  # seeded: the same again
    page = owner.get(f"/s/{web.slug}/themes", params={"k": 4})
    assert page.status_code == 200 and page.text.count("Make it a code") == 4
    chosen = {"number": 1, "label": themes[0]["label"], "k": 4, "name": "Fees and money", "key": "theme_new"}
    made = owner.post(f"/s/{web.slug}/themes", data=chosen, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].endswith("/codebook")
    code = next(c for c in owner.get(f"/s/{web.slug}/api/codes").json() if c["key"] == "theme_new")
    assert code["name"] == "Fees and money" and ", ".join(themes[0]["terms"]) in code["description"]
    assert "add code theme_new" in [h["what"] for h in owner.get(f"/s/{web.slug}/api/history").json()]
    assert owner.get(f"/s/{web.slug}/api/documents/FG1/codings").json() == [
        c for c in owner.get(f"/s/{web.slug}/api/documents/FG1/codings").json() if c["code"] != "theme_new"]  # nothing coded
    again = owner.post(f"/s/{web.slug}/themes", data=chosen, follow_redirects=False)
    assert again.status_code == 400 and "already" in again.text
    stale = owner.post(f"/s/{web.slug}/themes", data=chosen | {"label": "what the page showed before", "key": "t2"},
                       follow_redirects=False)
    assert stale.status_code == 409 and "reload the page" in stale.text
    assert owner.post(f"/s/{web.slug}/api/undo", json={}).json()["what"] == "add code theme_new"
    assert "theme_new" not in [c["key"] for c in owner.get(f"/s/{web.slug}/api/codes").json()]
    bad_key = owner.post(f"/s/{web.slug}/themes", data=chosen | {"key": "Bad Key"}, follow_redirects=False)
    assert bad_key.status_code == 400 and "lower-case" in bad_key.text
    named = owner.post(f"/s/{web.slug}/themes", data=chosen | {"key": "", "name": "Año de trabajo"}, follow_redirects=False)
    assert named.status_code == 303 and "ano_de_trabajo" in [c["key"] for c in owner.get(f"/s/{web.slug}/api/codes").json()]
    assert owner.post(f"/s/{web.slug}/themes", data=chosen | {"number": 9}, follow_redirects=False).status_code == 400
    nameless = owner.post(f"/s/{web.slug}/themes", data=chosen | {"name": "", "key": "t3"}, follow_redirects=False)
    assert nameless.status_code == 422 and "name: Field required" in nameless.text
    blank = owner.post(f"/s/{web.slug}/api/themes/code", json=chosen | {"name": " ", "key": "t3"})
    assert blank.status_code == 400 and "name the new code" in blank.json()["detail"]
    api = owner.post(f"/s/{web.slug}/api/themes/code", json=chosen | {"key": None, "name": "Second try"})
    assert api.status_code == 201 and api.json() == {"key": "second_try"}
    assert owner.post(f"/s/{web.slug}/api/themes/code", json=chosen | {"label": "old"}).status_code == 409
    assert owner.get(f"/s/{web.slug}/api/themes", params={"k": 99}).status_code == 422
    some = owner.get(f"/s/{web.slug}/api/themes", params={"k": 2, "document": ["FG1", "FG2"]}).json()
    assert {q["document"] for t in some for q in t["quotes"]} <= {"FG1", "FG2"}
    unknown = owner.get(f"/s/{web.slug}/api/themes", params={"document": "FG99"})
    assert 400 <= unknown.status_code < 500 and "FG99" in unknown.json()["detail"]
    assert web.client("coder").post(f"/s/{web.slug}/themes", data=chosen | {"key": "x"},
                                    follow_redirects=False).status_code == 403


def test_the_workbench_uses_the_studys_embedding_model_and_names_a_bad_folder(web: Web, wordllama_model: Path) -> None:
    """study.yaml's `suggestions: {method: embedding, model: …}` decides the workbench's method too (the same
    library call as `code suggest`); a folder that is not there answers 400 naming it, and nothing is coded."""
    learn(web, "coder", every=2)
    client = web.client("coder")
    site = web.app.state.sites[web.slug]  # type: ignore[attr-defined]
    by_ngrams = suggestions(client, web.slug, top=50)
    plain = site.study
    site.study = Study(plain.folder, plain.config.model_copy(
        update={"suggestions": SuggestionSettings(method="embedding", model=str(wordllama_model))}))
    by_embeddings = suggestions(client, web.slug, top=50)
    assert by_embeddings and [s["score"] for s in by_embeddings] != [s["score"] for s in by_ngrams]
    missing = wordllama_model.parent / "not-copied-yet"
    site.study = Study(plain.folder, plain.config.model_copy(
        update={"suggestions": SuggestionSettings(method="embedding", model=str(missing))}))
    with store_of(web).read() as conn:
        before = len(audit_log.entries(conn, ["add_codings"], limit=1000))
    refused = client.get(f"/s/{web.slug}/api/suggestions", params={"code": CODE})
    assert refused.status_code == 400 and str(missing) in refused.json()["detail"]
    with store_of(web).read() as conn:
        assert len(audit_log.entries(conn, ["add_codings"], limit=1000)) == before
    site.study = plain
