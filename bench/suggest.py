"""Suggested codings measured on held-out human coding, beside the keyword auto-coder and a random ranking; speed.

Protocol (written to docs/benchmarks.md with the figures):
- Segments are sentences (the library's unit), moderators' words left out. For each coder and each code
  the coder gave to at least 10 segments, the coder's turns (a focus-group turn, an open answer) are
  split into 5 folds (seeded). Each fold in turn is hidden: its segments are neither positives nor
  negatives, and they are the pool the three rankings order. The suggestion ranking is the library's
  (`qual.suggest.rank` over `qual.segments.corpus`) learned from the other folds' segments of that coder
  only. A hidden segment whose words repeat (case and spacing aside) a training segment's or the
  code's example does not count. Folds without a positive in the pool are skipped.
- Keyword baseline: the auto-coder's regular expression (`code --auto KEY --pattern …`) made from the
  code's name, description, inclusion criteria and example: every word of 4+ letters outside the stop
  words, as a prefix of its first 5 letters (`\\bpromo\\w*`), joined by `|`. Sentences it matches come
  first, by how many distinct prefixes they match; ties (and the rest) in a seeded random order.
- Random: the pool shuffled, mean over 10 seeds.
- Metrics per fold, averaged over a code's folds: precision@10, recall@50, average precision; the table
  gives the median over (coder, code).
- With embeddings: when the `wordllama` package is installed, its static model l2_supercat_256 (tokenizer
  and 32,000 × 256 vectors, copied into a model2vec-layout folder) is read by `qual.embeddings` and the
  same folds and pools are ranked a fourth time with the `embedding` method (n-grams and the model's
  vectors side by side, `qual.segments.EMBEDDING_WEIGHT`).
Speed: a synthetic store of 10,000 sentence segments (100 documents × 50 turns of two sentences), one code
with 209 codings; the first call (features fitted) and the median of 5 later calls, for each method.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from common import replace_section  # noqa: E402

DOC = HERE.parent / "docs" / "benchmarks.md"
EXAMPLE = HERE.parent / "examples" / "microcredentials-2023"
FOLDS = 5
EMBEDDING_MODEL = "wordllama l2_supercat_256"


@dataclass
class Scores:
    p10: float
    r50: float
    ap: float


def metrics(order: list[int], positives: set[int]) -> Scores:
    hits = [1 if i in positives else 0 for i in order]
    ap, found = 0.0, 0
    for rank, hit in enumerate(hits, start=1):
        if hit:
            found += 1
            ap += found / rank
    return Scores(sum(hits[:10]) / min(10, len(hits)), sum(hits[:50]) / len(positives), ap / len(positives))


def keyword_pattern(code: object, languages: tuple[str, ...]) -> str:
    from learnervoice.qual.stopwords import stop_words

    stops = stop_words(languages)
    words = " ".join([code.name, code.description, code.inclusion, code.example])  # type: ignore[attr-defined]
    prefixes = sorted({w.lower()[:5] for w in re.findall(r"[^\W\d_]{4,}", words) if w.lower() not in stops})
    return "|".join(rf"\b{re.escape(p)}\w*" for p in prefixes)


def keyword_order(texts: list[str], pattern: str, seed: int) -> list[int]:
    rng = random.Random(seed)
    noise = [rng.random() for _ in texts]
    regex = re.compile(pattern, re.IGNORECASE) if pattern else None
    hits = [len({m.group(0).lower()[:5] for m in regex.finditer(t)}) if regex else 0 for t in texts]
    return sorted(range(len(texts)), key=lambda i: (-hits[i], noise[i]))


def norm(text: str) -> str:
    return " ".join(text.lower().split())


Seen = dict[str, dict[str, list[tuple[int, int]]]]  # coder -> document -> the spans (answers) that coder coded at all


def evaluate(store: object, languages: tuple[str, ...], seed: int, folds: int = FOLDS,
             seen: Seen | None = None, model: Path | None = None) -> list[dict[str, object]]:
    """One row per (coder, code) with 10+ coded segments: the rankings' mean scores over folds (with `model`, a
    model folder, the embedding method's too). With `seen`, a coder's segments are those of the answers they coded
    (a second coder who coded a sample saw no others)."""
    from learnervoice.qual.embeddings import load_model
    from learnervoice.qual.segments import corpus, covered
    from learnervoice.store import codebook as codes_db
    from learnervoice.store import suggestions as sdb

    found = corpus(store, "sentence", languages)  # type: ignore[arg-type]
    embedded = None if model is None else corpus(store, "sentence", languages, load_model(model))  # type: ignore[arg-type]
    alone = corpus(store, "sentence", languages, context_weight=0.0)  # type: ignore[arg-type]
    talk = [i for i, s in enumerate(found.segments) if s.role != "moderator"]
    with store.read() as conn:  # type: ignore[attr-defined]
        codes = {c.key: c for c in codes_db.all_codes(conn)}
        coders = sorted(sdb.coders(conn))
        spans = {coder: sdb.coder_spans(conn, coder) for coder in coders}
    rows = []
    for coder in coders:
        looked = talk if seen is None else [i for i in talk if covered(found.segments[i], seen.get(coder, {}).get(
            found.segments[i].document, ()))]
        for key in sorted({s.code for s in spans[coder]}):
            mine: dict[str, list[tuple[int, int]]] = {}
            for s in spans[coder]:
                if s.code == key:
                    mine.setdefault(s.document, []).append((s.start, s.end))
            positive = {i for i in looked if covered(found.segments[i], mine.get(found.segments[i].document, ()))}
            if len(positive) >= 10:
                rows.append(_code_row(found, looked, positive, spans[coder], codes[key], coder, languages, seed, folds,
                                      embedded, alone))
    return [r for r in rows if r]


def _code_row(found, talk, positive, spans, code, coder, languages, seed, folds, embedded, alone):  # type: ignore[no-untyped-def]
    from learnervoice.qual.suggest import Examples, rank

    seen = {s.document for s in spans}
    turn = _turn_index(found)
    turns = sorted({turn[i] for i in talk})
    random.Random(f"{seed}:{coder}:{code.key}").shuffle(turns)
    fold_of = {t: n % folds for n, t in enumerate(turns)}
    described = [t for t in (code.name, code.description, code.inclusion, code.example) if t.strip()]
    pattern = keyword_pattern(code, languages)
    results: dict[str, list[Scores]] = {"suggest": [], "alone": [], "embed": [], "keyword": [], "random": [],
                                        "ceiling": []}
    for fold in range(folds):
        hidden = [i for i in talk if fold_of[turn[i]] == fold]
        hidden_set = set(hidden)
        train = [i for i in talk if i not in hidden_set and found.segments[i].document in seen]
        known = {norm(found.segments[i].text) for i in train} | {norm(code.example)}
        pool = [i for i in hidden if norm(found.segments[i].text) not in known]
        wanted = {n for n, i in enumerate(pool) if i in positive}
        if not wanted or len(pool) < 10:
            continue
        examples = Examples([i for i in train if i in positive], [i for i in train if i not in positive], pool,
                            described, [code.exclusion] if code.exclusion.strip() else [])
        scores = rank(found, examples)
        order = sorted(range(len(pool)), key=lambda n: (-scores[n], pool[n]))
        results["suggest"].append(metrics(order, wanted))
        scores = rank(alone, examples)
        results["alone"].append(metrics(sorted(range(len(pool)), key=lambda n: (-scores[n], pool[n])), wanted))
        if embedded is not None:
            scores = rank(embedded, examples)
            results["embed"].append(metrics(sorted(range(len(pool)), key=lambda n: (-scores[n], pool[n])), wanted))
        texts = [found.segments[i].text for i in pool]
        results["keyword"].append(metrics(keyword_order(texts, pattern, seed + fold), wanted))
        results["ceiling"].append(metrics(sorted(range(len(pool)), key=lambda n: n not in wanted), wanted))
        for r in range(10):
            shuffled = list(range(len(pool)))
            random.Random(seed * 100 + r).shuffle(shuffled)
            results["random"].append(metrics(shuffled, wanted))
    if not results["suggest"]:
        return None
    row: dict[str, object] = {"coder": coder, "code": code.key, "positives": len(positive)}
    for method, got in results.items():
        if not got:
            continue
        for m in ("p10", "r50", "ap"):
            row[f"{method}_{m}"] = statistics.mean(getattr(s, m) for s in got)
    return row


def _turn_index(found):  # type: ignore[no-untyped-def]
    """Segment -> its turn's number (a focus-group turn, an open answer)."""
    return [s.turn for s in found.segments]


