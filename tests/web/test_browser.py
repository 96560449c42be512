"""The workbench in a real browser (Debian's chromium driven by Playwright): a participant, a coder, the owner.

Screenshots of every page go to test-artifacts/web-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from learnervoice.qual.accounts import add_user
from learnervoice.store import QualStore
from learnervoice.study.load import Study
from learnervoice.survey.webform import create_invites

from ..conftest import ARTIFACTS, CHROMIUM_FLAGS, program
from .conftest import PASSWORD
from .server import running_server


@pytest.fixture
def served(example: Study, tmp_path: Path) -> Iterator[tuple[str, str, Study]]:
    store = QualStore.for_study(example)
    for name, role in (("owner", "owner"), ("coder", "coder")):
        add_user(store, name, PASSWORD, role)
    token = create_invites(store, 1)[0].token
    store.close()
    with running_server(example.folder, log=tmp_path / "server.log") as (url, _):
        yield url, token, example


@pytest.fixture
def browser() -> Iterator[Any]:
    chromium = program("chromium", "chromium-browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Watched:
    """A page whose console errors and requests to other hosts are collected."""

    def __init__(self, browser: Any, base: str, **options: Any) -> None:
        self.page = browser.new_context(**options).new_page()
        self.errors: list[str] = []
        self.elsewhere: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: None if r.url.startswith(base) else self.elsewhere.append(r.url))

    def _console(self, message: Any) -> None:
        # a form sent back with its problems beside the questions answers 422, which Chromium logs as an error
        if message.type == "error" and "status of 422" not in message.text:
            self.errors.append(message.text)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def sign_in(watched: Watched, base: str, slug: str, name: str) -> None:
    page = watched.page
    page.goto(f"{base}/s/{slug}/")
    assert "/login" in page.url  # strangers are sent to sign in
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/s/{slug}/")


def test_participant_consents_answers_resumes_and_submits(served: tuple[str, str, Study], browser: Any) -> None:
    from learnervoice.stats.tables import frequency_tables

    base, token, study = served
    slug = study.folder.name
    phone = Watched(browser, base, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.page
    page.goto(f"{base}/s/{slug}/q/{token}")
    phone.shot("consent")
    page.get_by_role("button", name="Start").click()
    assert page.get_by_role("alert").inner_text() == "Please tick the box to agree."  # no consent, nothing stored
    page.get_by_label("I have read this and I agree to take part").check()
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Age (years)").fill("39")
    page.get_by_role("group", name="Gender").get_by_label("Woman").check()
    sync_question = page.locator("#q-online_sync")
    assert not sync_question.is_visible()  # asked only of those who want online or mixed courses
    page.get_by_role("group", name="Do you prefer a course...").get_by_label("Online").check()
    assert sync_question.is_visible()
    sync_question.get_by_label("Asynchronous: you connect when you have availability").check()
    page.get_by_label("Hours a week dedication").fill("99")
    page.get_by_role("button", name="Save and continue later").click()
    assert "Enter a number from 1 to 25." in page.locator("#err-hours").inner_text()
    phone.shot("questionnaire-problem")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scrolling

    page.goto(f"{base}/s/{slug}/q/{token}")  # later: the same link resumes
    assert page.get_by_label("Age (years)").input_value() == "39"
    page.get_by_label("Hours a week dedication").fill("8")
    page.get_by_role("button", name="Submit my answers").click()
    assert "your answers are submitted" in page.get_by_role("status").inner_text()
    phone.shot("thanks")
    assert phone.errors == [] and phone.elsewhere == []
    ages = next(t for t in frequency_tables(study, questions=["age"]).frequencies if t.variable_id == "age")
    assert ages.base == 42  # the example's 41 and this one


def test_coder_codes_a_passage_and_the_owner_sees_it_live(served: tuple[str, str, Study], browser: Any) -> None:
    from playwright.sync_api import expect

    base, _, study = served
    slug = study.folder.name
    owner = Watched(browser, base, viewport={"width": 1280, "height": 900})
    sign_in(owner, base, slug, "owner")
    owner.page.goto(f"{base}/s/{slug}/documents/FG2")
    owner.page.wait_for_selector("#codings li")
    before = owner.page.locator("#codings li").count()

    coder = Watched(browser, base, viewport={"width": 1280, "height": 900})
    sign_in(coder, base, slug, "coder")
    coder.shot("documents")
    page = coder.page
    page.get_by_role("link", name="FG2").click()
    page.wait_for_selector("#text .turn")
    passage = page.locator("#text .turn").nth(2).locator("span[data-offset]").first
    passage.select_text()
    expect(page.locator("#selection")).to_contain_text("Selected: ")
    page.get_by_label("Code", exact=True).select_option("modular")
    page.get_by_role("button", name="Code selection").click()
    expect(page.locator("#status")).to_have_text("Coded as modular.")
    assert page.locator("#codings li").filter(has_text="modular · coder · “").count() == 1
    page.get_by_label("Code", exact=True).select_option("price")  # change one's mind: recode it
    page.get_by_role("button", name="Give coding").first.click()
    expect(page.locator("#status")).to_have_text("Recoded as price.")
    page.get_by_label("Code", exact=True).select_option("modular")
    page.get_by_role("button", name="Give coding").first.click()
    expect(page.locator("#status")).to_have_text("Recoded as modular.")
    page.get_by_label("New memo on this document").fill("Second turn: stacking courses <b>matters</b>.")
    page.get_by_role("button", name="Add memo").click()
    expect(page.locator("#memos")).to_contain_text("stacking courses <b>matters</b>")
    assert page.locator("#memos b").count() == 0  # shown as text, not markup
    coder.shot("reader")

    # the owner's page, open all along, shows the new coding without a reload
    expect(owner.page.locator("#codings li").filter(has_text="modular · coder · “")).to_have_count(1, timeout=15000)
    assert owner.page.locator("#codings li").count() == before + 1
    owner.page.get_by_role("link", name="Agreement").click()
    owner.page.wait_for_selector("text=Disagreements")
    assert owner.page.get_by_role("cell", name="(all codes)").count() == 1
    owner.shot("agreement")
    owner.page.get_by_role("link", name="Codebook").click()
    owner.shot("codebook")
    for watched in (owner, coder):
        assert watched.errors == [] and watched.elsewhere == []


def test_someone_starts_by_the_open_link(example: Study, tmp_path: Path, browser: Any) -> None:
    """The open link's consent page carries what starting needs: tick, start, and the questionnaire is theirs."""
    path = example.folder / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nquestionnaire: {open_link: true}\n", encoding="utf-8")
    slug = example.folder.name
    with running_server(example.folder, log=tmp_path / "server.log") as (base, _):
        phone = Watched(browser, base, viewport={"width": 390, "height": 844}, is_mobile=True)
        page = phone.page
        page.goto(f"{base}/s/{slug}/open")
        phone.shot("open-consent")
        page.get_by_label("I have read this and I agree to take part").check()
        page.get_by_role("button", name="Start").click()
        page.wait_for_url(f"{base}/s/{slug}/q/**")
        page.get_by_label("Age (years)").fill("31")
        page.get_by_role("button", name="Save and continue later").click()
        assert "Your answers are saved" in page.get_by_role("status").inner_text()
        assert phone.errors == [] and phone.elsewhere == []


