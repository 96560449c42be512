"""`audit` on what `tables` prints finds nothing: every table of the example (overall, by each subgroup, on each
base) and of random studies (weights, multiple response, empty options, small and odd bases)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from learnervoice.stats.tables import frequency_tables
from learnervoice.cli import app
from learnervoice.stats.audit import audit_table
from learnervoice.study.load import Study
from learnervoice.survey.importer import import_responses

from ..conftest import write_study


def _audit_tables_output(study: Path, tmp_path: Path, *args: str) -> list[str]:
    """Run `tables … --format csv -o FILE`, then `audit FILE --study`; the verdict lines that are not consistent."""
    out = tmp_path / f"t{abs(hash(args))}.csv"
    made = CliRunner().invoke(app, ["tables", str(study), "--format", "csv", "-o", str(out), *args])
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(app, ["audit", str(out), "--study", str(study)])
    assert checked.exit_code == 0, checked.output
    assert checked.output.rstrip().endswith("questions have inconsistencies")
    assert checked.output.rstrip().splitlines()[-1].startswith("0 of "), checked.output
    return [line for line in checked.output.splitlines() if "INCONSISTENT" in line]


@pytest.mark.parametrize("args", [(), ("--by", "career_stage"), ("--by", "motivation_kind"), ("--base", "cases"),
                                  ("--base", "responses"), ("--by", "familiar", "--base", "cases")])
def test_every_table_the_example_prints(example: Study, tmp_path: Path, args: tuple[str, ...]) -> None:
    assert _audit_tables_output(example.folder, tmp_path, *args) == []


def test_the_example_prints_what_the_audit_reads(example: Study, tmp_path: Path) -> None:
    """The csv's printed figures are the Markdown's, and the audit checks every one of them."""
    md = CliRunner().invoke(app, ["tables", str(example.folder)]).stdout
    out = tmp_path / "t.csv"
    CliRunner().invoke(app, ["tables", str(example.folder), "-f", "csv", "-o", str(out)])
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    items = {i for b in frequency_tables(example).batteries for i in b.item_ids}  # a grid prints as one table
    for row in frame[(frame["percent_printed"] != "") & ~frame["question_id"].isin(items)].itertuples():
        assert f"| {row.option} | {row.count} | {row.percent_printed}% |" in md.replace("\\", ""), row
    results = audit_table(out)
    assert sum(len(a.unexplained) for a in results) == 0
    assert {a.verdict for a in results} == {"consistent", "nothing to check"}  # experience: a number, no % printed


RANDOM_STUDY = """
title: Random
consent: ok
weight: wt
tables: {{rounding: {rounding}}}
questions:
  - {{id: g, text: Group, type: single, options: [{{code: a, label: A}}, {{code: b, label: B}}, {{code: c, label: C}}]}}
  - id: s
    text: Single
    type: single
    options: [{{code: "1", label: One}}, {{code: "2", label: Two}}, {{code: "3", label: Three}}, {{code: "4", label: Never}}]
  - id: m
    text: Several
    type: multiple
    base: {base}
    options: [{{code: x, label: X}}, {{code: y, label: Y}}, {{code: z, label: Z}}, {{code: w, label: W}}]
  - {{id: wt, text: Weight, type: numeric}}
"""


def _random_study(tmp_path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    n = int(rng.choice([7, 16, 53, 160, 411]))
    ticks = [";".join(sorted(set(rng.choice(["X", "Y", "Z"], int(rng.integers(0, 4)))))) for _ in range(n)]
    frame = pd.DataFrame({
        "id": [f"r{i}" for i in range(n)],
        "g": rng.choice(["A", "B", "C", ""], n, p=[0.5, 0.3, 0.15, 0.05]),
        "s": rng.choice(["One", "Two", "Three", ""], n, p=[0.45, 0.35, 0.15, 0.05]),  # 'Never': an empty option
        "m": ticks,
        "wt": rng.uniform(0.3, 3.0, n).round(3),
    })
    frame.to_csv(tmp_path / f"r{seed}.csv", index=False)
    text = RANDOM_STUDY.format(rounding=["half_up", "half_even"][seed % 2], base=["cases", "responses"][seed // 2 % 2])
    study = write_study(tmp_path / f"s{seed}", text)
    import_responses(study, tmp_path / f"r{seed}.csv", mapping={"questions": {"m": {"column": "m", "separator": ";"}}})
    return study.folder


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_studies(tmp_path: Path, seed: int) -> None:
    folder = _random_study(tmp_path, seed)
    for args in [(), ("--by", "g"), ("--base", "cases"), ("--by", "s", "--base", "responses"), ("--unweighted",)]:
        assert _audit_tables_output(folder, tmp_path, *args) == [], args
