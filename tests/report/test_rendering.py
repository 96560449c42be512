"""The report as readers get it: HTML in headless Chromium, DOCX through LibreOffice (Debian packages).

.ci/run installs both; elsewhere these tests skip when the programs are absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


from learnervoice.report.write import write_report
from learnervoice.study.load import Study

from ..conftest import ARTIFACTS, CHROMIUM_FLAGS, program as _program


def test_html_in_headless_chromium(example: Study, tmp_path: Path) -> None:
    chromium = _program("chromium", "chromium-browser")
    from playwright.sync_api import sync_playwright

    report = write_report(example, tmp_path / "report.html")
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        assert page.locator("h1").inner_text().startswith("Learners")
        assert page.locator("table").count() == 43 and page.locator("figure svg[role=img]").count() == 27
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        overflow = page.evaluate("document.body.scrollWidth - window.innerWidth")
        page.screenshot(path=str(ARTIFACTS / "report-phone.png"))
        browser.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests), requests  # nothing from any other host
    assert overflow <= 1  # wide tables scroll inside their box; the page itself does not


def test_docx_through_libreoffice(example: Study, tmp_path: Path) -> None:
    office = _program("libreoffice", "soffice")
    report = write_report(example, tmp_path / "report.docx")
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    for target in ("pdf", "html"):
        subprocess.run([office, profile, "--headless", "--convert-to", target, "--outdir", str(tmp_path), str(report)],
                       check=True, capture_output=True, timeout=300)
    pdf = (tmp_path / "report.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 10 <= pages <= 60, pages
    html = (tmp_path / "report.html").read_text(encoding="utf-8", errors="replace")
    assert html.lower().count("<table") == 43
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "report.pdf", ARTIFACTS / "report.pdf")
