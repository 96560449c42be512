"""Shared fixtures: the example study copied to a temporary folder, the reference samples, study snapshots."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from learnervoice.study import open_study
from learnervoice.study.load import Study

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "microcredentials-2023"
SHARED = ROOT.parent / "shared" / "reference"
SAMPLES = SHARED / "samples"


@pytest.fixture
def samples() -> Path:
    """The real files from other tools (never copied into the repository)."""
    if not SAMPLES.is_dir():
        pytest.skip("../shared/reference/samples is absent")
    return SAMPLES


@pytest.fixture
def paper_tables() -> Path:
    path = SHARED / "paper_tables.csv"
    if not path.is_file():
        pytest.skip("../shared/reference/paper_tables.csv is absent")
    return path


@pytest.fixture
def example(tmp_path: Path) -> Study:
    """A private copy of the bundled example study (no store yet)."""
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".learnervoice", "tables.html", "qual.sqlite*"))
    return open_study(target)


def write_study(folder: Path, yaml_text: str) -> Study:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.yaml").write_text(yaml_text, encoding="utf-8")
    return open_study(folder)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the study folder with a hash of its bytes: to prove nothing changed."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
