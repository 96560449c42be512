"""Drawing participants: criteria, quotas per stratum, a seed, a record without names; clear errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import SamplingError
from learnervoice.study.load import Study
from learnervoice.survey.sampling import SamplingPlan, draw_sample


def population(tmp_path: Path) -> Path:
    rows = []
    for i in range(200):
        rows.append({"id": f"A{i:03d}", "name": f"Person {i}", "year": str(2017 + (i // 7) % 6),
                     "gender": "woman" if i % 3 else "man", "age_band": "36-45" if i % 2 else "46-55"})
    path = tmp_path / "alumni.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_quotas_per_stratum_with_a_seed(tmp_path: Path) -> None:
    path = population(tmp_path)
    plan = SamplingPlan(id_column="id", where={"year": ("2019", "2020", "2021")}, strata=("gender", "age_band"),
                        per_stratum=5, quotas={"man / 46-55": 40}, seed=7)
    drawn = draw_sample(path, plan)
    frame = pd.read_csv(path, dtype=str)
    eligible = frame[frame["year"].isin(["2019", "2020", "2021"])]
    by_stratum = {r["stratum"]: r for r in drawn.record["by_stratum"]}
    # by hand: eligible rows per stratum, and the quota met or short
    for stratum, rows in eligible.groupby(["gender", "age_band"]):
        key = " / ".join(stratum)
        assert by_stratum[key]["eligible"] == len(rows)
    assert by_stratum["woman / 36-45"]["drawn"] == 5
    assert by_stratum["man / 46-55"]["drawn"] == by_stratum["man / 46-55"]["eligible"] < 40  # short, and said so
    assert set(drawn.people["year"]) <= {"2019", "2020", "2021"} and drawn.people["id"].is_unique
    again = draw_sample(path, plan)
    assert list(again.people["id"]) == list(drawn.people["id"])  # the seed makes it repeatable
    other = draw_sample(path, plan.model_copy(update={"seed": 8}))
    assert list(other.people["id"]) != list(drawn.people["id"])
    assert "Person" not in str(drawn.record)  # the record names no one


def test_bad_population_files_name_the_place(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,gender\nA1,man\nA1,woman\n", encoding="utf-8")
    with pytest.raises(SamplingError, match=r"p.csv, row 3, column 'id': id 'A1' appears twice"):
        draw_sample(path, SamplingPlan(id_column="id"))
    with pytest.raises(SamplingError, match="no column 'year'"):
        draw_sample(path, SamplingPlan(id_column="id", where={"year": ("2020",)}))
    path.write_text("id,gender\nA1,man\nA2,woman\n", encoding="utf-8")
    with pytest.raises(SamplingError, match="quota for stratum 'other'"):
        draw_sample(path, SamplingPlan(id_column="id", strata=("gender",), quotas={"other": 1}))


def test_sample_command_writes_people_privately_and_the_record_for_the_appendix(example: Study, tmp_path: Path) -> None:
    path = population(tmp_path)
    result = CliRunner().invoke(app, ["sample", str(path), "--id", "id", "--where", "year=2019,2020", "--strata",
                                      "gender", "--per-stratum", "4", "--seed", "3", "--study", str(example.folder)])
    assert result.exit_code == 0, result.output
    people = pd.read_csv(example.folder / "private" / "sample.csv")
    assert len(people) == 8 and (example.folder / "private" / "sample.csv").stat().st_mode & 0o077 == 0
    record = (example.folder / "sampling.yaml").read_text(encoding="utf-8")
    assert "seed: 3" in record and "Person" not in record
    from learnervoice.report.write import write_report

    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Sampling: from 200 people in alumni.csv" in md and "seed 3; 8 drawn." in md
    record_before = (example.folder / "sampling.yaml").read_bytes()
    bad = CliRunner().invoke(app, ["sample", str(path), "--id", "id", "--where", "year", "--study", str(example.folder)])
    assert bad.exit_code == 2 and "write COLUMN=VALUE1,VALUE2" in bad.output
    missing = CliRunner().invoke(app, ["sample", str(path), "--id", "nope", "--study", str(example.folder)])
    assert missing.exit_code == 2 and "no column 'nope'" in missing.output
    assert (example.folder / "sampling.yaml").read_bytes() == record_before  # the record is as it was
    assert len(pd.read_csv(example.folder / "private" / "sample.csv")) == 8
