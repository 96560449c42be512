"""A study.yaml in the making: what each tool's reader found, before it is written with its comments.

Every reader (SPSS/Stata, Qualtrics, LimeSurvey, Kobo, Google Forms, plain tables) turns its
files into a :class:`Draft`; :mod:`.reconcile` checks it against the values really in the
response file, and :mod:`.yamlout` writes it. Nothing here reads a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...text import strip_accents

MAX_ID = 60
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class DraftOption:
    """An answer option; ``raw`` are the cell values (codes or texts) that mean it in the response file."""

    code: str
    label: str
    raw: tuple[str, ...] = ()
    note: str = ""


@dataclass
class DraftQuestion:
    """A question as it will be written: its type, options, where its answers are, and notes for the reader.

    ``column`` is the one column of a single-column question (written as ``source:``); a multiple
    response held in several columns gives ``option_columns`` (code -> 0/1 column, with
    ``counted_value``) or ``category_columns`` (columns each holding one code).
    """

    id: str
    text: str
    type: str  # single, multiple, likert, numeric, text, grid, ranking
    options: list[DraftOption] = field(default_factory=list)
    column: str | None = None
    option_columns: dict[str, str] = field(default_factory=dict)
    category_columns: list[str] = field(default_factory=list)
    counted_value: str | None = None
    separator: str | None = None
    integer: bool = False
    ask_if: tuple[str, tuple[str, ...]] | None = None
    ask_if_note: str = ""  # where the condition came from
    notes: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # raw value -> code, when matching by code or label is not enough
    items: list[tuple[str, str]] = field(default_factory=list)  # a grid's (item id, text); option_columns: id -> column

    def columns(self) -> list[str]:
        if self.column:
            return [self.column]
        return list(self.option_columns.values()) + list(self.category_columns)


@dataclass
class LeftOut:
    """A question the reader could not type: written as a comment for the user to finish."""

    name: str
    text: str
    reason: str
    columns: list[str] = field(default_factory=list)
    suggestion: list[str] = field(default_factory=list)  # YAML lines of a possible question, commented out


@dataclass
class Draft:
    """Everything a study.yaml written by ``init --from`` holds, with the reasons to show as comments."""

    title: str
    sources: list[str]  # the files the instrument was read from, for the header comment
    language: str = "en"
    questions: list[DraftQuestion] = field(default_factory=list)
    left: list[LeftOut] = field(default_factory=list)
    data_file: Path | None = None
    format: str = "auto"
    encoding: str | None = None
    respondent_id: str | None = None
    ignored: dict[str, str] = field(default_factory=dict)  # column -> why it is left out
    filter_column: str | None = None  # e.g. Qualtrics' Finished: an example filter is written, commented out
    filter_value: str = "1"
    header_rows: int | None = None
    missing_text: dict[str, list[str]] = field(default_factory=dict)  # column -> text values declared missing
    notes: list[str] = field(default_factory=list)
    described: bool = False  # a survey definition (or the file's own metadata) describes the questions

    def ignore(self, column: str, why: str) -> None:
        self.ignored.setdefault(column, why)

    def question_columns(self) -> set[str]:
        return {c for q in self.questions for c in q.columns()}


class Ids:
    """Question ids made from variable names: lowercase, ``^[a-z][a-z0-9_]*$``, at most 60 characters, unique.

    >>> ids = Ids()
    >>> ids.make("Q1"), ids.make("q1"), ids.make("2nd wave"), ids.make("ותק_ב")
    ('q1', 'q1_2', 'q_2nd_wave', 'q')
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def make(self, name: str, fallback: str = "q") -> str:
        base = identifier(name) or identifier(fallback) or "q"
        return self.unique(base)

    def unique(self, base: str) -> str:
        candidate = base[:MAX_ID]
        n = 1
        while candidate in self.taken:
            n += 1
            suffix = f"_{n}"
            candidate = base[: MAX_ID - len(suffix)] + suffix
        self.taken.add(candidate)
        return candidate



def identifier(name: str) -> str:
    """An identifier from a variable name or text ('' when nothing Latin is left).

    >>> identifier("Q2 - Topics"), identifier("grp/q.1"), identifier("Año")
    ('q2_topics', 'grp_q_1', 'ano')
    """
    s = re.sub(r"[^a-z0-9]+", "_", strip_accents(name).lower()).strip("_")
    if not s:
        return ""
    if not s[0].isalpha():
        s = "q_" + s
    return s[:MAX_ID].rstrip("_")


def short_id(text: str, words: int = 6) -> str:
    """An id from a question text: its first words.

    >>> short_id("How satisfied were you with the course overall?")
    'how_satisfied_were_you_with_the'
    """
    found = re.findall(r"\w+", text)[:words]
    return identifier("_".join(found))[:40].rstrip("_")


def option_codes(raw_values: list[str]) -> list[str]:
    """Stable codes for options, from their raw values (kept when they are valid codes) or labels.

    >>> option_codes(["1", "2", "-1"]), option_codes(["Yes, often", "No", "No!"]), option_codes(["نعم", "لا"])
    (['1', '2', 'm1'], ['yes_often', 'no', 'no_2'], ['o1', 'o2'])
    """
    codes: list[str] = []
    taken: set[str] = set()
    for i, raw in enumerate(raw_values, start=1):
        text = raw.strip()
        tool_code = bool(CODE.match(text)) and any(ch.isdigit() for ch in text) and len(text) <= 20
        if (re.fullmatch(r"\d+(\.\d+)?", text) or ID.match(text) or tool_code) and len(text) <= MAX_ID:
            base = text
        elif re.fullmatch(r"-\d+(\.\d+)?", text):
            base = "m" + text[1:]
        else:
            base = re.sub(r"[^a-z0-9]+", "_", strip_accents(text).lower()).strip("_")[:50] or f"o{i}"
        code, n = base, 1
        while code in taken:
            n += 1
            code = f"{base}_{n}"
        taken.add(code)
        codes.append(code)
    return codes


def clean_text(text: str, limit: int = 500) -> str:
    """Question or option text from a tool's rich text: tags and entities gone, spaces collapsed."""
    import html

    plain = re.sub(r"<[^>]+>", " ", text or "")
    plain = html.unescape(plain).replace("\u00a0", " ")
    plain = re.sub(r"\s+", " ", plain).strip()
    if len(plain) > limit:
        plain = plain[: limit - 1].rstrip() + "…"
    return plain
