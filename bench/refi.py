"""Benchmark of REFI-QDA import on hostile and large projects (issue 15's cases), each run in a fresh process
so its peak memory is its own.

    python bench/refi.py [--selections 60000] [--sources 200] [--source-kb 150]

- the reference bomb: a ~30 KB .qdpx whose 800 sources point at one 9.9 MB entry (target: refused < 1 s);
- NVivo, CRLF line ends, emoji, 60,000 selections on one source (target: imported < 10 s), beside the same
  project written as by ATLAS.ti and as by the specification (code points: no conversion);
- a large project: many sources of plain text with selections, peak memory beside the texts' size;
- 20,000 codes with one name; a code tree 5,000 deep (refused).
Results replace the `refi` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from common import replace_section  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {src!r})
from learnervoice.errors import ExchangeError
from learnervoice.exchange.projects import import_qdpx
t0 = time.perf_counter()
try:
    r = import_qdpx({path!r}, {folder!r})
    outcome = f"{{r.documents}} sources, {{r.codes}} codes, {{r.codings}} codings"
except ExchangeError as exc:
    outcome = "refused: " + str(exc).split(": ", 1)[1][:90]
seconds = time.perf_counter() - t0
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({{"seconds": seconds, "peak_mb": hwm / 1024,
                  "outcome": outcome}}))
"""


def run(path: Path, work: Path) -> dict[str, object]:
    code = CHILD.format(src=str(ROOT / "src"), path=str(path), folder=str(work / f"study_{path.stem}"))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def baseline_mb() -> float:
    code = ("import resource, sys; sys.path.insert(0, %r); import learnervoice.exchange.projects; "
            "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024)") % str(ROOT / "src")
    return float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)


def large(sources: int, kb: int) -> "object":
    from tests.exchange.generated import Spec

    texts, codings = [], []
    line = "The course helped me at work 🎓, and the forum was kind.\r\n"
    for s in range(sources):
        text = line * (kb * 1024 // len(line.encode()))
        texts.append(text)
        step = len(line)
        codings += [(s, i * step, i * step + step - 2, i % 5, i % 2) for i in range(0, len(text) // step, 4)]
    codes = [(f"Code {i}", None, True, None) for i in range(5)]
    return Spec("MAXQDA 2022", texts, codes, codings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--selections", type=int, default=60_000)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--source-kb", type=int, default=150)
    args = parser.parse_args()
    from dataclasses import replace

    from tests.exchange.generated import Spec, write_qdpx
    from tests.exchange.test_refi_hostile import crlf_project, reference_bomb

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = baseline_mb()
        bomb = reference_bomb(work / "bomb.qdpx")
        rows.append(("800 references to one 9.9 MB entry", bomb, None))
        nvivo = crlf_project(args.selections)
        rows.append((f"NVivo, CRLF, {args.selections:,} selections", write_qdpx(nvivo, work / "nvivo.qdpx"), None))
        atlas = replace(nvivo, origin="ATLAS.ti 23")
        rows.append((f"ATLAS.ti, CRLF, {args.selections:,} selections", write_qdpx(atlas, work / "atlas.qdpx"), None))
        big = large(args.sources, args.source_kb)
        text_mb = sum(len(t.encode()) for t in big.texts) / 1024**2  # type: ignore[attr-defined]
        rows.append((f"{args.sources} sources of {args.source_kb} KB, {len(big.codings):,} selections",  # type: ignore[attr-defined]
                     write_qdpx(big, work / "large.qdpx"), text_mb))  # type: ignore[arg-type]
        same = Spec("MAXQDA 2022", ["Some text.\n"], [("Same", None, True, None)] * 20_000, [(0, 0, 4, 0, 0)])
        rows.append(("20,000 codes with one name", write_qdpx(same, work / "same.qdpx"), None))
        deep = Spec("MAXQDA 2022", ["x y\n"], [("c", None if i == 0 else i - 1, True, None) for i in range(5_000)], [])
        rows.append(("a code tree 5,000 deep", write_qdpx(deep, work / "deep.qdpx"), None))
        lines = [
            "## REFI-QDA import (bench/refi.py)",
            "",
            f"Each case in a fresh process; peak memory is the process's maximum resident size (the interpreter with "
            f"learnervoice's exchange modules loaded takes {base:.0f} MB before reading anything). Python {sys.version.split()[0]}, "
            "on a 2-CPU machine shared with other jobs: times vary by up to half between runs (the NVivo case took "
            "6.7 s on a quiet run, 10.0 s on a busy one).",
            "",
            "| project | archive | time (s) | peak memory (MB) | outcome |",
            "|---|---:|---:|---:|---|",
        ]
        for label, path, texts in rows:
            r = run(path, work)
            memory = f"{r['peak_mb']:.0f}" + (f" (texts: {texts:.0f} MB)" if texts else "")
            lines.append(f"| {label} | {path.stat().st_size / 1024:,.0f} KB | {float(r['seconds']):.2f} | {memory} | {r['outcome']} |")  # type: ignore[arg-type]
            print(lines[-1], flush=True)
    lines += ["", "Targets from issue 15: the reference bomb refused in under 1 s with bounded memory; NVivo with CRLF and "
              "60,000 selections imported in under 10 s (it ran for more than 300 s when each position counted the CRLFs "
              "before it from the start of the text; the issue's file was 377 KB of text, these lines are longer).",
              "",
              "Memory: project.qde is read as a stream, so what stays is the texts and the selections. Python holds a text "
              "that contains an emoji at 4 bytes per character (the large case puts one on every line: its 29 MB of UTF-8 "
              "are about 116 MB as strings); the rest is the selections and the rows being inserted, one source at a time. "
              "(The 250 MB XML of the issue's 37 MB project was held whole as a tree before, 2.9 GB at its peak.)",
              "",
              "20,000 codes with one name took 98 s (each key tried slug_2, slug_3… from the start, and the codebook's "
              "duplicate check counted every key in the list); the keys are now made with a counter per name and "
              "codebook.yaml is not read back. What remains is writing codebook.yaml with ruamel's pure-Python emitter "
              "and one insert per code in `qual.codebook.sync_codebook`."]
    replace_section(DOC, "refi", lines)


if __name__ == "__main__":
    main()
