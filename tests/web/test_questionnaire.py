"""The questionnaire over HTTP: consent first, save and resume, messages beside questions, tables at once, withdrawal."""

from __future__ import annotations

import json

import sqlalchemy as sa
from typer.testing import CliRunner

from learnervoice.cli import app as cli
from learnervoice.store.schema import audit, web_responses
from learnervoice.stats.tables import frequency_tables
from learnervoice.survey.webform import create_invites

from .conftest import Web


def csrf_of(html: str) -> str:
    return html.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]


def age_base(web: Web) -> int:
    table = next(t for t in frequency_tables(web.study, questions=["age"]).frequencies if t.variable_id == "age")
    return table.base


def test_a_participant_consents_answers_resumes_submits_and_withdraws(web: Web) -> None:
    store = web.app.state.sites[web.slug].store  # type: ignore[attr-defined]
    token = create_invites(store, 1)[0].token
    before = age_base(web)
    browser = web.client()
    consent_page = browser.get(f"/s/{web.slug}/q/{token}")
    assert consent_page.status_code == 200 and "I agree that my answers" in consent_page.text
    browser.headers["X-CSRF-Token"] = csrf_of(consent_page.text)

    # nothing is stored before consent
    early = browser.put(f"/s/{web.slug}/api/q/{token}/answers", json={"answers": {"age": 40}})
    assert early.status_code == 409
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(web_responses)).scalar_one() == 0
    assert browser.post(f"/s/{web.slug}/q/{token}/consent", data={}, follow_redirects=False).status_code == 422
    assert browser.post(f"/s/{web.slug}/q/{token}/consent", data={"agree": "yes"}, follow_redirects=False).status_code == 303
    with store.read() as conn:
        kept = conn.execute(sa.select(web_responses)).one()
    assert kept.consent_text.startswith("I agree that my answers") and kept.consented_at is not None

    # a wrong answer is refused beside its question; the right ones are kept as a draft
    form = {"age": "two hundred", "gender": ["woman"], "mode": ["onsite"], "online_sync": "async", "action": "save"}
    page = browser.post(f"/s/{web.slug}/q/{token}", data=form)
    assert page.status_code == 422
    assert 'id="err-age" role="alert">Enter a number.' in page.text and 'aria-describedby="err-age"' in page.text
    resumed = browser.get(f"/s/{web.slug}/q/{token}").text  # coming back to the link later
    assert 'value="woman" checked' in resumed
    state = browser.get(f"/s/{web.slug}/api/q/{token}").json()
    assert state["answers"] == {"gender": ["woman"], "mode": ["onsite"]}  # online_sync does not apply to face-to-face

    form |= {"age": "44", "mode": ["online"], "action": "submit"}
    done = browser.post(f"/s/{web.slug}/q/{token}", data=form, follow_redirects=True)
    assert done.status_code == 200 and "your answers are submitted" in done.text
    assert age_base(web) == before + 1  # in the tables at once
    again = browser.put(f"/s/{web.slug}/api/q/{token}/answers", json={"answers": {"age": 50}})
    assert again.status_code == 409  # submitted answers are not changed, only withdrawn

    gone = browser.post(f"/s/{web.slug}/q/{token}/withdraw", data={})
    assert gone.status_code == 200 and "have been deleted" in gone.text
    assert age_base(web) == before
    assert browser.get(f"/s/{web.slug}/api/q/{token}").status_code == 404
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(web_responses)).scalar_one() == 0
        logged = conn.execute(sa.select(audit.c.action, audit.c.detail).where(audit.c.action == "withdraw")).one()
    assert json.loads(logged.detail) == {"invite": "I0001"}


def test_required_questions_and_the_json_api(web: Web) -> None:
    from learnervoice.study import open_study

    path = web.study.folder / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nquestionnaire: {required: [age, online_sync]}\n", encoding="utf-8")
    from .conftest import make_web

    strict = make_web(open_study(web.study.folder))
    store = strict.app.state.sites[strict.slug].store  # type: ignore[attr-defined]
    token = create_invites(store, 1)[0].token
    client = strict.client()
    assert client.post(f"/s/{strict.slug}/api/q/{token}/consent", json={"agree": True}).status_code == 204
    missing = client.put(f"/s/{strict.slug}/api/q/{token}/answers", json={"answers": {"mode": ["online"]}, "submit": True})
    assert missing.json() == {"submitted": False, "problems": {"age": "This question needs an answer.",
                                                               "online_sync": "This question needs an answer."}}
    # a required question that does not apply is not asked for
    onsite = client.put(f"/s/{strict.slug}/api/q/{token}/answers", json={"answers": {"mode": ["onsite"], "age": 30}, "submit": True})
    assert onsite.json() == {"submitted": True, "problems": {}}


