"""Convert the coded free-text answers of Wu et al. 2022 (ACSAC, "User Perceptions of Five-Word Passwords")
into the CSV layout bench/suggest.py's corpus_store reads.

Source: github.com/gwusec/2022-ACSAC-Five-word-Passwords, qualitative-analysis/{Pre,Post}-Survey Qualitative
Responses.xlsx: one sheet per (question, coder) named `S2 (primary)`, `Q5 (secondary)`, ...; columns Response ID,
Treatment_ver, answer, Code 1..Code 7 (`parent->child` sub-codes, the parent also listed).
The primary coder coded every answer; the secondary coder a sample (its blank rows are left out of its files).
Output: /tmp/corpus2/fivewords/`fivewords - <Q> (<coder>).csv` (Q = S2, S4, S5, S6_1, ..., Q5, ..., Q11).

Usage: python bench/corpora/fivewords.py [GIT_DIR] [OUT_DIR]
(GIT_DIR: a clone or bare mirror of github.com/gwusec/2022-ACSAC-Five-word-Passwords);
then python bench/suggest.py --corpus OUT_DIR --corpus-name "...". The data are read from that copy, never
copied into this repository.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import openpyxl

GIT_DIR = "/work/.mirror/gwusec+2022-ACSAC-Five-word-Passwords/repo"
OUT = Path("/tmp/corpus2/fivewords")
BOOKS = ("qualitative-analysis/Pre-Survey Qualitative Responses.xlsx",
         "qualitative-analysis/Post-Survey Qualitative Responses.xlsx")
SHEET = re.compile(r"^\s*([SQ][\d-]+)\s*\((primary|secondary)\)\s*$")


def workbook(git_dir: str, path: str) -> openpyxl.Workbook:
    blob = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], check=True,
                          capture_output=True).stdout
    return openpyxl.load_workbook(io.BytesIO(blob), read_only=True, data_only=True)


def response_id(value: object) -> str:
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def sheet_rows(ws) -> list[list[str]]:
    out: dict[str, list[str]] = {}
    for row in list(ws.iter_rows(values_only=True))[1:]:
        if not row or row[0] is None or row[2] is None or not str(row[2]).strip():
            continue
        codes = [str(c).strip() for c in row[3:10] if c is not None and str(c).strip()]
        rid = response_id(row[0])
        if rid in out:
            print(f"  duplicate response {rid} in {ws.title!r}: first kept", file=sys.stderr)
            continue
        out[rid] = [rid, " ".join(str(row[2]).split()), *codes]
    return list(out.values())


def main(git_dir: str = GIT_DIR, out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for book in BOOKS:
        for ws in workbook(git_dir, book).worksheets:
            match = SHEET.match(ws.title)
            if not match:
                continue
            question, coder = match.group(1).replace("-", "_"), match.group(2)
            rows = sheet_rows(ws)
            if coder == "secondary":  # the secondary coder double-coded a sample: a blank row was not coded
                rows = [r for r in rows if len(r) > 2]
            width = max((len(r) for r in rows), default=2) - 2
            target = out / f"fivewords - {question} ({coder}).csv"
            with target.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["Response ID", "Answer", *[f"Code {i + 1}" for i in range(max(width, 1))]])
                writer.writerows(rows)
            print(f"{target.name}: {len(rows)} answers")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or [GIT_DIR]), *([Path(sys.argv[2])] if len(sys.argv) > 2 else []))
