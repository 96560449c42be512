"""Scaling: all frequency tables of one synthetic survey at 10^6, 10^7 and 10^8 respondents.

    python bench/scale.py [--duckdb 1000000 10000000 100000000] [--spark 1000000 10000000] [--memory-limit 4GB]

The instrument and data are bench/tables.py's (12 single-choice items, a 10-option
multiple-response item, two binned numerics, a subgroup). The 10^8 file is the
10^7 one ten times over with new ids, so its counts must be exactly ten times
those at 10^7 (checked). Each run is a child process, so its peak memory
(VmHWM, from /proc) is its own:
- DuckDB reading the Parquet file out of core under `memory_limit` (4 GB), learnervoice's
  generated SQL, beside the hand-written GROUPING SETS query on the same file in the same
  process (the baseline);
- Spark local[2] through Ibis, the same SQL; the JVM's peak is read from its /proc entry.
Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import replace_section  # noqa: E402
from tables import DATA, make_data  # noqa: E402

DOC = HERE.parent / "docs" / "benchmarks.md"


def data_for(n: int) -> Path:
    """The survey at n respondents; 10^8 (and any multiple of 10^7) by repeating the 10^7 file."""
    step = 10_000_000
    if n <= step:
        return make_data(n)
    path = DATA / f"survey_{n}.parquet"
    if not path.exists():
        import duckdb

        source = make_data(step)
        work = path.with_suffix(".tmp")
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"COPY (SELECT CAST(copy * {step} + CAST(respondent_id AS BIGINT) AS VARCHAR) AS respondent_id, "
                    f"* EXCLUDE (respondent_id) FROM read_parquet('{source}'), range({n // step}) AS r(copy)) "
                    f"TO '{work}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
        con.close()
        work.rename(path)
    return path


DUCKDB_CHILD = """
import json, sys, time
sys.path.insert(0, {here!r})
from pathlib import Path
import duckdb, pandas, scipy.stats
from learnervoice.stats.engine import parquet_engine
from learnervoice.stats.tables import frequencies_on
from learnervoice.study.model import StudyConfig
from tables import duckdb_runs, instrument

def hwm():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM'):
            return int(line.split()[1]) / 1024

path = Path({path!r})
config = StudyConfig.model_validate(instrument())
base = hwm()
t0 = time.perf_counter()
with parquet_engine(path, memory_limit={limit!r}) as engine:
    tables = frequencies_on(engine, config)
ours = time.perf_counter() - t0
t0 = time.perf_counter()
duckdb_runs(path)['frequencies']()
hand = time.perf_counter() - t0
counts = {{t.variable_id: [r.count for r in t.rows] for t in tables.frequencies}}
print(json.dumps({{'seconds': ours, 'baseline_seconds': hand, 'import_mb': base, 'peak_mb': hwm(), 'counts': counts}}))
"""

SPARK_CHILD = """
import json, sys, time
sys.path.insert(0, {here!r})
from pathlib import Path
from learnervoice.stats.backends import SparkSettings, spark_engine, spark_session
from learnervoice.stats.tables import frequencies_on
from learnervoice.study.model import StudyConfig
from tables import instrument

path = Path({path!r})
config = StudyConfig.model_validate(instrument())
settings = SparkSettings(driver_memory='4g')
t0 = time.perf_counter()
session = spark_session(settings)
start = time.perf_counter() - t0
times = []
for _ in range(2):  # the first run also warms the JVM up
    t0 = time.perf_counter()
    with spark_engine(path, settings) as engine:
        tables = frequencies_on(engine, config)
    times.append(time.perf_counter() - t0)
