"""Snapshots of the example's rendered tables and report: a change in layout or figures shows up in review.

Regenerate after an intended change with:  LEARNERVOICE_UPDATE_SNAPSHOTS=1 make test

The report is pinned whole: Markdown as text, HTML as text with its charts' SVG left out (matplotlib's
output changes with its version; the charts' alt text is tested in test_report.py), DOCX's
word/document.xml by hash. The appendix's list of software versions is left out of all three.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.report.assemble import build_report
from learnervoice.report.formats import render_text
from learnervoice.report.model import Report
from learnervoice.report.writers import docx, html, md
from learnervoice.mixed.tables import crosstab_tables, frequency_tables
from learnervoice.study import open_study
from learnervoice.workspace import open_workspace
from learnervoice.study.load import Study

from ..conftest import EXAMPLE

SNAPSHOTS = Path(__file__).parent / "snapshots"
SOFTWARE = re.compile(r"Software: [^<\n]*?\.(?=<|\n|$)")


def _check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("LEARNERVOICE_UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no snapshot {name}; run with LEARNERVOICE_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_example_frequencies(example: Study, fmt: str) -> None:
    _check(f"example_tables.{fmt}", render_text(frequency_tables(example), fmt, intervals=(fmt == "md")))


def test_example_crosstabs(example: Study) -> None:
    tables = crosstab_tables(example, "career_stage", questions=["familiar", "motivations", "online_sync", "hours"])
    _check("example_by_career_stage.md", render_text(tables, "md"))


def test_example_tables_through_the_cli(example: Study) -> None:
    """`tables --format csv` (released through the disclosure gate) prints the pinned tidy CSV."""
    result = CliRunner().invoke(app, ["tables", str(example.folder), "--format", "csv"])
    assert result.exit_code == 0, result.output
    _check("example_tables.csv", result.stdout)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The example's report, built once for the module."""
    target = tmp_path_factory.mktemp("report") / "example"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".learnervoice", "tables.html", "qual.sqlite*",
                                                                    "report.html", "report.docx", "qual_snapshot"))
    open_workspace(target).close()  # as every command opens the study
    return build_report(open_study(target))


def _unversioned(text: str) -> str:
    return SOFTWARE.sub("Software: (versions)", text)


def test_example_report_markdown(report: Report) -> None:
    _check("example_report.md", _unversioned(md.render_report(report)))


def test_example_report_html(report: Report) -> None:
    page = html.render_report(report)
    assert page.count("<svg") == 27
    _check("example_report.html", re.sub(r"<svg\b.*?</svg>", "<svg><!-- chart --></svg>", _unversioned(page), flags=re.S))


def test_example_report_docx(report: Report, tmp_path: Path) -> None:
    docx.save_report(report, tmp_path / "r.docx")
    with zipfile.ZipFile(tmp_path / "r.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    _check("example_report.docx.sha256", hashlib.sha256(_unversioned(xml).encode()).hexdigest() + "  word/document.xml\n")
