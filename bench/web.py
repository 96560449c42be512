"""Benchmark of the web workbench over HTTP on loopback, beside Taguette 1.5.2 on the same operations.

    python bench/web.py [--documents 100] [--words 10000] [--codings 500000] [--taguette PATH]

A coding store of 100 transcripts of ~10,000 words with 500,000 codings (~5,000 per
transcript) is built (bench/qual.py's generator); `learnervoice serve` runs in its
own process. Timed over HTTP, each request alone (p50 and p95):
- opening a transcript: what the reader page asks for (text and turns, codings, memos);
- adding one coding, with 500,000 codings in the store;
- the baseline, in the same run: GET /healthz, the server's bare HTTP round trip.
When Taguette is installed (`pip install taguette==1.5.2`, best in its own venv, given by
--taguette), the same document and highlights are put in its database and the same two
operations are timed through its API. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "web"))

from common import replace_section  # noqa: E402
from qual import build  # noqa: E402
from server import free_port, running_server  # noqa: E402

DOC = HERE.parent / "docs" / "benchmarks.md"
PASSWORD = "benchmark password"


def percentiles(fn: Callable[[int], object], runs: int) -> tuple[float, float]:
    """p50 and p95 of one call's wall time, in milliseconds."""
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def bench_learnervoice(folder: Path, n_docs: int, words_per_doc: int, runs: int, adds: int) -> dict[str, tuple[float, float]]:
    import httpx

    from learnervoice.qual.accounts import add_user
    from learnervoice.store import QualStore
    from learnervoice.study import open_study

    study = open_study(folder)
    store = QualStore.for_study(study)
    add_user(store, "owner", PASSWORD, "owner")
    store.close()
    slug = folder.name
    results = {}
    with running_server(folder, log=folder.parent / "server.log") as (url, _):
        client = httpx.Client(base_url=url, timeout=120)
        login = client.post(f"/s/{slug}/api/login", json={"name": "owner", "password": PASSWORD})
        login.raise_for_status()
        client.headers["X-CSRF-Token"] = login.json()["csrf"]
        api = f"/s/{slug}/api"
        count = len(client.get(f"{api}/documents/D0000/codings").json())
        print(f"D0000: {count} codings", flush=True)
        results["baseline"] = percentiles(lambda i: client.get("/healthz").raise_for_status(), runs * 4)

        def open_document(i: int) -> None:
            for path in ("/documents/D0000", "/documents/D0000/codings", "/documents/D0000/memos"):
                client.get(api + path).raise_for_status()

        results["open"] = percentiles(open_document, runs)
        rng = random.Random(7)

        def add_coding(i: int) -> None:
            start = rng.randrange(0, words_per_doc * 5)
            answer = client.post(f"{api}/codings", json={"document": f"D{i % n_docs:04d}", "start": start,
                                                         "end": start + 40, "code": "c001"})
            if answer.status_code != 201:
                raise RuntimeError(answer.text)

        results["add"] = percentiles(add_coding, adds)
        client.close()
    return results


