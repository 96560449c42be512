"""Suggested codings and candidate themes in a real browser (Debian's chromium driven by Playwright): a coder accepts
one suggestion, rejects the next and sees the one after; the owner names a candidate theme and it becomes a code.

Screenshots go to test-artifacts/web-suggest-*.png and web-themes*.png.
"""

from __future__ import annotations

from typing import Any

from learnervoice.qual import workbench as wb
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.store import QualStore
from learnervoice.study.load import Study

from .test_browser import Watched, browser, served, sign_in

__all__ = ["browser", "served"]  # the fixtures, shared with the workbench's browser tests

SLOW = 60_000  # ms: the first suggestions build the study's features, on a busy test machine


def coded_like_coder_a(study: Study, user: str, code: str) -> None:
    """Half of coder_a's codings of the code, as the user's own (what their suggestions learn from)."""
    store = QualStore.for_study(study)
    try:
        theirs = [(d["name"], c.start, c.end) for d in wb.document_list(store)
                  for c in wb.document_codings(store, d["name"], {"coder_a"}) if c.code == code]
        add_codings(store, [NewCoding(doc, a, b, code, user) for doc, a, b in theirs[::2]], who=user, source="test")
    finally:
        store.close()


def test_coder_accepts_one_rejects_one_and_sees_the_next(served: tuple[str, str, Study], browser: Any) -> None:
    from playwright.sync_api import expect

    base, _, study = served
    slug = study.folder.name
    coded_like_coder_a(study, "coder", "price")
    coder = Watched(browser, base, viewport={"width": 1280, "height": 900})
    coder.page.set_default_timeout(SLOW)
    sign_in(coder, base, slug, "coder")
    page = coder.page
    page.get_by_role("navigation", name="Study").get_by_role("link", name="Suggestions").click()
    page.get_by_label("Code", exact=True).select_option("price")
    page.get_by_role("button", name="Suggest").click()
    expect(page.get_by_role("heading", name="Suggestion 1 of the")).to_be_visible()
    first, where = page.locator("#suggested mark").inner_text(), page.locator("#where").inner_text()
    assert first and page.locator("#suggested").inner_text().strip() != ""
    coder.shot("suggest")

    page.get_by_role("button", name="Accept: code it").click()
    expect(page.get_by_role("status")).to_have_text("Accepted: coded as yours.")
    second = page.locator("#suggested mark").inner_text()
    assert second != first
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("status")).to_have_text("Rejected: it will not be suggested to you again.")
    third = page.locator("#suggested mark").inner_text()
    assert third not in (first, second)
    expect(page.get_by_role("heading", name="Suggestion 1 of the")).to_be_visible()
    coder.shot("suggest-next")

    document = where.rsplit(" · ", 1)[1]  # the accepted one is the coder's coding in the reader now
    page.goto(f"{base}/s/{slug}/documents/{document}")
    expect(page.locator("#codings li").filter(has_text=f"price · coder · “{first[:30]}")).to_have_count(1)
    page.get_by_label("Code", exact=True).select_option("modular")  # the reader's way in: the code chosen there
    page.get_by_role("link", name="Suggestions for this code").click()
    page.wait_for_url("**/suggest?code=modular")
    expect(page.get_by_label("Code", exact=True)).to_have_value("modular")
    assert coder.errors == [] and coder.elsewhere == []


def test_owner_names_a_candidate_theme_and_it_becomes_a_code(served: tuple[str, str, Study], browser: Any) -> None:
    from playwright.sync_api import expect

    base, _, study = served
    slug = study.folder.name
    owner = Watched(browser, base, viewport={"width": 1280, "height": 900})
    owner.page.set_default_timeout(SLOW)
    sign_in(owner, base, slug, "owner")
    page = owner.page
    page.get_by_role("navigation", name="Study").get_by_role("link", name="Themes").click()
    expect(page.get_by_role("heading", name="Candidate themes")).to_be_visible()
    first = page.locator("section.theme").first
    expect(first.locator("blockquote")).not_to_have_count(0)
    owner.shot("themes")
    form = page.get_by_role("form", name="Make theme 1 a code")
    form.get_by_label("Key").fill("theme_first")
    form.get_by_label("Name").fill("A theme we found")
    form.get_by_role("button", name="Make it a code").click()
    page.wait_for_url(f"{base}/s/{slug}/codebook")
    expect(page.get_by_role("cell", name="A theme we found", exact=True)).to_have_count(1)
    expect(page.locator("ol.history li").first).to_contain_text("add code theme_first")
    owner.shot("themes-code")
    assert owner.errors == [] and owner.elsewhere == []
