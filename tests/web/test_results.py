"""The results page: the same tables as the library (and the report), small groups hidden, charts the CSP allows,
roles and blind coding, bad parameters answered in words, the report downloaded as HTML and DOCX."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

from learnervoice.qual.accounts import get_user
from learnervoice.qual.workbench import open_codings
from learnervoice.report.numbers import fmt_percent

from .conftest import Web

Table = dict[str, Any]


class Tables(HTMLParser):
    """The page's tables: caption, header cells and rows of cell texts, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.images: list[dict[str, str]] = []
        self._cell: list[str] | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "header": [], "rows": [], "class": dict(attrs).get("class", "")})
        elif tag == "caption":
            self._in = "caption"
        elif tag == "tr" and self.tables:
            self._row: list[str] = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append({k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self.tables:
            table = self.tables[-1]
            if not table["header"]:
                table["header"] = self._row
            else:
                table["rows"].append(self._row)

    def handle_data(self, data: str) -> None:
        if self._in == "caption":
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)


def parsed(html: str) -> Tables:
    found = Tables()
    found.feed(html)
    return found


def table(html: str, caption: str) -> Table:
    return next(t for t in parsed(html).tables if t["caption"] == caption)


def open_coding(web: Web) -> None:
    store = web.app.state.sites[web.slug].store  # type: ignore[attr-defined]
    owner = get_user(store, "owner")
    assert owner is not None
    open_codings(store, True, owner)


def test_each_table_holds_the_numbers_of_the_librarys_tableset(web: Web) -> None:
    from learnervoice.mixed.tables import frequency_tables

    page = web.client("owner").get(f"/s/{web.slug}/results")
    assert page.status_code == 200
    shown = parsed(page.text).tables
    tables = frequency_tables(web.study)
    items = {i for b in tables.batteries for i in b.item_ids}  # a grid shows as one table (its own test: below)
    expected = [t for t in tables.frequencies if t.variable_id not in items]  # what `learnervoice tables` prints
    assert [t["caption"] for t in shown if "joint" not in t["class"] and t["caption"] not in
            {b.label for b in tables.batteries}] == [t.label for t in expected]
    for frequency in expected:
        rows = next(t for t in shown if t["caption"] == frequency.label)["rows"]
        for row, option in zip(rows, frequency.rows):
            assert row[:3] == [option.label, str(option.count), fmt_percent(option.percent, decimal_comma=False)], frequency.label
    familiar = table(page.text, "Are you familiar with micro-credentials?")
    assert [r[1] for r in familiar["rows"]] == ["22", "18"]  # the paper's Table 2: No 22, Yes 18 (paper_tables.csv)


def test_a_split_holds_the_librarys_crosstab_and_the_reports_own_block(web: Web) -> None:
    from learnervoice.report.assemble import build_report
    from learnervoice.stats.tables import crosstab_tables

    page = web.client("owner").get(f"/s/{web.slug}/results", params={"by": "career_stage"})
    assert page.status_code == 200 and "Survey tables by career stage" in page.text
    crosstab = next(ct for ct in crosstab_tables(web.study, "career_stage").crosstabs if ct.variable.id == "familiar")
    shown = table(page.text, "Are you familiar with micro-credentials? by Career stage")
    assert [int(c) for c in shown["rows"][1][1::2]] == [col.rows[1].count for col in (*crosstab.columns, crosstab.total)]
    report = build_report(web.study)
    printed = next(b for s in report.sections for b in s.tables if b.title == "Age (years) by Career stage")
    age = table(web.client("owner").get(f"/s/{web.slug}/results", params={"by": "career_stage", "question": "age"}).text,
                "Age (years) by Career stage")
    assert [tuple(r) for r in age["rows"]] == list(printed.rows)  # the report's disclosure control, cell for cell
    assert age["header"] == list(printed.header)


def test_a_group_smaller_than_k_is_hidden_whole(web: Web) -> None:
    """Age by professional status crosses two personal attributes: one full-time student and two inactive
    respondents (k = 3 in report.yaml) — none of their counts shows, and no chart is drawn."""
    page = web.client("viewer").get(f"/s/{web.slug}/results", params={"by": "status", "question": "age"})
    assert page.status_code == 200
    age = table(page.text, "Age (years) by Professional status")
    header = age["header"]
    for group in ("Studying full time without working", "Inactive"):
        n, percent = header.index(f"{group} Recount"), header.index(f"{group} %")  # the example's count word
        assert {row[n] for row in age["rows"]} <= {"·", "<3"} and {row[percent] for row in age["rows"]} == {""}
    assert "Studying full time without working, Inactive: fewer than 3 respondents" in page.text
    assert "Bases: Studying full time without working &lt;3" in page.text
    assert "suppressed (the table crosses two personal attributes); no chart drawn" in page.text
    assert parsed(page.text).images == []
    other = web.client("viewer").get(f"/s/{web.slug}/results", params={"by": "status", "question": "familiar"})
    assert len(parsed(other.text).images) == 1  # not two personal attributes: shown as the report shows it


def test_charts_are_images_the_csp_allows_with_their_figures_in_words(web: Web) -> None:
    import base64

    page = web.client("viewer").get(f"/s/{web.slug}/results")
    assert "img-src 'self' data:" in page.headers["content-security-policy"]
    assert "<svg" not in page.text and " style=" not in page.text  # inline SVG styles would be refused by the CSP
    images = parsed(page.text).images
    assert images and all(i["src"].startswith("data:image/svg+xml;base64,") for i in images)
    familiar = next(i for i in images if i["alt"].startswith("Bar chart of Are you familiar"))
    assert "No 55.0% (22); Yes 45.0% (18)" in familiar["alt"]
    assert base64.b64decode(familiar["src"].split(",", 1)[1]).startswith(b"<svg")


def test_roles_and_blind_coding(web: Web) -> None:
    slug = web.slug
    assert web.client().get(f"/s/{slug}/results", follow_redirects=False).status_code == 303  # to the sign-in page
    assert web.client().get(f"/s/{slug}/api/results").status_code == 401
    assert web.client().get(f"/s/{slug}/results/report.html", follow_redirects=False).status_code == 303
    owner = web.client("owner").get(f"/s/{slug}/results").text
    assert "Joint display: Course length" in owner and "/results/report.docx" in owner
    assert 'value="credentials_preference"' in owner  # a code made a participant variable
    for role in ("viewer", "coder"):  # coding is blind: nothing made from the codings
        client = web.client(role)
        page = client.get(f"/s/{slug}/results")
        assert page.status_code == 200 and "Joint display:" not in page.text
        assert "once the owner opens coding" in page.text and "/results/report.html" not in page.text
        assert 'value="credentials_preference"' not in page.text and "Preference for credentials" not in page.text
        refused = client.get(f"/s/{slug}/results/report.html")
        assert refused.status_code == 403 and "coding is blind" in refused.text
        api = client.get(f"/s/{slug}/api/results", params={"question": "credentials_preference"})
        assert api.status_code == 403 and "focus-group codings" in api.json()["detail"]
        assert client.get(f"/s/{slug}/api/results").json()["joint"] is None
    open_coding(web)
    viewer = web.client("viewer")
    page = viewer.get(f"/s/{slug}/results").text
    assert "Joint display: Course length" in page and 'value="credentials_preference"' in page
    joint = viewer.get(f"/s/{slug}/api/results").json()["joint"]
    assert joint and joint[0]["title"] == "Joint display: Course length"


BAD = [
    ({"by": "nope"}, 400, "no question or derived variable 'nope'; the study has: age"),
    ({"by": "motivations"}, 400, "'motivations' cannot split the tables (a respondent must have one value of it); use one of: age"),
    ({"question": "nope"}, 400, "no question or variable 'nope'; the study has: age, gender"),
    ({"question": ["age", "age"]}, 400, "a question is named twice"),
    ({"by": "career stage"}, 422, "query.by: String should match pattern"),
    ({"by": "x" * 101}, 422, "query.by: String should have at most 100 characters"),
]


def test_bad_parameters_are_answered_in_words(web: Web) -> None:
    client = web.client("owner")
    for params, status, words in BAD:
        api = client.get(f"/s/{web.slug}/api/results", params=params)
        assert api.status_code == status and words in str(api.json()["detail"]), params
        page = client.get(f"/s/{web.slug}/results", params=params)
        assert page.status_code == status and "Traceback" not in page.text
        assert words.replace("'", "&#39;") in page.text, params
    refused = client.get(f"/s/{web.slug}/results/report.pdf")
    assert refused.status_code == 422 and "Input should be &#39;html&#39; or &#39;docx&#39;" in refused.text


def test_the_report_downloads_as_html_and_docx(web: Web) -> None:
    from docx import Document

    from learnervoice.report.write import report_document
    from learnervoice.stats.tables import frequency_tables

    client = web.client("owner")
    page = client.get(f"/s/{web.slug}/results/report.html")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-disposition"] == f'attachment; filename="{web.slug}-report.html"'
    assert page.content == report_document(web.study, "html")  # the library's report, byte for byte
    word = client.get(f"/s/{web.slug}/results/report.docx")
    assert word.status_code == 200
    assert word.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert word.headers["content-disposition"] == f'attachment; filename="{web.slug}-report.docx"'
    document = Document(io.BytesIO(word.content))
    familiar = next(t for t in document.tables if t.rows[0].cells[0].text == "Are you familiar with micro-credentials?")
    counts = [row.cells[1].text for row in familiar.rows[1:]]
    expected = next(t for t in frequency_tables(web.study).frequencies if t.variable_id == "familiar")
    assert counts == [str(r.count) for r in expected.rows]
    assert len(document.tables) > 20 and len(document.inline_shapes) > 10  # every table, and the charts
