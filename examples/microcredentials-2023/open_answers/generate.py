"""Two coders' codings of the example's open question (open_answers/codings.csv), seeded and documented.

`coder_a` codes each sentence as `bank.py` says. `coder_b` codes the same answers with realistic
disagreement: he misses a code now and then, reads some sentences as a neighbouring code, and often
marks the whole answer rather than the sentence. The document is `open:anything_else`: the answers
one a line, in the order of data/responses.csv (the import pseudonymises them; the quotes here hold
no personal data, so they are found as written).

Run:  python examples/microcredentials-2023/open_answers/generate.py
"""

from __future__ import annotations

import csv
import importlib.util
import io
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
STUDY = HERE.parent
_spec = importlib.util.spec_from_file_location("open_answers_bank", HERE / "bank.py")  # focus_groups/ has a bank.py too
assert _spec is not None and _spec.loader is not None
_bank = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_bank)
ANSWERS = _bank.ANSWERS

SEED = 1414
DOCUMENT = "open:anything_else"
COLUMN = "Is there anything else you would want from a micro-credential?"
SIBLINGS = {
    "open_recognition": "open_guidance", "open_price": "open_recognition", "open_flexible": "open_guidance",
    "open_practical": "open_recognition", "open_guidance": "open_flexible", "open_contact": "open_practical",
}
MISS, SIBLING, WHOLE = 0.1, 0.12, 0.4


def answers() -> list[str]:
    with (STUDY / "data" / "responses.csv").open(encoding="utf-8", newline="") as fh:
        return [row[COLUMN] for row in csv.DictReader(fh) if row[COLUMN].strip()]


def generate(seed: int = SEED) -> dict[str, str]:
    rng = random.Random(seed)
    written = answers()
    sentences = {" ".join(s for s, _ in parts): parts for _, parts in ANSWERS}
    rows: list[dict[str, str]] = []
    seen = ""
    for answer in written:
        parts = sentences[answer]
        for sentence, codes in parts:
            for code in codes:
                rows.append(_row(seen + "\n", sentence, code, "coder_a"))
        rows += _second_coder(seen + "\n", answer, parts, rng)
        seen += "\n" + answer
    return {"open_answers/codings.csv": _csv(rows)}


def _second_coder(before: str, answer: str, parts: list, rng: random.Random) -> list[dict[str, str]]:
    coded = [(s, c) for s, codes in parts for c in codes]
    if not coded:
        return []
    whole = len(parts) > 1 and rng.random() < WHOLE
    marked = [i for i, (_, codes) in enumerate(parts) if codes]  # the whole answer: its coded sentences and those between
    answer = " ".join(s for s, _ in parts[marked[0] : marked[-1] + 1])
    out = []
    for sentence, code in coded:
        draw = rng.random()
        if draw < MISS:
            continue
        if draw < MISS + SIBLING:
            code = SIBLINGS[code]
        row = _row(before, answer if whole else sentence, code, "coder_b")
        if row not in out:
            out.append(row)
    return out


def _row(before: str, quote: str, code: str, coder: str) -> dict[str, str]:
    return {"document": DOCUMENT, "quote": quote, "occurrence": str(before.count(quote) + 1), "code": code, "coder": coder}


def _csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["document", "quote", "occurrence", "code", "coder"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


if __name__ == "__main__":
    for relative, text in generate().items():
        (STUDY / relative).write_text(text, encoding="utf-8")
        print(f"wrote {STUDY / relative}")
