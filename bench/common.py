"""What the benchmarks share: a median timer."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path


def timed(fn: Callable[[], object], repeats: int = 3) -> float:
    """The median wall time of `repeats` runs, in seconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def replace_section(doc: Path, name: str, lines: list[str]) -> None:
    """Write one benchmark's section of docs/benchmarks.md in its place (a new one at the end), keeping the others."""
    start, end = f"<!-- bench/{name} start -->", f"<!-- bench/{name} end -->"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    section = "\n".join([start, *lines, end])
    if start in text and end in text.split(start, 1)[1]:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")
