"""Import speed: learnervoice's import of a 10^6-row CSV beside DuckDB's own read_csv of it, same run.

    python bench/import.py [--rows 1000000] [--repeats 3]

The file: a respondent id, 12 single-choice items (options written as labels, 5% empty), a
multiple-response item with its ticks joined in one cell, and a whole number (age). Timed in
the same process, alternately, each from a fresh store:
- the baseline: DuckDB's `CREATE TABLE t AS SELECT * FROM read_csv(file)` into a new database
  file, checkpointed (what "loading a CSV into DuckDB" costs on this machine);
- learnervoice: `import_responses` on a fresh study (sniffing, mapping, staging, every cell
  checked, the typed insert, the policies and the import record).
Peak memory: a child process imports what the import uses (the import baseline, VmHWM after
imports), then imports the file; its high-water mark against that baseline.
Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import replace_section  # noqa: E402

DATA = HERE / "data"
DOC = HERE.parent / "docs" / "benchmarks.md"
OPTIONS = [f"o{i}" for i in range(1, 6)]


def make_study(rows: int) -> Path:
    """A study folder with the instrument and the CSV (made once per size, under bench/data)."""
    import numpy as np
    import pandas as pd
    import yaml

    folder = DATA / f"import_{rows}"
    csv = folder / "data" / "responses.csv"
    if csv.exists():
        return folder
    csv.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(rows)
    columns: dict[str, object] = {"respondent_id": np.arange(1, rows + 1).astype(str)}
    labels = np.array(["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"], dtype=object)
    for i in range(1, 13):
        values = labels[rng.integers(0, 5, rows)]
        values[rng.random(rows) < 0.05] = ""
        columns[f"q{i:02d}"] = values
    ticks = rng.random((rows, len(OPTIONS))) < 0.3
    combos = {mask: ";".join(o for o, t in zip(OPTIONS, mask) if t) for mask in {tuple(r) for r in ticks[:5000]}}
    columns["motives"] = [combos.get(tuple(r), ";".join(o for o, t in zip(OPTIONS, r) if t)) for r in ticks]
    columns["age"] = rng.integers(16, 90, rows)
    pd.DataFrame(columns).to_csv(csv, index=False)
    scale = [{"code": str(i + 1), "label": label} for i, label in enumerate(labels)]
    questions = [{"id": f"q{i:02d}", "text": f"Item {i}", "type": "likert", "options": scale} for i in range(1, 13)]
    questions.append({"id": "motives", "text": "Motives", "type": "multiple",
                      "options": [{"code": o, "label": f"Motive {o}", "aliases": [o]} for o in OPTIONS]})
    questions.append({"id": "age", "text": "Age", "type": "numeric", "integer": True, "min": 0, "max": 120})
    study = {"title": "Import benchmark", "consent": "ok", "questions": questions}
    (folder / "study.yaml").write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    return folder


def duckdb_baseline(csv: Path, options: str = "") -> float:
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        con = duckdb.connect(str(Path(tmp) / "baseline.duckdb"))
        con.execute("SET enable_progress_bar = false")
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv}'{options})")
        con.execute("CHECKPOINT")
        con.close()
        return time.perf_counter() - t0


def learnervoice_import(folder: Path) -> tuple[float, int]:
    from learnervoice.study.load import open_study
    from learnervoice.survey.importer import import_responses

    with tempfile.TemporaryDirectory() as tmp:
        study_dir = Path(tmp) / "study"
        study_dir.mkdir()
        shutil.copy(folder / "study.yaml", study_dir / "study.yaml")
        (study_dir / "data").symlink_to(folder / "data")
        study = open_study(study_dir)
        t0 = time.perf_counter()
        report = import_responses(study, study_dir / "data" / "responses.csv")
        return time.perf_counter() - t0, report.rows


CHILD = """
import json, pathlib, sys
def status(field):
    for line in open('/proc/self/status'):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
import duckdb, pandas, learnervoice.survey.importer, learnervoice.study.load
base = status('VmHWM')
sys.path.insert(0, {here!r})
from importlib import import_module
bench = import_module('import')
folder = pathlib.Path({folder!r})
if {task!r} == 'duckdb':
    bench.duckdb_baseline(folder / 'data' / 'responses.csv')
else:
    bench.learnervoice_import(folder)