def test_coder_codes_an_open_answer(served: tuple[str, str, Study], browser: Any) -> None:
    """The open question's answers in the reader: one block per answer under the respondent's pseudonym, select→code."""
    import re

    from playwright.sync_api import expect

    base, _, study = served
    slug = study.folder.name
    coder = Watched(browser, base, viewport={"width": 1280, "height": 900})
    sign_in(coder, base, slug, "coder")
    page = coder.page
    page.get_by_role("link", name="open:anything_else").click()
    page.wait_for_selector("#text .turn")
    blocks = page.locator("#text .turn")
    assert blocks.count() == 28
    assert all(re.fullmatch(r"[PS]\d\d: ", w) for w in page.locator("#text .turn .who").all_inner_texts())
    assert page.locator("#text .turn").nth(0).evaluate("e => getComputedStyle(e).display") == "block"
    answer = blocks.filter(has_text="Real cases from the sector")
    answer.locator("span[data-offset]").first.select_text()
    expect(page.locator("#selection")).to_contain_text("Selected: ")
    page.get_by_label("Code", exact=True).select_option("open_practical")
    page.get_by_role("button", name="Code selection").click()
    expect(page.locator("#status")).to_have_text("Coded as open_practical.")
    expect(page.locator("#codings li").filter(has_text="open_practical · coder · “Real cases")).to_have_count(1)
    coder.shot("reader-open-answers")
    assert coder.errors == [] and coder.elsewhere == []