pid = session.sparkContext._gateway.proc.pid
jvm = next(int(l.split()[1]) / 1024 for l in open(f'/proc/{{pid}}/status') if l.startswith('VmHWM'))
counts = {{t.variable_id: [r.count for r in t.rows] for t in tables.frequencies}}
print(json.dumps({{'seconds': times[-1], 'first_seconds': times[0], 'start_seconds': start, 'peak_mb': jvm, 'counts': counts}}))
"""


def child(code: str, path: Path, limit: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code.format(here=str(HERE), path=str(path), limit=limit)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duckdb", type=int, nargs="*", default=[1_000_000, 10_000_000, 100_000_000])
    parser.add_argument("--spark", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--memory-limit", default="4GB")
    args = parser.parse_args()
    rows = []
    duck: dict[int, dict] = {}
    for n in args.duckdb:
        path = data_for(n)
        duck[n] = result = child(DUCKDB_CHILD, path, args.memory_limit)
        print(f"duckdb {n:,}: {result['seconds']:.2f} s, peak {result['peak_mb']:.0f} MB", flush=True)
        rows.append(("DuckDB", n, result))
    spark: dict[int, dict] = {}
    for n in args.spark:
        spark[n] = result = child(SPARK_CHILD, data_for(n), args.memory_limit)
        print(f"spark {n:,}: {result['seconds']:.2f} s", flush=True)
        rows.append(("Spark local[2]", n, result))
    checks = []
    for engine_runs, name in ((duck, "DuckDB"), (spark, "Spark")):
        for n, r in engine_runs.items():
            if n in duck and r["counts"] != duck[n]["counts"]:
                raise SystemExit(f"{name} and DuckDB disagree at {n}")
    if 10_000_000 in duck and 100_000_000 in duck:
        tenfold = all([10 * x for x in duck[10_000_000]["counts"][k]] == v for k, v in duck[100_000_000]["counts"].items())
        checks.append(f"Counts at 10^8 are exactly ten times those at 10^7: {'yes' if tenfold else 'NO'}.")
    if spark:
        checks.append("Spark's counts equal DuckDB's at every size run on both: yes.")
    lines = [
        "## Scaling (bench/scale.py)",
        "",
        f"All frequency tables of bench/tables.py's survey (12 single-choice items, a 10-option multiple-response item, "
        f"two binned numerics), read from one Parquet file. Machine: {platform.machine()}, {__import__('os').cpu_count()} cores. "
        f"DuckDB under memory_limit = {args.memory_limit}; Spark local[2], driver memory 4g, through Ibis. Each size in its own process.",
        "",
        "| engine | respondents | seconds | s per 10^6 | × previous size | peak memory (MB) | ÷ hand-written DuckDB SQL, same process |",
        "|:---|---:|---:|---:|---:|---:|---:|",
    ]
    previous: dict[str, float] = {}
    for engine, n, r in rows:
        growth = f"{r['seconds'] / previous[engine]:.1f}×" if engine in previous else ""
        previous[engine] = r["seconds"]
        ratio = f"{r['seconds'] / r['baseline_seconds']:.2f}×" if "baseline_seconds" in r else ""
        peak = f"{r['peak_mb']:.0f}" + (" (JVM)" if engine.startswith("Spark") else f" (imports {r['import_mb']:.0f})")
        lines.append(f"| {engine} | {n:,} | {r['seconds']:.2f} | {r['seconds'] / (n / 1e6):.3f} | {growth} | {peak} | {ratio} |")
    if spark:
        first = next(iter(spark.values()))
        lines += ["", f"Spark's first run (JVM warm-up) took {first['first_seconds']:.1f} s and starting the session "
                      f"{first['start_seconds']:.1f} s; the table shows the second run."]
    growth_max = max((b["seconds"] / a["seconds"] for runs in (duck, spark) for a, b in zip(list(runs.values()), list(runs.values())[1:])),
                     default=float("nan"))
    lines += ["", *checks, f"Growth with respondents: each tenfold size took at most {growth_max:.1f}× as long (the '× "
              "previous size' column), so time grows at most linearly; per respondent it falls as fixed costs (opening "
              "the file, planning, the JVM) are shared. See docs/scaling.md for when to move to Spark."]
    replace_section(DOC, "scale", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