def speed(repeats: int = 5, model: Path | None = None) -> tuple[float, float]:
    """(first call, median later call) of suggestions for one code over 10,000 synthetic sentence segments."""
    from learnervoice.qual.suggest import suggest_codings
    from learnervoice.store import QualStore, new_guid, now
    from learnervoice.store import codebook as codes_db
    from learnervoice.store import codings as codings_db
    from learnervoice.store import documents as documents_db
    from learnervoice.store.engine import sqlite_engine

    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(3000)]
    topic = ["price", "fee", "afford", "expensive", "cost", "money", "budget", "cheap"]
    folder = Path(tempfile.mkdtemp(prefix="lv-suggest-"))
    store = QualStore(sqlite_engine(f"sqlite:///{folder / 'qual.sqlite'}"))
    store.migrate()
    with store.write() as conn:
        code = codes_db.add(conn, "cost", "Cost")
        for d in range(100):
            lines = []
            for t in range(50):  # two sentences a turn: the turn is each sentence's context
                pair = []
                for half in range(2):
                    words = rng.sample(vocabulary, 12) + (rng.sample(topic, 2) if half == 0 and (d * 50 + t) % 12 == 0 else [])
                    pair.append(" ".join(rng.sample(words, len(words))).capitalize() + ".")
                lines.append(" ".join(pair))
            text = "\n".join(lines)
            doc = documents_db.add(conn, name=f"D{d:03}", source="synthetic", sha256=f"{d:064}", format="txt", text=text)
            at, turns = 0, []
            for t, line in enumerate(lines):
                turns.append({"idx": t, "speaker": f"P{t % 8}", "participant": None, "role": "participant",
                              "start": at, "end": at + len(line), "start_time": None, "end_time": None, "flagged": False})
                if (d * 50 + t) % 12 == 0 and d < 50:
                    codings_db.add_if_new(conn, document_id=doc, start=at, end=at + line.index(".") + 1, code_id=code,
                                          coder="a", created_at=now(), guid=new_guid())
                at += len(line) + 1
            documents_db.add_turns(conn, doc, turns)
    t0 = time.perf_counter()
    suggest_codings(store, "cost", "a", model=model)
    first = time.perf_counter() - t0
    later = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        suggest_codings(store, "cost", "a", model=model)
        later.append(time.perf_counter() - t0)
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return first, statistics.median(later)


