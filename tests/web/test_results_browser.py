"""The results page in a real browser (Debian's chromium driven by Playwright): the owner reads the tables and
charts, splits them by a subgroup and downloads the report; a coder, while coding is blind, sees the survey only, and
a split by a personal variable without its small groups.

Screenshots go to test-artifacts/web-results-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnervoice.study.load import Study

from .test_browser import Watched, browser, served, sign_in

__all__ = ["browser", "served"]  # the fixtures, shared with the workbench's browser tests


def test_owner_reads_splits_and_downloads_a_coder_sees_the_survey(
        served: tuple[str, str, Study], browser: Any, tmp_path: Path) -> None:
    from docx import Document
    from playwright.sync_api import expect

    base, _, study = served
    slug = study.folder.name
    slow = 120_000  # ms: a page of every table and chart, and a report built on request, on a busy test machine
    owner = Watched(browser, base, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    owner.page.set_default_timeout(slow)
    sign_in(owner, base, slug, "owner")
    page = owner.page
    page.get_by_role("navigation", name="Study").get_by_role("link", name="Results").click()
    expect(page.get_by_role("heading", name="Results", exact=True)).to_be_visible(timeout=slow)
    familiar = page.get_by_role("table", name="Are you familiar with micro-credentials?", exact=True)
    expect(familiar.get_by_role("row", name="No 22 55.0%")).to_be_visible()  # the paper's Table 2
    charts = page.locator("figure.chart img")
    assert charts.count() > 10
    charts.first.scroll_into_view_if_needed()
    page.wait_for_function("[...document.querySelectorAll('figure.chart img')].every(i => i.complete && i.naturalWidth > 0)")
    expect(page.get_by_role("table", name="Joint display: Course length", exact=True)).to_be_visible()
    owner.shot("results")

    page.get_by_label("Split by").select_option(label="Career stage")
    page.get_by_label("Question").select_option(label="Are you familiar with micro-credentials?")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/results?by=career_stage&question=familiar")
    split = page.get_by_role("table", name="Are you familiar with micro-credentials? by Career stage", exact=True)
    expect(split).to_be_visible(timeout=slow)
    expect(page.get_by_label("Split by")).to_have_value("career_stage")
    owner.shot("results-by")

    with page.expect_download(timeout=slow) as html_download:
        page.get_by_role("link", name="Download the report (HTML)").click()
    assert html_download.value.suggested_filename == f"{slug}-report.html"
    saved = tmp_path / "report.html"
    html_download.value.save_as(saved)
    assert "preferences for micro-credentials — a re-analysis</h1>" in saved.read_text(encoding="utf-8")
    with page.expect_download(timeout=slow) as docx_download:
        page.get_by_role("link", name="Download the report (Word, DOCX)").click()
    assert docx_download.value.suggested_filename == f"{slug}-report.docx"
    docx_download.value.save_as(tmp_path / "report.docx")
    assert any(t.rows[0].cells[0].text == "Are you familiar with micro-credentials?"
               for t in Document(str(tmp_path / "report.docx")).tables)

    coder = Watched(browser, base, viewport={"width": 390, "height": 844}, is_mobile=True)
    coder.page.set_default_timeout(slow)
    sign_in(coder, base, slug, "coder")
    coder.page.goto(f"{base}/s/{slug}/results?by=status&question=age")
    age = coder.page.get_by_role("table", name="Age (years) by Professional status", exact=True)
    expect(age).to_be_visible(timeout=slow)
    expect(coder.page.get_by_text("2 groups of fewer than 3 people are not shown.")).to_be_visible()  # status: personal
    expect(coder.page.get_by_role("columnheader", name="Inactive Recount")).to_have_count(0)  # its group of 2 is not on the page
    expect(coder.page.get_by_text("The joint displays are made from the focus-group codings")).to_be_visible()
    assert coder.page.get_by_role("link", name="Download the report (HTML)").count() == 0
    assert coder.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # wide tables scroll inside
    coder.shot("results-phone")
    for watched in (owner, coder):
        assert watched.errors == [] and watched.elsewhere == []
