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


def test_a_small_group_of_a_personal_split_is_not_shown_to_anyone(web: Web) -> None:
    """Professional status describes a person (report.yaml's `personal`, k = 3): one full-time student and two
    inactive respondents. Their columns, counts and chart bars are on no one's page, owner's included; each table's
    note says how many groups are left out; the report's own cell control still applies where two personal
    attributes cross (age by status: no chart)."""
    from learnervoice.stats.tables import crosstab_tables

    for role in ("viewer", "coder", "owner"):
        page = web.client(role).get(f"/s/{web.slug}/results", params={"by": "status"})
        assert page.status_code == 200
        assert "Studying full time" not in page.text and "Inactive" not in page.text, role
        assert "groups of fewer than 3 people are not shown, to anyone" in page.text
    crosstab = next(ct for ct in crosstab_tables(web.study, "status").crosstabs if ct.variable.id == "mode")
    mode = table(page.text, f"{crosstab.variable.label} by Professional status")
    assert [h.rsplit(" ", 1)[0] for h in mode["header"][1::2]] == ["Studying part-time while working", "Working",
                                                                   "Unemployed", "Total"]
    kept = [crosstab.columns[i] for i in (1, 2, 3)] + [crosstab.total]  # the library's counts of the groups shown
    assert [[int(c) for c in row[1::2]] for row in mode["rows"]] == [
        [col.rows[r].count for col in kept] for r in range(len(crosstab.variable.options))]
    familiar = table(page.text, "Are you familiar with micro-credentials? by Professional status")
    assert len(familiar["header"]) == 7  # one inactive respondent did not answer: 'Unemployed' (3) goes too
    assert "2 groups of fewer than 3 people are not shown. In this table 1 more group is not shown" in page.text
    age = web.client("viewer").get(f"/s/{web.slug}/results", params={"by": "status", "question": "age"})
    assert "Inactive" not in age.text and parsed(age.text).images == []
    assert "suppressed (the table crosses two personal attributes); no chart drawn" in age.text
    other = web.client("viewer").get(f"/s/{web.slug}/results", params={"by": "status", "question": "familiar"})
    images = parsed(other.text).images
    assert len(images) == 1 and "Inactive" not in images[0]["alt"] and "Working" in images[0]["alt"]
    api = web.client("viewer").get(f"/s/{web.slug}/api/results", params={"by": "status"}).json()
    assert "Inactive" not in str(api["tables"]) and api["withheld"] is None


def test_a_split_with_fewer_than_two_groups_of_k_is_withheld(web: Web) -> None:
    """With k = 18 in report.yaml only 'Working' (19) reaches it: the split by status shows no table, in words."""
    path = web.study.folder / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("k: 3\n", "k: 18\n", 1), encoding="utf-8")
    page = web.client("viewer").get(f"/s/{web.slug}/results", params={"by": "status"})
    assert page.status_code == 200
    assert "The tables are not shown by professional status: fewer than two of its groups have at least 18" in page.text
    assert parsed(page.text).tables == [] or all("joint" in t["class"] for t in parsed(page.text).tables)
    assert "No table: the question chosen" not in page.text
    api = web.client("viewer").get(f"/s/{web.slug}/api/results", params={"by": "status"}).json()
    assert api["tables"] == [] and api["withheld"].startswith("The tables are not shown")
    by_familiar = web.client("viewer").get(f"/s/{web.slug}/results", params={"by": "familiar", "question": "status"})
    assert "Inactive" in table(by_familiar.text, "Professional status by Are you familiar with micro-credentials?")["rows"][4]
    # not a personal split: the report's rule (status is personal, familiarity is not), shown as the report shows it


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


def csv_rows(content: bytes) -> list[list[str]]:
    import csv

    assert content.startswith(b"\xef\xbb\xbf")  # a spreadsheet reads UTF-8 (χ², accents) by its byte-order mark
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_tables_download_as_csv_as_the_page_shows_them(web: Web) -> None:
    client = web.client("viewer")
    params = {"by": "status", "question": ["familiar", "age"]}
    got = client.get(f"/s/{web.slug}/results.csv", params=params)
    assert got.status_code == 200 and got.headers["content-type"] == "text/csv; charset=utf-8"
    assert got.headers["content-disposition"] == f'attachment; filename="{web.slug}-results-by-status.csv"'
    rows = csv_rows(got.content)
    assert rows[1] == ["Split by", "Professional status"]
    assert b"Inactive" not in got.content and b"Studying full time" not in got.content
    for shown in client.get(f"/s/{web.slug}/api/results", params=params).json()["tables"]:  # what the page shows
        at = rows.index([shown["title"]])
        assert rows[at + 1] == shown["header"] and rows[at + 2:at + 2 + len(shown["rows"])] == shown["rows"]
        assert rows[at + 2 + len(shown["rows"])] == shown["notes"][:1]
    assert "Joint display: Course length" not in got.text  # coding is blind for the viewer, as on the page
    assert ["Disclosure control"] in rows
    owner = web.client("owner").get(f"/s/{web.slug}/results.csv")
    assert ["Joint display: Course length"] in csv_rows(owner.content)
    assert owner.headers["content-disposition"] == f'attachment; filename="{web.slug}-results.csv"'
    page = web.client("viewer").get(f"/s/{web.slug}/results", params=params).text
    assert f'href="/s/{web.slug}/results.csv?by=status&amp;question=familiar&amp;question=age"' in page
    bad = client.get(f"/s/{web.slug}/results.csv", params={"by": "nope"})
    assert bad.status_code == 400 and "no question or derived variable" in bad.text


def test_the_csv_neutralises_formulas_and_releases_labels(example_folder: Any) -> None:
    """An option label a spreadsheet would run ('=1+2', '@SUM…', '-2+3') starts with an apostrophe; a name in
    one is released as on the page; numbers stay numbers."""
    from learnervoice.study import open_study

    from .conftest import make_web

    path = example_folder / "study.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('label: "Yes"}', 'label: "=1+2 as Laia Ferrer said"}', 1).replace('label: "No"}', 'label: "-2+3"}', 1)
    path.write_text(text, encoding="utf-8")
    web = make_web(open_study(example_folder))
    try:
        got = web.client("viewer").get(f"/s/{web.slug}/results.csv", params={"question": "familiar"})
    finally:
        for site in web.app.state.sites.values():  # type: ignore[attr-defined]
            site.store.close()
    rows = csv_rows(got.content)
    at = rows.index(["Are you familiar with micro-credentials?"])
    assert rows[at + 2][:2] == ["'-2+3", "22"] and rows[at + 3][:2] == ["'=1+2 as M1 said", "18"]
    assert b"Laia" not in got.content
