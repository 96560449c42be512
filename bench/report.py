"""Benchmark: the example's full report, and `learnervoice --help`, beside same-process baselines.

    python bench/report.py

Baselines: importing the libraries the report needs (the floor any report pays), and starting
the Python interpreter (the floor any command pays). Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import replace_section, timed  # noqa: E402

EXAMPLE = HERE.parent / "examples" / "microcredentials-2023"
DOC = HERE.parent / "docs" / "benchmarks.md"


def run(*args: str) -> None:
    subprocess.run([sys.executable, *args], check=True, capture_output=True)


def main() -> None:
    work = Path(tempfile.mkdtemp()) / "example"
    shutil.copytree(EXAMPLE, work, ignore=shutil.ignore_patterns(".learnervoice", "qual.sqlite*", "report.*ml", "report.docx"))
    cli = [str(Path(sys.executable).with_name("learnervoice"))]
    report_first = timed(lambda: subprocess.run([*cli, "report", str(work), "-o", str(work / "r.html")], check=True,
                                                capture_output=True), repeats=1)
    report = timed(lambda: subprocess.run([*cli, "report", str(work), "-o", str(work / "r.html")], check=True, capture_output=True))
    imports = timed(lambda: run("-c", "import duckdb, pandas, scipy.stats, sqlalchemy, matplotlib.pyplot, docx"))
    help_ = timed(lambda: subprocess.run([*cli, "--help"], check=True, capture_output=True), repeats=5)
    bare = timed(lambda: run("-c", "pass"), repeats=5)
    rows = [("full report of the example (first run: imports the survey and transcripts)", report_first, "imports alone", imports),
            ("full report of the example (store up to date)", report, "imports alone", imports),
            ("learnervoice --help", help_, "python -c pass", bare)]
    lines = ["## Report and command start-up (`bench/report.py`)", "",
             "Whole commands as a user runs them, medians; the baselines are run in the same process.", "",
             "| task | learnervoice (s) | baseline | baseline (s) | ratio |", "|:---|---:|:---|---:|---:|"]
    lines += [f"| {t} | {a:.2f} | {n} | {b:.2f} | {a / b:.1f}× |" for t, a, n, b in rows]
    lines += ["", "Targets (issue 4): the example's full report under 5 s; `learnervoice --help` under 0.3 s."]
    for row in rows:
        print(f"{row[0]:<70} {row[1]:.2f}s   {row[2]} {row[3]:.2f}s")
    replace_section(DOC, "report", lines)


if __name__ == "__main__":
    main()