def test_undo_buttons_take_back_ones_own_last_change(served: tuple[str, str, Study], browser: Any) -> None:
    """A coder undoes a coding in the reader; the owner undoes a rename on the codebook page."""
    from playwright.sync_api import expect

    base, _, study = served
    slug = study.folder.name
    coder = Watched(browser, base, viewport={"width": 1280, "height": 900})
    sign_in(coder, base, slug, "coder")
    page = coder.page
    page.goto(f"{base}/s/{slug}/documents/FG3")
    page.wait_for_selector("#text .turn")
    page.locator("#text .turn").nth(1).locator("span[data-offset]").first.select_text()
    page.get_by_label("Code", exact=True).select_option("modular")
    page.get_by_role("button", name="Code selection").click()
    expect(page.locator("#status")).to_have_text("Coded as modular.")
    mine = page.locator("#codings li").filter(has_text="modular · coder · “")
    expect(mine).to_have_count(1)
    page.get_by_role("button", name="Undo my last change").click()
    expect(page.locator("#status")).to_have_text("Undone: add 1 coding(s).")
    expect(mine).to_have_count(0)
    coder.shot("reader-undone")

    owner = Watched(browser, base, viewport={"width": 1280, "height": 900})
    sign_in(owner, base, slug, "owner")
    owner.page.get_by_role("link", name="Codebook").click()
    form = owner.page.get_by_role("form", name="Rename a code")
    form.get_by_label("Code").select_option("price")
    form.get_by_label("New name").fill("Price and fees")
    form.get_by_role("button", name="Rename").click()
    expect(owner.page.get_by_role("cell", name="Price and fees", exact=True)).to_have_count(1)
    owner.page.get_by_role("button", name="Undo my last change").click()
    expect(owner.page.get_by_role("cell", name="Price and fees", exact=True)).to_have_count(0)
    expect(owner.page.locator("ol.history li").first).to_contain_text("undone")
    owner.shot("codebook-undone")
    for watched in (owner, coder):
        assert watched.errors == [] and watched.elsewhere == []


def test_a_folder_of_codes_is_marked_and_not_offered(served: tuple[str, str, Study], browser: Any) -> None:
    """The owner makes "motivation" a folder on the codebook page: the tree marks it, the reader's code menu no
    longer offers it (its sub-codes stay), and undo makes it codable again."""
    from playwright.sync_api import expect

    base, _, study = served
    slug = study.folder.name
    owner = Watched(browser, base, viewport={"width": 1280, "height": 900})
    sign_in(owner, base, slug, "owner")
    page = owner.page
    page.get_by_role("link", name="Codebook").click()
    form = page.get_by_role("form", name="Codable or a folder")
    form.get_by_label("Code", exact=True).select_option("motivation")
    form.get_by_label("Text may be coded with it").select_option("false")
    form.get_by_role("button", name="Codable or folder").click()
    expect(page.locator("tr.folder")).to_have_count(1)
    expect(page.locator("tr.folder .badge")).to_have_text("folder")
    owner.shot("codebook-folder")

    coder = Watched(browser, base, viewport={"width": 1280, "height": 900})
    sign_in(coder, base, slug, "coder")
    coder.page.goto(f"{base}/s/{slug}/documents/FG2")
    coder.page.wait_for_selector("#text .turn")
    offered = coder.page.locator("#code-select option").evaluate_all("os => os.map(o => o.value)")
    assert "motivation" not in offered and "pleasure" in offered
    page.get_by_role("button", name="Undo my last change").click()
    expect(page.locator("tr.folder")).to_have_count(0)
    coder.page.reload()
    coder.page.wait_for_selector("#text .turn")
    assert "motivation" in coder.page.locator("#code-select option").evaluate_all("os => os.map(o => o.value)")
    for watched in (owner, coder):
        assert watched.errors == [] and watched.elsewhere == []