def bench_taguette(executable: str, folder: Path, runs: int, adds: int) -> dict[str, tuple[float, float]]:
    """The same document and highlights in Taguette's database; the same operations through its API."""
    import httpx

    from learnervoice.store import QualStore

    from learnervoice.store.schema import codings, documents
    from learnervoice.study import open_study

    import sqlalchemy as sa

    store = QualStore.for_study(open_study(folder))
    with store.read() as conn:
        docs = conn.execute(sa.select(documents.c.id, documents.c.text).order_by(documents.c.id)).all()
        spans = conn.execute(sa.select(codings.c.document_id, codings.c.start, codings.c.end)).all()
    store.close()
    database = folder.parent / "taguette.sqlite3"
    port = free_port()
    log = open(folder.parent / "taguette.log", "wb")  # noqa: SIM115
    process = subprocess.Popen([executable, "--no-browser", "-p", str(port), "--database", str(database)],
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        token = None
        for _ in range(200):
            time.sleep(0.2)
            text = (folder.parent / "taguette.log").read_text(errors="replace")
            if "?token=" in text:
                token = text.split("?token=", 1)[1].split()[0]
                break
        if token is None:
            raise RuntimeError("Taguette did not start")
        client = httpx.Client(base_url=url, timeout=600, follow_redirects=True)
        client.get(f"/?token={token}")
        client.get("/project/new")
        xsrf = client.cookies.get("_xsrf")
        made = client.post("/project/new", data={"name": "bench", "description": "", "_xsrf": xsrf})
        project = int(str(made.url).rstrip("/").rsplit("/", 1)[1])
        client.headers["X-XSRFToken"] = xsrf
        html = "".join(f"<p>{line}</p>" for line in docs[0].text.split("\n"))
        upload = client.post(f"/api/project/{project}/document/new", data={"name": "D0000", "description": ""},
                             files={"file": ("D0000.html", html.encode(), "text/html")})
        upload.raise_for_status()
        document = int(upload.json()["created"])
        _fill_taguette(database, project, document, len(docs), spans)

        def open_document(i: int) -> None:  # what Taguette's page asks for: the highlights, then the contents
            client.get(f"/api/project/{project}/document/{document}").raise_for_status()
            client.get(f"/api/project/{project}/document/{document}/contents").raise_for_status()

        results = {"open": percentiles(open_document, runs)}
        rng = random.Random(7)

        def add_highlight(i: int) -> None:
            start = rng.randrange(0, 40000)
            client.post(f"/api/project/{project}/document/{document}/highlight/new",
                        json={"start_offset": start, "end_offset": start + 40, "tags": []}).raise_for_status()

        results["add"] = percentiles(add_highlight, adds)
        client.close()
        return results
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _fill_taguette(database: Path, project: int, document: int, n_docs: int, spans: list[tuple[int, int, int]]) -> None:
    """Copies of the uploaded document and the learnervoice store's codings as highlights (same counts)."""
    con = sqlite3.connect(database)
    row = con.execute("SELECT * FROM documents WHERE id = ?", [document]).fetchone()
    columns = [d[0] for d in con.execute("SELECT * FROM documents LIMIT 0").description]
    ids = [document]
    for n in range(1, n_docs):
        values = dict(zip(columns, row)) | {"id": None, "name": f"D{n:04d}"}
        cur = con.execute(f"INSERT INTO documents ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                          [values[c] for c in columns])
        ids.append(int(cur.lastrowid or 0))
    first = min(s[0] for s in spans)
    con.executemany("INSERT INTO highlights (document_id, start_offset, end_offset, snippet) VALUES (?, ?, ?, '')",
                    [(ids[(d - first) % n_docs], a, b) for d, a, b in spans])
    con.commit()
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--words", type=int, default=10000)
    parser.add_argument("--codings", type=int, default=500000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--adds", type=int, default=500)
    parser.add_argument("--taguette", default=shutil.which("taguette"), help="Taguette's executable (optional).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bench"
        folder.mkdir()
        print("building the store…", flush=True)
        build(folder, args.documents, args.words, args.codings, 100, random.Random(1))
        ours = bench_learnervoice(folder, args.documents, args.words, args.runs, args.adds)
        theirs: dict[str, tuple[float, float]] | None = None
        note = "Taguette: not installed here (give --taguette PATH)."
        if args.taguette and os.path.exists(args.taguette):
            try:
                theirs = bench_taguette(args.taguette, folder, args.runs, min(args.adds, 100))
                note = "Taguette 1.5.2 in its own process on the same machine, its SQLite database filled with the same document and highlights."
            except Exception as exc:  # noqa: BLE001 - a comparison we could not make is reported, not hidden
                note = f"Taguette: could not be driven ({type(exc).__name__}: {exc})."
    base = ours["baseline"][0]
    lines = [
        "## Web workbench over HTTP (bench/web.py)",
        "",
        f"{args.documents} transcripts of ~{args.words:,} words, {args.codings:,} codings in the store (~{args.codings // args.documents:,} "
        "in the opened transcript); `learnervoice serve` (SQLite) in its own process; each request alone, loopback.",
        "",
        "| Operation | learnervoice p50 | p95 | p50 ÷ baseline | Taguette p50 | Taguette p95 |",
        "|---|---:|---:|---:|---:|---:|",
        f"| Baseline: GET /healthz | {base:.1f} ms | {ours['baseline'][1]:.1f} ms | 1.0× | | |",
    ]
    for key, label in (("open", "Open a transcript (text, turns, codings, memos)"), ("add", "Add one coding")):
        t50, t95 = theirs[key] if theirs else (None, None)
        lines.append(f"| {label} | {ours[key][0]:.1f} ms | {ours[key][1]:.1f} ms | {ours[key][0] / base:.1f}× | "
                     + (f"{t50:.1f} ms | {t95:.1f} ms |" if t50 is not None else "— | — |"))
    lines += ["", note, f"Target: p95 of adding a coding under 30 ms — {'met' if ours['add'][1] < 30 else 'NOT met'}."]
    replace_section(DOC, "web", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