def corpus_store(folder: Path) -> tuple[object, Seen]:
    """A store built from coded free-text answers in CSV files named `… - Q8 (primary).csv` / `(secondary)`: the
    first column a response id, the second the answer, then `Code 1`, `Code 2`… (`parent->child`; the top-level
    code counts, `NA` is no code). One document `open:<question>` per question, an answer per turn, a code
    `<question>_<code>` per question and top-level code, the file's coder (primary, secondary) coding whole answers.
    A row whose code cells are all empty was not coded by that file's coder (a second coder codes a sample; `NA`
    is coded as nothing): the answers each coder saw are returned beside the store."""
    import csv as csvlib

    from learnervoice.store import QualStore, new_guid, now
    from learnervoice.store import codebook as codes_db
    from learnervoice.store import codings as codings_db
    from learnervoice.store import documents as documents_db
    from learnervoice.store.engine import sqlite_engine

    files = sorted(folder.glob("*(*).csv"))
    answers: dict[str, dict[str, str]] = {}
    coded: list[tuple[str, str, str, str]] = []  # question, response, code, coder
    looked: set[tuple[str, str, str]] = set()  # question, response, coder
    for file in files:
        match = re.search(r"- (\w+) \((\w+)\)\.csv$", file.name)
        if not match:
            continue
        question, coder = match.groups()
        with file.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csvlib.reader(fh))[1:]
        for row in rows:
            if len(row) < 3 or not row[1].strip():
                continue
            answers.setdefault(question, {})[row[0]] = " ".join(row[1].split())
            if any(c.strip() for c in row[2:]):
                looked.add((question, row[0], coder))
            for code in {c.split("->")[0].strip() for c in row[2:] if c.strip() and c.strip() != "NA"}:
                coded.append((question, row[0], re.sub(r"\W+", "_", code.lower()).strip("_"), coder))
    where = Path(tempfile.mkdtemp(prefix="lv-suggest-corpus-"))
    store = QualStore(sqlite_engine(f"sqlite:///{where / 'qual.sqlite'}"))
    store.migrate()
    seen: Seen = {}
    with store.write() as conn:
        code_ids: dict[str, int] = {}
        for question, code in sorted({(q, c) for q, _, c, _ in coded}):
            code_ids[f"{question}_{code}"] = codes_db.add(conn, f"{question.lower()}_{code}"[:100], code.replace("_", " "))
        for question, by_id in sorted(answers.items()):
            ids = sorted(by_id)
            text = "\n".join(by_id[r] for r in ids)
            doc = documents_db.add(conn, name=f"open:{question}", source="corpus", sha256=f"{abs(hash(text)):064}"[:64],
                                   format="txt", text=text)
            at, turns, place = 0, [], {}
            for n, r in enumerate(ids):
                words = by_id[r]
                turns.append({"idx": n, "speaker": f"R{n + 1:04}", "participant": None, "role": "participant",
                              "start": at, "end": at + len(words), "start_time": None, "end_time": None, "flagged": False})
                place[r] = (at, at + len(words))
                at += len(words) + 1
            documents_db.add_turns(conn, doc, turns)
            for q, r, code, coder in coded:
                if q == question and r in place and place[r][1] > place[r][0]:
                    codings_db.add_if_new(conn, document_id=doc, start=place[r][0], end=place[r][1],
                                          code_id=code_ids[f"{q}_{code}"], coder=coder, created_at=now(), guid=new_guid())
            for q, r, coder in looked:
                if q == question and r in place:
                    seen.setdefault(coder, {}).setdefault(f"open:{question}", []).append(place[r])
    return store, seen


