"""Convert the coded think-aloud highlights of Navarro-Gallinad, Orlandi & O'Sullivan (Semantic Web Journal 2022,
"Designing a usability study for health data researchers") into the CSV layout bench/suggest.py's corpus_store reads.

Source: github.com/navarral/swj2022-usability-paper, data/transcripts/thematic-analysis/tags/csv/all_tags_20220303.csv
(the final Taguette export: id, document, tag, content; one row per (highlight, tag)). One coder (the Taguette
project has one user). Each highlight is one text; its tags are its codes. No questions: one QUESTION, `thinkaloud`.
Output: /tmp/corpus2/serdif/`serdif - thinkaloud (coder1).csv`.

Usage: python bench/corpora/serdif.py [GIT_DIR] [OUT_DIR]
(GIT_DIR: a clone or bare mirror of github.com/navarral/swj2022-usability-paper);
then python bench/suggest.py --corpus OUT_DIR --corpus-name "...". The data are read from that copy, never
copied into this repository.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

GIT_DIR = "/work/.mirror/navarral+swj2022-usability-paper/repo"
OUT = Path("/tmp/corpus2/serdif")
TAGS = "data/transcripts/thematic-analysis/tags/csv/all_tags_20220303.csv"


def tag_rows(git_dir: str) -> list[dict[str, str]]:
    blob = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"HEAD:{TAGS}"], check=True,
                          capture_output=True).stdout
    return list(csv.DictReader(io.StringIO(blob.decode("utf-8-sig"))))


def highlights(rows: list[dict[str, str]]) -> dict[str, list[str]]:
    """Highlight id -> [text, code, code, ...] (codes in file order, each once)."""
    out: dict[str, list[str]] = {}
    for row in rows:
        key = f"{row['document'].split('_')[0]}_{int(row['id']):05}"
        text = " ".join(row["content"].split())
        entry = out.setdefault(key, [text])
        if entry[0] != text:
            print(f"  highlight {key}: differing texts, first kept", file=sys.stderr)
        if row["tag"].strip() and row["tag"].strip() not in entry[1:]:
            entry.append(row["tag"].strip())
    return out


def main(git_dir: str = GIT_DIR, out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    coded = highlights(tag_rows(git_dir))
    width = max(len(v) for v in coded.values()) - 1
    target = out / "serdif - thinkaloud (coder1).csv"
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Highlight ID", "Text", *[f"Code {i + 1}" for i in range(width)]])
        for key in sorted(coded):
            writer.writerow([key, *coded[key]])
    print(f"{target.name}: {len(coded)} highlights")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or [GIT_DIR]), *([Path(sys.argv[2])] if len(sys.argv) > 2 else []))
