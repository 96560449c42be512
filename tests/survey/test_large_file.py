"""A 200 MB response file streams through the import in chunks: bounded memory, all rows stored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import write_study

STUDY = """
title: Large
consent: ok
questions:
  - id: mode
    text: Mode
    type: single
    options: [{code: online, label: Online}, {code: onsite, label: Face-to-face}, {code: mixed, label: Mixed}]
  - id: hours
    text: Hours
    type: numeric
  - id: comment
    text: Comment
    type: text
"""

CHILD = """
import json, sys
from learnervoice.study import open_study
from learnervoice.survey.importer import import_responses
report = import_responses(open_study(sys.argv[1]), sys.argv[2])
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps({"rows": report.rows, "peak_mb": peak}))
"""


def _write(path: Path, megabytes: int) -> int:
    comment = "I would like shorter courses with a synchronous session every other week " * 2
    labels = ("Online", "Face-to-face", "Mixed")
    block = "".join(f"r{{}}_{i},{labels[i % 3]},{i % 40},{comment}\n" for i in range(1000))
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,mode,hours,comment\n")
        n = 0
        while fh.tell() < megabytes * 1024 * 1024:
            fh.write(block.replace("{}", str(n)))
            n += 1
    return n * 1000


def _import_peak(tmp_path: Path, megabytes: int) -> dict[str, float]:
    study = write_study(tmp_path / f"s{megabytes}", STUDY)
    path = tmp_path / f"big{megabytes}.csv"
    rows = _write(path, megabytes)
    out = subprocess.run([sys.executable, "-c", CHILD, str(study.folder), str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["rows"] == rows
    path.unlink()
    return result


@pytest.mark.slow
def test_200_mb_file_imports_in_bounded_memory(tmp_path: Path) -> None:
    """Four times the data must not cost anything like four times the memory: the file streams in chunks."""
    small = _import_peak(tmp_path, 50)
    large = _import_peak(tmp_path, 200)
    # What grows is DuckDB's buffer pool, capped at IMPORT_MEMORY_LIMIT (128 MB) before it spills to disk;
    # holding the extra 150 MB of text, or its parsed form, in memory would add far more.
    assert large["peak_mb"] < small["peak_mb"] + 200, (small, large)
    assert large["peak_mb"] < 800, large