def wordllama_folder() -> Path | None:
    """A model2vec-layout folder arranged from the files the wordllama wheel ships; None when it is not installed."""
    try:
        import wordllama
    except ImportError:
        return None
    shipped = Path(wordllama.__file__).parent
    folder = Path(tempfile.mkdtemp(prefix="lv-suggest-model-"))
    shutil.copy(shipped / "tokenizers" / "l2_supercat_tokenizer_config.json", folder / "tokenizer.json")
    shutil.copy(shipped / "weights" / "l2_supercat_256.safetensors", folder / "model.safetensors")
    return folder


def example_store() -> tuple[object, tuple[str, ...], Path]:
    from learnervoice.workspace import open_workspace

    folder = Path(tempfile.mkdtemp(prefix="lv-suggest-ex-")) / "study"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".learnervoice", "qual.sqlite*", "__pycache__"))
    workspace = open_workspace(folder)
    return workspace.qual, (workspace.study.config.language,), folder


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, action="append", default=[],
                        help="A folder of coded free-text answers (see corpus_store); may be repeated.")
    parser.add_argument("--corpus-name", action="append", default=[],
                        help="How the report names each --corpus, in the same order.")
    parser.add_argument("--speed-only", action="store_true",
                        help="Time the calls again and rewrite only the speed line (on a quieter machine).")
    args = parser.parse_args()
    model = wordllama_folder()
    speed_line = _speed_line(model)
    if args.speed_only:
        _rewrite_speed(speed_line)
    else:
        lines = ["## Suggested codings (`bench/suggest.py`)", ""] + _accuracy(args, model) + READING + [speed_line, "",
                 "Protocol: see the docstring of `bench/suggest.py` and docs/suggestions.md."]
        print("\n".join(lines))
        replace_section(DOC, "suggest", lines)
    if model is not None:
        shutil.rmtree(model, ignore_errors=True)


READING = [
    "Reading: with 5 folds a hidden pool holds few of a code's sentences, so even a perfect ranking reaches a median "
    "precision@10 near 0.5 and the suggestions and keywords both sit near that ceiling for the easier codes; average "
    "precision and recall@50, which look further down the list, separate them more. The row \"without the rest of "
    "its turn\" is the method before each sentence was read with its turn: the turn is what lifted it above 1.5× "
    "the keywords on the example and the first corpus, where its weight was chosen; the five-word-password and "
    "think-aloud corpora were found afterwards, by someone who had not seen these figures, and run once.", ""]


