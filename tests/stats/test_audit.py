"""`learnervoice audit` on the paper's own tables finds its two inconsistencies, with no hint in the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import AuditError
from learnervoice.stats.audit import audit_table


def test_paper_tables(paper_tables: Path) -> None:
    results = {a.question: a for a in audit_table(paper_tables)}
    inconsistent = sorted(q for q, a in results.items() if not a.consistent)
    assert inconsistent == ["Gender", "Motivations to participate in micro-credentials"]
    gender = results["Gender"]
    assert (gender.count_sum, gender.implied_bases[0]) == (42, 41)
    assert [(u.option, u.printed, u.expected) for u in gender.unexplained] == [("Other", "4.8", "4.9")]
    motivations = results["Motivations to participate in micro-credentials"]
    assert (motivations.count_sum, motivations.implied_bases[0]) == (139, 140)
    assert results["Ideal length (months)"].implied_bases[0] == 45


def test_cli_report(paper_tables: Path) -> None:
    result = CliRunner().invoke(app, ["audit", str(paper_tables)])
    assert result.exit_code == 0
    assert "counts sum to 42 but the percentages imply a base of 41" in result.output
    assert "'Other': printed 4.8 where 2/41 gives 4.9" in result.output
    assert "counts sum to 139 but the percentages imply a base of 140" in result.output
    assert "2 of 13 questions have inconsistencies" in result.output


def test_bad_audit_file(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("question,option,count,percent_printed\nQ,A,three,10\n", encoding="utf-8")
    with pytest.raises(AuditError, match=r"row 2, column 'count'"):
        audit_table(f)
    f.write_text("question,option\nQ,A\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", str(f)])
    assert result.exit_code == 2 and "missing column(s) count, percent_printed" in result.output
