"""Themes of the report: the code tree under a section's root codes, who voiced each code (a code with
sub-codes: who voiced it or any of them, said as "incl. sub-codes"; a folder of codes, codable: false, with no
codings of its own: "in its sub-codes"), exemplar quotes.

Quotes are chosen by report.yaml's rule (pinned ones first, then per value of an attribute the longest
under a word limit; a text already quoted in the section is never quoted again, whoever said it) and attributed with attributes coarsened to k (`report/disclosure.py`). The codebook
table of the methods appendix is laid out here too. Codes and quotes come from `qual/queries.py`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..study.load import Study
from .blocks import Block
from .config import QuoteRule, ReportConfig
from .disclosure import attribute_label
from .model import Quote, Theme

if TYPE_CHECKING:
    import pandas as pd

    from ..qual.queries import CodeRow
    from ..store import QualStore


SPEAKING = ("participant", "respondent")  # the roles quoted and counted: focus-group participants, respondents' open answers


def participants(study: Study, store: QualStore | None = None) -> dict[str, list[dict[str, str]]]:
    """Who an attribution is coarsened among, by role: the roster's participants (moderators left out), and
    the respondents who answered an open question (their survey answers, with roster attributes first)."""
    from ..qual.open_answers import answering, respondent_attributes
    from ..study.roster import load_roster

    roster = [dict(p.attributes, pseudonym=p.pseudonym) for p in load_roster(study).participants if not p.is_moderator]
    by_pseudonym = {p["pseudonym"]: p for p in roster}
    known = respondent_attributes(study, store) if store is not None else []
    wrote = answering(store) if known and store is not None else set()
    respondents = [{k: v for k, v in r.items() if k != "participant"}
                   | {k: v for k, v in by_pseudonym.get(r["participant"], {}).items() if v} | {"pseudonym": r["participant"]}
                   for r in known if r["participant"] in wrote]
    return {"participant": roster, "respondent": respondents}


def themes(study: Study, store: QualStore, roots: tuple[str, ...], config: ReportConfig, disclosure: list[str]) -> list[Theme]:
    """Each root code and its sub-codes, depth first, with participants (or respondents, for open answers)
    who voiced them and quotes."""
    from ..qual.queries import codebook_rows, coded_segments

    rows = codebook_rows(store)
    children = _children(rows)
    segments = coded_segments(study, store, coder=config.quotes.coder)
    people = participants(study, store)
    out: list[Theme] = []
    shown: set[str] = set()  # texts quoted so far in this section, as `same_text` gives them

    def walk(row: CodeRow, level: int) -> None:
        keys = _descendants(row, children)
        mine = segments[segments["code"].isin(keys) & segments["role"].isin(SPEAKING)] if not segments.empty else segments
        quotes = pick_quotes(study, store, mine[mine["code"] == row.key], config, people, disclosure, shown)
        roles = set(mine["role"]) if not mine.empty else {"participant"}
        unit = "person" if len(roles) > 1 else roles.pop()
        out.append(Theme(row.key, row.name, row.description, int(mine["participant"].nunique()),
                         _by_group(mine, config.quotes.per), quotes, level, rolled_up=bool(children.get(row.id)), unit=unit,
                         folder=not row.codable and (mine.empty or not (mine["code"] == row.key).any())))
        for child in children.get(row.id, []):
            walk(child, level + 1)

    for r in rows:
        if r.key in roots:
            walk(r, 0)
    return out


def _children(rows: list[CodeRow]) -> dict[int | None, list[CodeRow]]:
    children: dict[int | None, list[CodeRow]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    return children


def _descendants(row: CodeRow, children: dict[int | None, list[CodeRow]]) -> list[str]:
    keys = [row.key]
    for child in children.get(row.id, []):
        keys += _descendants(child, children)
    return keys


def _by_group(frame: pd.DataFrame, attribute: str | None) -> str:
    if attribute is None or attribute not in frame.columns or frame.empty:
        return ""
    counts = frame.drop_duplicates("participant").groupby(attribute)["participant"].count()
    return ", ".join(f"{value} {n}" for value, n in counts.items() if value)


def pick_quotes(
    study: Study, store: QualStore, frame: pd.DataFrame, config: ReportConfig, people: dict[str, list[dict[str, str]]],
    disclosure: list[str], shown: set[str] | None = None,
) -> tuple[Quote, ...]:
    """Up to `per_code` quotes of one code's segments: pinned first, then one per value of `per`, longest first.

    No two quotes have the same text (compared as `same_text` does), and none repeats a text in `shown`
    (texts quoted elsewhere); the texts chosen are added to `shown`.
    """
    from ..qual.queries import quote_texts

    rule: QuoteRule = config.quotes
    if frame.empty or rule.per_code == 0:
        return ()
    seen = shown if shown is not None else set()
    texts = quote_texts(store, [int(i) for i in frame["coding_id"]], rule.context).set_index("coding_id")
    candidates = frame.assign(quote=[texts["quote"].get(int(i), "") for i in frame["coding_id"]],
                              excerpt=[texts["excerpt"].get(int(i), "") for i in frame["coding_id"]])
    candidates = candidates.assign(words=candidates["quote"].str.split().str.len(),
                                   same=candidates["quote"].map(same_text))
    pinned = rule.pinned.get(str(frame["code"].iloc[0]), [])
    chosen: list[pd.Series] = []

    def take(row: pd.Series) -> None:
        if len(chosen) < rule.per_code and row["same"] not in seen:
            chosen.append(row)
            seen.add(row["same"])

    for _, row in candidates[candidates["coding_id"].isin(pinned)].iterrows():
        take(row)
    short = candidates[candidates["words"] <= rule.max_words].sort_values(
        ["words", "document", "start"], ascending=[False, True, True])
    groups = [None] if rule.per is None or rule.per not in short.columns else sorted(short[rule.per].dropna().unique())
    for value in groups:
        pool = short if value is None else short[short[rule.per] == value]
        pool = pool[~pool["participant"].isin([c["participant"] for c in chosen]) & ~pool["same"].isin(seen)]
        if not pool.empty:
            take(pool.iloc[0])
    return tuple(Quote(_sentence(str(c["excerpt"])), attribute_label(c, config, people.get(str(c["role"]), []), disclosure))
                 for c in chosen)


def same_text(text: str) -> str:
    """A quote's words, case-folded, without punctuation: two quotes are the same text when these are equal."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _sentence(text: str) -> str:
    """A quote as printed: a capital first, unless it starts inside a sentence ("…and then")."""
    text = text.strip()
    return text[0].upper() + text[1:] if text and not text.startswith("…") else text


# --- the codebook as a table ----------------------------------------------------------------


def codebook_block(store: QualStore) -> Block:
    """The codebook, indented by depth, with each code's definition, inclusions and exclusions."""
    from ..qual.queries import codebook_rows

    rows = codebook_rows(store)
    ordered = _tree_order(rows)
    depth: dict[int, int] = {}
    for r in ordered:  # parents come before their children in tree order (not always in codebook order)
        depth[r.id] = 0 if r.parent_id is None else depth.get(r.parent_id, 0) + 1
    body = tuple(
        ("  " * depth[r.id] + r.name + ("" if r.codable else " (folder)"), r.key,
         " ".join(x for x in (r.description, _label("Includes", r.inclusion), _label("Excludes", r.exclusion)) if x))
        for r in ordered
    )
    return Block("Codebook", ("Code", "Key", "Definition"), body, ())


def _tree_order(rows: list[CodeRow]) -> list[CodeRow]:
    children = _children(rows)
    out: list[CodeRow] = []

    def walk(parent: int | None) -> None:
        for r in children.get(parent, []):
            out.append(r)
            walk(r.id)

    walk(None)
    return out


def _label(label: str, text: str) -> str:
    return f"{label}: {text}" if text else ""