def test_invite_command_keeps_only_hashes(web: Web, tmp_path: object) -> None:
    folder = web.study.folder
    people = folder.parent / "people.csv"
    people.write_text("name,email\nAnna Puig,anna@example.org\n=HYPERLINK(1),x@example.org\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["invite", str(folder), "--from", str(people), "--base-url", "https://s.example.org"])
    assert result.exit_code == 0, result.output
    listed = (folder / "private" / "invites.csv").read_text(encoding="utf-8").splitlines()
    assert listed[0] == "name,email,invite,link" and listed[1].startswith("Anna Puig,anna@example.org,I0001,https://s.example.org/s/")
    assert listed[2].startswith("'=HYPERLINK(1)")  # formulas neutralised
    token = listed[1].rsplit("/q/", 1)[1]
    assert token.encode() not in (folder / "qual.sqlite").read_bytes()
    assert web.client().get(f"/s/{web.slug}/api/q/{token}").status_code == 200
    bad = CliRunner().invoke(cli, ["invite", str(folder)])
    assert bad.exit_code == 2 and "give --from PEOPLE.csv or --count N" in bad.output


def test_a_broken_invite_list_makes_no_links(web: Web) -> None:
    folder = web.study.folder
    store = web.app.state.sites[web.slug].store  # type: ignore[attr-defined]
    before = store.last_change()
    people = folder.parent / "people.csv"
    people.write_bytes(b"name,email\n\xff\xfe broken\n")
    result = CliRunner().invoke(cli, ["invite", str(folder), "--from", str(people)])
    assert result.exit_code == 2 and "people.csv" in result.output
    assert store.last_change() == before and not (folder / "private" / "invites.csv").exists()


def test_a_grid_is_answered_item_by_item(web: Web) -> None:
    """The grid widget: a radio group per item (named question.item), each value item=point; the answer reaches the
    grid's table at once."""
    store = web.app.state.sites[web.slug].store  # type: ignore[attr-defined]
    token = create_invites(store, 1)[0].token
    browser = web.client()
    page = browser.get(f"/s/{web.slug}/q/{token}")
    browser.headers["X-CSRF-Token"] = csrf_of(page.text)
    browser.post(f"/s/{web.slug}/q/{token}/consent", data={"agree": "yes"}, follow_redirects=False)
    form_page = browser.get(f"/s/{web.slug}/q/{token}").text
    assert 'name="importance.price" value="price=5" aria-label="Price: Extremely important"' in form_page

    def grid_n(item: str) -> int:
        grid = frequency_tables(web.study, questions=["importance"]).batteries[0]
        return next(r.n for r in grid.rows if r.item_id == f"importance__{item}")

    before = grid_n("price"), grid_n("certificate")
    form = {"importance.price": "price=5", "importance.flexibility": "flexibility=4", "action": "save"}
    assert browser.post(f"/s/{web.slug}/q/{token}", data=form, follow_redirects=False).status_code == 303
    assert browser.get(f"/s/{web.slug}/api/q/{token}").json()["answers"] == {
        "importance": ["flexibility=4", "price=5"]}
    assert 'value="price=5" aria-label="Price: Extremely important"\n              checked' in browser.get(
        f"/s/{web.slug}/q/{token}").text  # the saved point is shown again
    bad = browser.post(f"/s/{web.slug}/q/{token}", data={"importance.price": "price=9", "action": "save"})
    assert bad.status_code == 422
    form["action"] = "submit"
    assert browser.post(f"/s/{web.slug}/q/{token}", data=form, follow_redirects=True).status_code == 200
    assert (grid_n("price"), grid_n("certificate")) == (before[0] + 1, before[1])  # an item left blank is not counted
