"""Benchmark of the qualitative half, each figure beside a baseline run in the same process.

    python bench/qual.py [--documents 2000] [--words 10000] [--codings 500000] [--codes 100]

A synthetic coding store (documents of ~10,000 words, speaker turns, 100 codes,
500,000 codings by two coders, 40 participants with attributes) is built in a
temporary study. Timed, with their baselines:
- quotes of one code: learnervoice `quotes` vs one hand-written SQL query on the store;
- co-occurrence of 100 codes: learnervoice vs a plain SQLite self-join;
- code × attribute matrix: learnervoice vs pandas on the rows read from SQLite;
- import of a 1 MB Zoom transcript: learnervoice vs webvtt-py's parse alone;
- 1,000 codings added one by one to that transcript: learnervoice vs a bare SQL insert.
Results are appended to docs/benchmarks.md (the section is replaced on each run).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import replace_section, timed  # noqa: E402
DOC = HERE.parent / "docs" / "benchmarks.md"
WORDS = ("course online credential learning work time module teacher level price promotion curiosity "
         "practice family evening weekend certificate skill project team exam forum video").split()


def build(folder: Path, documents: int, words: int, n_codings: int, n_codes: int, rng: random.Random) -> None:
    import sqlalchemy as sa

    from learnervoice.store import QualStore

    from learnervoice.store.schema import codes, codings, documents as docs_table, turns
    from learnervoice.study import open_study

    (folder / "study.yaml").write_text("title: bench\nconsent: ok\nroster: {attributes: [career_stage, gender]}\n",
                                       encoding="utf-8")
    (folder / "private").mkdir()
    roster = ["pseudonym,names,role,respondent_id,career_stage,gender"]
    roster += [f"P{i:02d},Person {i},participant,R{i},{'senior' if i % 3 else 'junior'},{'woman' if i % 2 else 'man'}" for i in range(1, 41)]
    (folder / "private" / "participants.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    study = open_study(folder)
    store = QualStore.for_study(study)
    now = datetime.now(timezone.utc)
    with store.engine.begin() as conn:
        conn.execute(codes.insert(), [{"key": f"c{i:03d}", "name": f"Code {i}", "position": i} for i in range(n_codes)])
        per_doc = n_codings // documents
        for d in range(documents):
            text, spans = _document(words, rng)
            doc_id = conn.execute(docs_table.insert().values(name=f"D{d:04d}", source="bench", sha256="", format="txt",
                                                             text=text, imported_at=now)).inserted_primary_key[0]
            conn.execute(turns.insert(), [
                {"document_id": doc_id, "idx": i, "speaker": f"P{(i % 40) + 1:02d}", "participant": f"P{(i % 40) + 1:02d}",
                 "role": "participant", "start": s, "end": e, "flagged": False} for i, (s, e) in enumerate(spans)])
            rows = []
            for k in range(per_doc):
                s, e = spans[rng.randrange(len(spans))]
                a = rng.randrange(s, max(s + 1, e - 20))
                rows.append({"document_id": doc_id, "start": a, "end": min(e, a + rng.randint(20, 200)) or a + 1,
                             "code_id": rng.randint(1, n_codes), "coder": "a" if k % 2 else "b", "created_at": now})
            conn.execute(codings.insert().prefix_with("OR IGNORE"), [r for r in rows if r["end"] > r["start"]])
    store.close()
    del sa


def _document(words: int, rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    parts, spans, offset = [], [], 0
    remaining = words
    while remaining > 0:
        n = min(remaining, rng.randint(20, 120))
        turn = " ".join(rng.choice(WORDS) for _ in range(n))
        parts.append(turn)
        spans.append((offset, offset + len(turn)))
        offset += len(turn) + 1
        remaining -= n
    return "\n".join(parts), spans




def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--codings", type=int, default=500_000)
    parser.add_argument("--codes", type=int, default=100)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    import pandas as pd

    from learnervoice.qual.codings import NewCoding, add_codings
    from learnervoice.qual.documents import import_transcript
    from learnervoice.qual.queries import code_by_attribute, cooccurrence, quotes
    from learnervoice.store import QualStore
    from learnervoice.study import open_study

    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp()) / "study"
    folder.mkdir()
    t0 = time.perf_counter()
    build(folder, args.documents, args.words, args.codings, args.codes, rng)
    print(f"built store in {time.perf_counter() - t0:.1f}s", flush=True)
    study = open_study(folder)
    store = QualStore.for_study(study)
    db = str(folder / "qual.sqlite")
    n_codings = sqlite3.connect(db).execute("SELECT count(*) FROM codings").fetchone()[0]
    results: list[tuple[str, float, str, float]] = []

    def record(task: str, ours: float, baseline_name: str, baseline: float) -> None:
        results.append((task, ours, baseline_name, baseline))
        print(f"{task:<40} {ours * 1000:9.1f} ms   {baseline_name:<34} {baseline * 1000:9.1f} ms", flush=True)

    cooccurrence(study, store)  # build the analytic snapshot once, as a first query after changes does
    record("quotes of one code", timed(lambda: quotes(study, store, "c007")),
           "hand-written SQL with substr", timed(lambda: _sql_quotes(db)))
    record("co-occurrence, 100 codes (overlap)", timed(lambda: cooccurrence(study, store)),
           "plain SQLite self-join", timed(lambda: _sqlite_cooccurrence(db), repeats=1))
    record("code x attribute matrix", timed(lambda: code_by_attribute(study, store, "career_stage")),
           "pandas on rows read from SQLite", timed(lambda: _pandas_matrix(db, folder, pd)))

    vtt = folder / "big.vtt"
    _zoom_file(vtt, 1024 * 1024, rng)
    import webvtt

    parse = timed(lambda: list(webvtt.read(str(vtt))), repeats=1)
    t0 = time.perf_counter()
    import_transcript(study, vtt, name="BIG", store=store)
    record("import of a 1 MB Zoom transcript (pseudonymised by the privacy matcher)", time.perf_counter() - t0, "webvtt-py parse alone", parse)

    text = sqlite3.connect(db).execute("SELECT text FROM documents WHERE name = 'BIG'").fetchone()[0]
    spans = [(s, min(s + rng.randint(10, 300), len(text))) for s in (rng.randrange(len(text) - 1) for _ in range(1000))]
    t0 = time.perf_counter()
    for i, (s, e) in enumerate(spans):
        add_codings(store, [NewCoding("BIG", s, max(e, s + 1), f"c{i % args.codes:03d}", "bench")], who="bench")
    ours = (time.perf_counter() - t0) / len(spans)
    record("add one coding to the 1 MB transcript", ours, "bare SQL insert and commit", _bare_inserts(db, spans))
    print(f"{n_codings} codings in {args.documents} documents")
    if not args.no_write:
        write_doc(results, args, n_codings)


def _sql_quotes(db: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT c.id, d.name, substr(d.text, c.start + 1, c.end - c.start) FROM codings c "
        "JOIN codes k ON k.id = c.code_id JOIN documents d ON d.id = c.document_id WHERE k.key = 'c007'"
    ).fetchall()
    con.close()
    return rows


def _sqlite_cooccurrence(db: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT a.code_id, b.code_id, count(*) FROM codings a JOIN codings b ON a.document_id = b.document_id "
        "AND a.start < b.end AND b.start < a.end AND a.id <> b.id GROUP BY 1, 2"
    ).fetchall()
    con.close()
    return rows


def _pandas_matrix(db: str, folder: Path, pd: object) -> object:
    import pandas

    con = sqlite3.connect(db)
    c = pandas.read_sql("SELECT c.document_id, c.start, k.key AS code FROM codings c JOIN codes k ON k.id = c.code_id", con)
    t = pandas.read_sql("SELECT document_id, start AS turn_start, \"end\" AS turn_end, participant FROM turns", con)
    con.close()
    c = c.sort_values("start")
    t = t.sort_values("turn_start")
    merged = pandas.merge_asof(c, t, left_on="start", right_on="turn_start", by="document_id")
    people = pandas.read_csv(folder / "private" / "participants.csv").rename(columns={"pseudonym": "participant"})
    merged = merged.merge(people[["participant", "career_stage"]], on="participant")
    return merged.drop_duplicates(["code", "participant"]).pivot_table(index="code", columns="career_stage",
                                                                       values="participant", aggfunc="count")


def _zoom_file(path: Path, size: int, rng: random.Random) -> None:
    names = [f"Person {i}" for i in range(1, 41)]
    lines = ["WEBVTT", ""]
    clock, n, total = 0.0, 0, 0
    while total < size:
        n += 1
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
        line = f"{n}\n{_ts(clock)} --> {_ts(clock + 4)}\n{rng.choice(names)}: {body}\n"
        lines.append(line)
        total += len(line)
        clock += 4.2
    path.write_text("\n".join(lines), encoding="utf-8")


def _ts(seconds: float) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def _bare_inserts(db: str, spans: list[tuple[int, int]]) -> float:
    con = sqlite3.connect(db)
    doc = con.execute("SELECT id FROM documents WHERE name = 'BIG'").fetchone()[0]
    t0 = time.perf_counter()
    for s, e in spans:
        con.execute("INSERT OR IGNORE INTO codings (document_id, start, \"end\", code_id, coder, created_at) "
                    "VALUES (?, ?, ?, 1, 'baseline', datetime('now'))", (doc, s, max(e, s + 1)))
        con.commit()
    con.close()
    return (time.perf_counter() - t0) / len(spans)


def write_doc(results: list[tuple[str, float, str, float]], args: argparse.Namespace, n_codings: int) -> None:
    import platform

    lines = [
        "## Qualitative half (`bench/qual.py`)",
        "",
        f"Synthetic store: {args.documents:,} documents of ~{args.words:,} words, {n_codings:,} codings of "
        f"{args.codes} codes by two coders, 40 participants. {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores. Medians of repeated runs in one process.",
        "",
        "| task | learnervoice (ms) | baseline | baseline (ms) | learnervoice / baseline |",
        "|:---|---:|:---|---:|---:|",
    ]
    for task, ours, name, base in results:
        lines.append(f"| {task} | {ours * 1000:.1f} | {name} | {base * 1000:.1f} | {ours / base:.2f}× |")
    lines += [
        "",
        "Targets (issue 3): under 10 ms per coding on the 1 MB transcript; co-occurrence of 100 codes over",
        "500k codings under 1 s; code × attribute matrix under 0.5 s. The co-occurrence and matrix figures",
        "include reading the Parquet snapshot of the store; the first query after a change also rebuilds it.",
    ]
    replace_section(DOC, "qual", lines)
    print(f"wrote {DOC}")


if __name__ == "__main__":
    sys.exit(main())