print(json.dumps({{'after_imports_mb': base, 'peak_mb': status('VmHWM')}}))
"""


def peak_memory(folder: Path, task: str) -> dict[str, float]:
    """The high-water mark of a fresh process that imports the same modules, then runs one task."""
    code = CHILD.format(here=str(HERE), folder=str(folder.resolve()), task=task)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def peak_memories(folder: Path, repeats: int) -> dict[str, float]:
    """Median peaks of each task over `repeats` child processes, alternating."""
    runs: dict[str, list[float]] = {"duckdb": [], "learnervoice": [], "after_imports": []}
    for _ in range(repeats):
        for task in ("duckdb", "learnervoice"):
            found = peak_memory(folder, task)
            runs[task].append(found["peak_mb"])
            runs["after_imports"].append(found["after_imports_mb"])
    return {task: statistics.median(values) for task, values in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = make_study(args.rows)
    csv = folder / "data" / "responses.csv"
    duckdb_baseline(csv)  # warm the file cache and the imports
    base_times, text_times, lv_times = [], [], []
    for _ in range(args.repeats):
        base_times.append(duckdb_baseline(csv))
        text_times.append(duckdb_baseline(csv, ", all_varchar = true"))
        seconds, rows = learnervoice_import(folder)
        lv_times.append(seconds)
        assert rows == args.rows, f"imported {rows} of {args.rows} rows"
    base, text, lv = statistics.median(base_times), statistics.median(text_times), statistics.median(lv_times)
    memory = peak_memories(folder, args.repeats)
    print(f"DuckDB read_csv {base:.2f} s, learnervoice import {lv:.2f} s: {lv / base:.2f}x; "
          f"peak {memory['learnervoice']:.0f} MB / DuckDB's {memory['duckdb']:.0f} MB")
    write_doc(args.rows, csv.stat().st_size, (base, text, lv), memory, args.repeats)


def write_doc(rows: int, size: int, times: tuple[float, float, float], memory: dict[str, float], repeats: int) -> None:
    base, text, lv = times
    lines = [
        "## Import of a large CSV (`bench/import.py`)",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}; medians of {repeats} runs, "
        "alternating, in one process. The file: a respondent id, 12 Likert items written as labels "
        "(5% empty), a multiple-response item joined in one cell, a whole number; "
        f"{rows:,} rows, {size / 1024**2:.0f} MB.",
        "",
        "| task | seconds | ratio |",
        "|:---|---:|---:|",
        f"| DuckDB `read_csv` into a table of a new database file (the baseline) | {base:.2f} | 1.00× |",
        f"| the same with every column text (`all_varchar`), as the store keeps ids and codes | {text:.2f} | {text / base:.2f}× |",
        f"| `learnervoice import` (every cell checked, typed, stored, recorded) | {lv:.2f} | {lv / base:.2f}× |",
        "",
        "Peak memory (VmHWM) of a fresh process that imports DuckDB, pandas and learnervoice and then runs "
        f"one task; medians of {repeats} processes per task:",
        "",
        "| task | peak (MB) | ratio |",
        "|:---|---:|---:|",
        f"| DuckDB `read_csv` into a table (the baseline) | {memory['duckdb']:.0f} | 1.00× |",
        f"| `learnervoice import` | {memory['learnervoice']:.0f} | {memory['learnervoice'] / memory['duckdb']:.2f}× |",
        f"| (the process after its imports, before either task) | {memory['after_imports']:.0f} | "
        f"{memory['after_imports'] / memory['duckdb']:.2f}× |",
        "",
        "Targets (issue 13): the import within 1.5× of DuckDB's own read_csv, its peak memory under 2× the "
        "baseline's. The import reads the file once, in parallel: its first 20,000 rows' cells "
        "stand for the rest (a guarded INSERT stops at a row they do not), and the stored rows are numbered "
        "after the insert (numbering them while reading made DuckDB read in one thread, ~2× slower). Its "
        "memory stays below the baseline's because it gives DuckDB a limit sized by the file's columns "
        "(`survey/staging.memory_mb`: 128 MB here) where a plain `read_csv` may take 80% of the machine; "
        "what it adds above the imports is the insert within that limit, then the duplicate-id check's "
        "hash table over a million ids.",
    ]
    replace_section(DOC, "import", lines)


if __name__ == "__main__":
    main()
