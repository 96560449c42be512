"""Speaker labels at the start of a line, in the layouts interview and focus-group transcripts are written in.

A line starts a speaker's turn when it opens with a label: `Name: text`, `**Name:** text`, `**Name**: text`,
`Name (00:01:02): text`, each possibly after a time (`(0:02) `, `[00:01:02] `, `00:01:02 `). Lines without a
label continue the turn above. A layout is taken from the file only when it recurs through it, so an
ordinary sentence with a colon is not taken for a label:

- a time before the label is read (and taken off continuation lines) only when at least half of the
  file's lines start with one; the lines above the first timed line are then the title and are skipped;
- a label is a speaker when it reads like a name (short, capitalised, no sentence punctuation:
  "Ann Roig", "Dr. Ko", "P01") and opens two lines or more, or, said once, when every word of it is
  capitalised ("The answer was clear: online." is a sentence); written in lower case (`interviewer:`),
  when the same label opens at least `RECURRING` lines.

>>> [(c.speaker, c.text) for c in labelled_lines(list(enumerate(["interviewer: Hi.", "interviewee: Hello.",
...     "interviewer: So: why?", "interviewee: Well.", "interviewer: Ok.", "interviewee: Yes."], 1)))][:3]
[('interviewer', 'Hi.'), ('interviewee', 'Hello.'), ('interviewer', 'So: why?')]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .timed import parse_timestamp

CLOCK = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
TIME_PREFIX = re.compile(rf"^\s*(?:\(({CLOCK})\)|\[({CLOCK})\]|({CLOCK}))\s+(\S.*)$")
BOLD_LABEL = re.compile(r"^\*\*([^*:\n]{1,60}?)\s*(?::\*\*|\*\*\s*:)\s*(.*)$")  # **Name:** text, **Name**: text
TIMED_LABEL = re.compile(rf"^([^:()\[\]\n]{{1,60}}?)\s*[(\[]({CLOCK})[)\]]\s*:\s*(.*)$")  # Name (00:01:02): text
PLAIN_LABEL = re.compile(r"^\s*(?:\*\*)?([^:\n]{1,60}?)(?:\*\*)?\s*:\s+(.*)$")  # Name: text (Zoom, most text)
RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")  # a Markdown horizontal rule
PARTICLES = {"de", "del", "della", "di", "da", "do", "dos", "du", "la", "le", "van", "von", "der", "den", "ter", "bin",
             "ibn", "y", "i", "e", "al", "el"}
RECURRING = 3  # a lower-case label is a speaker when it opens this many lines or more

LAYOUTS = ("Name: text", "**Name:** text", "**Name**: text", "Name (00:01:02): text", "[00:01:02] Name: text",
           "(0:02) **Name:** text", "Name 0:02 on a line of its own, the words below (Otter, Teams .docx)")


@dataclass(frozen=True)
class LabelledLine:
    """One line read: its number, the label it opens with (None: it continues the turn above), its words, its time."""

    line: int
    speaker: str | None
    text: str
    time: float | None = None


def looks_like_name(label: str, *, lower: bool = False) -> bool:
    """Short, capitalised (unless `lower`), no sentence punctuation: "Dr. Ko", "P01" or "Ann Roig", not "At 10" or "e.g"."""
    label = label.strip()
    words = label.split()
    if not words or len(words) > 6 or any(ch in label for ch in "?!,;\"“”()[]") or (label[0].islower() and not lower):
        return False
    if label.endswith(".") or ". " not in label + " " and "." in label:  # "Dr. Ko" yes; "e.g" or "end." no
        return False
    return not any(ch.isdigit() for ch in label) or re.fullmatch(r"[A-Za-z][A-Za-z]*\s?\d+", label) is not None


def _speaker_label(label: str, times: int) -> bool:
    """Whether a label that opens `times` lines names a speaker: a name-like label that recurs, a lower-case one
    that recurs `RECURRING` times, or, said once, one written as a name ("Ann Roig", "P05", "Núria de Vila")."""
    if times >= RECURRING and looks_like_name(label, lower=True):
        return True
    if not looks_like_name(label):
        return False
    return times > 1 or all(w[0].isupper() or w[0].isdigit() or w.lower() in PARTICLES for w in label.split())


def split_label(body: str) -> tuple[str | None, str, float | None]:
    """The label a line opens with (as written, not yet checked as a name), the words after it, and the label's time."""
    for pattern in (BOLD_LABEL, TIMED_LABEL):
        match = pattern.match(body.strip())
        if match is not None:
            groups = match.groups()
            return groups[0].strip(), groups[-1], parse_timestamp(groups[1].replace(",", ".")) if len(groups) == 3 else None
    match = PLAIN_LABEL.match(body)
    return (None, body, None) if match is None else (match.group(1).strip(), match.group(2), None)


def labelled_lines(lines: list[tuple[int, str]]) -> list[LabelledLine]:
    """A text's lines as turns' starts and continuations, in the layout that recurs through the file."""
    kept = [(n, raw.strip()) for n, raw in lines if raw.strip() and not raw.strip().startswith("#") and not RULE.match(raw)]
    timed = sum(TIME_PREFIX.match(text) is not None for _, text in kept)
    prefixed = timed >= 2 and timed * 2 >= len(kept)
    read: list[tuple[LabelledLine, str | None]] = []  # each line as a continuation, and the label it opens with
    labelled: dict[int, LabelledLine] = {}  # place in `read` -> the line read as the start of a turn
    for n, text in kept:
        time = None
        match = TIME_PREFIX.match(text) if prefixed else None
        if prefixed and match is None and not read:
            continue  # the title above the first timed line
        if match is not None:
            time, text = parse_timestamp(next(g for g in match.groups()[:3] if g).replace(",", ".")), match.group(4)
        label, words, at = split_label(text)
        read.append((LabelledLine(n, None, text, time), label))
        if label is not None:
            labelled[len(read) - 1] = LabelledLine(n, label, words.strip(), at if at is not None else time)
    counts = Counter(label for _, label in read if label is not None)
    speakers = {label for label, n in counts.items() if _speaker_label(label, n)}
    return [labelled[i] if label in speakers else line for i, (line, label) in enumerate(read)]
