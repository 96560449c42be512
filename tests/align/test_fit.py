"""Offer alignment on the example: per-dimension and joint fits checked by hand from the responses file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from learnervoice.align.catalogue import read_catalogue
from learnervoice.align.fit import align, best_change, joint_fit, load_dimensions
from learnervoice.cli import app
from learnervoice.study.load import Study


def hand_fits(example: Study) -> dict[str, tuple[int, int]]:
    """DA-01 (online, 10% live, 6 weeks = 1.38 months, night and weekend, 5 h/week) against each respondent, by hand."""
    raw = pd.read_csv(example.folder / "data" / "responses.csv", dtype=str, keep_default_na=False)
    mode = raw["Do you prefer a course..."]
    sync = raw["If online, do you prefer a course..."]
    length = raw["Ideal length (months)"]
    schedule = raw["Ideal schedule"]
    dedication = raw["Ideal dedication"]
    hours = pd.to_numeric(raw["Hours a week dedication"], errors="coerce")
    asked_sync = mode.str.contains("Online|mixed")
    return {
        "Online or face-to-face": (int(mode.str.contains("Online").sum()), int((mode != "").sum())),
        "Synchronous share": (int((asked_sync & sync.str.startswith("Asynchronous")).sum()), int((asked_sync & (sync != "")).sum())),
        "Length": (int(length.str.contains("From 1 to 2").sum()), int((length != "").sum())),
        "Schedule": (int(schedule.isin(["Night", "Weekend"]).sum()), int((schedule != "").sum())),
        "Full or part time": (int((dedication == "Part time").sum()), int((dedication != "").sum())),
        "Hours a week": (int(hours.between(1, 5).sum()), int(hours.notna().sum())),
    }


def test_per_dimension_and_joint_fit_match_a_hand_computation(example: Study) -> None:
    catalogue = read_catalogue(example.folder / "catalogue.csv")
    result = align(example, catalogue)
    da = next(f for f in result.offers if f.offer.id == "DA-01")
    assert {label: (f.met, f.base) for label, f in da.dimensions.items() if f} == hand_fits(example)

    raw = pd.read_csv(example.folder / "data" / "responses.csv", dtype=str, keep_default_na=False)
    met = stated = 0
    for _, r in raw.iterrows():  # respondent by respondent: every stated preference met
        checks = []
        checks.append(("Online" in r["Do you prefer a course..."]) if r["Do you prefer a course..."] else None)
        asked = any(m in r["Do you prefer a course..."] for m in ("Online", "mixed"))
        s = r["If online, do you prefer a course..."]
        checks.append(s.startswith("Asynchronous") if asked and s else None)
        checks.append("From 1 to 2" in r["Ideal length (months)"] if r["Ideal length (months)"] else None)
        checks.append(r["Ideal schedule"] in ("Night", "Weekend") if r["Ideal schedule"] else None)
        checks.append(r["Ideal dedication"] == "Part time" if r["Ideal dedication"] else None)
        h = r["Hours a week dedication"]
        checks.append(1 <= float(h) <= 5 if h else None)
        given = [c for c in checks if c is not None]
        if given:
            stated += 1
            met += all(given)
    assert (da.joint.met, da.joint.base) == (met, stated)
    assert [f.offer.id for f in result.offers][0] == "DA-01"  # the only offer any respondent fully fits
    low, high = da.joint.interval
    assert low < da.joint.share < high


def test_best_change_and_best_design(example: Study) -> None:
    catalogue = read_catalogue(example.folder / "catalogue.csv")
    dims, _, _ = load_dimensions(example, [])
    offer = catalogue.offer("CY-07")
    before = joint_fit(dims, offer)
    change = best_change(dims, offer, before)
    assert change is not None and change.fit.share > before.share
    # the change it names, made by hand, gives the figure it announces
    if change.field == "schedule":
        changed = offer.model_copy(update={"schedule": (*offer.schedule, change.after.split(", ")[-1])})
        assert joint_fit(dims, changed) == change.fit
    result = align(example, catalogue)
    assert result.best_design_fit.met >= max(f.joint.met for f in result.offers)
    assert set(result.best_design) == {"Participation", "Synchronous share", "Length", "Schedule", "Hours a week"}


def test_subgroups_split_the_joint_fit(example: Study) -> None:
    result = align(example, read_catalogue(example.folder / "catalogue.csv"), ["career_stage", "motivation_kind"])
    da = next(f for f in result.offers if f.offer.id == "DA-01")
    stages = da.groups["Career stage"]
    assert sum(f.base for f in stages.values()) == da.joint.base
    assert sum(f.met for f in stages.values()) == da.joint.met
    assert set(da.groups["Motivation"]) == {"Mainly personal", "Mainly professional", "Personal and professional alike"}


def test_align_command_ranks_in_every_format(example: Study, tmp_path: Path) -> None:
    runner = CliRunner()
    catalogue = str(example.folder / "catalogue.csv")
    table = runner.invoke(app, ["align", str(example.folder), catalogue])
    assert table.exit_code == 0, table.output
    assert "Offers ranked by joint fit" in table.output and "DA-01" in table.output
    as_json = json.loads(runner.invoke(app, ["align", str(example.folder), catalogue, "-f", "json"]).output)
    assert [r["rank"] for r in as_json] == list(range(1, 9)) and as_json[0]["offer"] == "DA-01"
    csv_out = runner.invoke(app, ["align", str(example.folder), catalogue, "-f", "csv"]).output
    assert csv_out.splitlines()[0].startswith("rank,offer,title,joint_met")
    html = runner.invoke(app, ["align", str(example.folder), catalogue, "-f", "html", "-o", str(tmp_path / "a.html")])
    assert html.exit_code == 0 and "Joint fit by subgroup" in (tmp_path / "a.html").read_text(encoding="utf-8")


def test_the_report_gains_an_alignment_section(example: Study, tmp_path: Path) -> None:
    from learnervoice.report.write import write_report

    md = write_report(example, tmp_path / "r.md").read_text(encoding="utf-8")
    section = md.split("## Alignment of the offers with what learners asked for", 1)[1].split("## Methods appendix", 1)[0]
    assert "**Offers ranked by joint fit**" in section and "**Joint fit by subgroup**" in section


def test_alignment_rules_are_checked(tmp_path: Path) -> None:
    from learnervoice.errors import StudyError

    from ..conftest import write_study

    base = ("title: t\nconsent: ok\nquestions:\n  - {id: mode, text: Mode, type: single, options: [{code: a, label: A}]}\n"
            "alignment:\n")
    with pytest.raises(StudyError, match="has no option"):
        write_study(tmp_path / "a", base + "  - {question: mode, field: participation, values: {zz: [online]}}\n")
    with pytest.raises(StudyError, match="is a number; give 'ranges'"):
        write_study(tmp_path / "b", base + "  - {question: mode, field: price, values: {a: [online]}}\n")


def test_a_bad_catalogue_stops_align_with_the_place(example: Study, tmp_path: Path) -> None:
    bad = tmp_path / "c.csv"
    bad.write_text("id,title,awarding_body,country,participation\nX1,A,U,ES,by pigeon\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["align", str(example.folder), str(bad)])
    assert result.exit_code == 2 and "c.csv, row 2, field 'participation'" in result.output
