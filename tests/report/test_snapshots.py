"""Snapshots of the example's rendered tables: a change in layout or figures shows up in review.

Regenerate after an intended change with:  LEARNERVOICE_UPDATE_SNAPSHOTS=1 make test
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from learnervoice.report.formats import render_text
from learnervoice.mixed.tables import crosstab_tables, frequency_tables
from learnervoice.study.load import Study

SNAPSHOTS = Path(__file__).parent / "snapshots"


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