def _accuracy(args: argparse.Namespace, model: Path | None) -> list[str]:
    store, languages, folder = example_store()
    lines: list[str] = []
    for folds in (FOLDS, 2):
        lines += report(evaluate(store, languages, args.seed, folds, model=model), args.seed, folds,
                        "Example study (`examples/microcredentials-2023`)")
    names = args.corpus_name + [f"coded corpus {n + 1}" for n in range(len(args.corpus_name), len(args.corpus))]
    for folder_of_corpus, name in zip(args.corpus, names):
        corpus, seen = corpus_store(folder_of_corpus)
        for folds in (FOLDS, 2):
            lines += report(evaluate(corpus, ("en",), args.seed, folds, seen, model), args.seed, folds, name)
    shutil.rmtree(folder.parent, ignore_errors=True)
    return lines


def _speed_line(model: Path | None) -> str:
    import os

    first, later = speed()
    with_model = None if model is None else speed(model=model)
    load = os.getloadavg()[0]
    return (f"Speed: one code over 10,000 synthetic sentence segments: first call {first:.2f} s (features fitted), "
            f"later calls {later:.3f} s (median of 5)"
            + ("" if with_model is None else f"; with embeddings ({EMBEDDING_MODEL}): first call {with_model[0]:.2f} "
               f"s (model read, features fitted), later calls {with_model[1]:.3f} s")
            + f". Load average when measured: {load:.1f} on {os.cpu_count()} CPUs (target: under 1 s after the first call).")


def _rewrite_speed(line: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- bench/suggest start -->")
    at = text.index("Speed: one code over", start)
    DOC.write_text(text[:at] + line + text[text.index("\n", at):], encoding="utf-8")
    print(line)


def report(rows: list[dict[str, object]], seed: int, folds: int, what: str) -> list[str]:
    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in rows)  # type: ignore[arg-type]

    out = [f"{what}: {len(rows)} (coder, code) pairs with 10+ coded segments, {folds} folds of turns "
           f"({'the protocol as first written' if folds == FOLDS else 'half hidden: more positives per pool'}), "
           f"seed {seed}. Median over the pairs:", "",
           "| ranking | precision@10 | recall@50 | average precision |", "|---|---|---|---|"]
    for method, label in (("suggest", "suggestions (TF-IDF + logistic regression)"),
                          ("alone", "the same, each sentence without the rest of its turn"),
                          ("embed", f"suggestions with embeddings ({EMBEDDING_MODEL})"), ("keyword", "keyword auto-coder"),
                          ("random", "random (mean of 10)"), ("ceiling", "perfect ranking (ceiling)")):
        if method + "_p10" not in rows[0]:
            continue
        out.append(f"| {label} | {med(method + '_p10'):.3f} | {med(method + '_r50'):.3f} | {med(method + '_ap'):.3f} |")
    better = sum(float(r["suggest_p10"]) > float(r["keyword_p10"]) for r in rows)  # type: ignore[arg-type]
    worse = sum(float(r["suggest_p10"]) < float(r["keyword_p10"]) for r in rows)  # type: ignore[arg-type]
    out += ["", f"Median precision@10: {med('suggest_p10') / max(med('keyword_p10'), 1e-9):.2f}× the keyword "
            f"baseline's, {med('suggest_p10') / max(med('random_p10'), 1e-9):.2f}× random's (targets 1.5× and 3×); "
            f"precision@10 above the keywords' on {better} pairs, below on {worse}, of {len(rows)}.", ""]
    if "embed_p10" in rows[0]:
        out += [_embeddings_line(rows), ""]
    return out


def _embeddings_line(rows: list[dict[str, object]]) -> str:
    """How the embedding method compares with the n-grams alone, pair by pair."""
    def count(metric: str, sign: int) -> int:
        return sum(sign * (float(r[f"embed_{metric}"]) - float(r[f"suggest_{metric}"])) > 1e-9  # type: ignore[arg-type]
                   for r in rows)

    return (f"With embeddings against n-grams alone: average precision higher on {count('ap', 1)} pairs, lower on "
            f"{count('ap', -1)}; precision@10 higher on {count('p10', 1)}, lower on {count('p10', -1)}, of {len(rows)}.")


if __name__ == "__main__":
    main()
