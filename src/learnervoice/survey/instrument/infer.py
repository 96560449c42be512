"""A question from a column's values alone, for files that say nothing about their questions.

Google Forms, plain CSV/XLSX, and the columns of other tools' exports that their survey
definition does not describe: cells joined with ", " whose pieces recur are a multiple response,
few distinct values a single choice, numbers a numeric question, anything else open text.
"""

from __future__ import annotations

import re

from .draft import DraftOption, DraftQuestion, Ids, LeftOut, option_codes
from .profile import JOINER, ColumnProfile

MAX_OPTIONS = 12  # more distinct values than this and it is not a choice
MAX_TICK_OPTIONS = 30
MAX_OPTION_TEXT = 80
SHORT_TEXT = 40
SCALE_MAX = 11
CONTACT = re.compile(r"\S@\S+\.\w|https?://|www\.", re.I)  # what no option label holds
DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?[AP]M)?( ?(GMT|UTC)?[+-]?\d*)?)?$"
                  r"|^\d{1,2}:\d{2}(:\d{2})?$", re.I)


def infer_question(ids: Ids, column: str, text: str, profile: ColumnProfile, name: str = "") -> DraftQuestion | LeftOut:
    """The question a column most likely answers, or why it cannot be told."""
    qid = ids.make(name or column, fallback=text)
    shown = text or column
    if profile.filled == 0:
        ids.taken.discard(qid)
        return LeftOut(column, shown, "no answers in the file, so its type cannot be told", [column])
    if _dates(profile):
        ids.taken.discard(qid)
        return LeftOut(column, shown, "dates and times are not a question type yet", [column])
    if _ticks(profile):
        return _multiple(qid, column, shown, profile)
    if profile.numeric:
        if _scale(profile):
            return _single(qid, column, shown, profile, numeric=True)
        return DraftQuestion(qid, shown, "numeric", column=column, integer=profile.integer)
    if _few(profile):
        return _single(qid, column, shown, profile, numeric=False)
    return DraftQuestion(qid, shown, "text", column=column)


def _dates(profile: ColumnProfile) -> bool:
    return not profile.numeric and all(DATE.match(v) for v in profile.values)


def _ticks(profile: ColumnProfile) -> bool:
    """Cells that are joins of other cells (:mod:`.joins`), whose options recur: checkbox answers."""
    pieces = profile.pieces
    if not pieces:
        return False
    distinct = len(pieces)
    total = sum(pieces.values())
    long_pieces = any(len(p) > MAX_OPTION_TEXT for p in pieces)
    return 1 < distinct <= MAX_TICK_OPTIONS and total >= 1.5 * distinct and not long_pieces


def _scale(profile: ColumnProfile) -> bool:
    """Few whole numbers between 0 and 11 (a rating scale without labels)."""
    if not profile.integer or profile.overflow or profile.distinct > SCALE_MAX:
        return False
    numbers = [float(v) for v in profile.values]
    return min(numbers) >= 0 and max(numbers) <= SCALE_MAX and profile.filled >= 2 * profile.distinct


def _few(profile: ColumnProfile) -> bool:
    """Few distinct values, each an option label: short, no e-mail or web address (free text of a small file, where
    "none" repeats, would else become a choice whose options are people's answers, copied into study.yaml)."""
    if profile.overflow or profile.distinct > MAX_OPTIONS:
        return False
    if any(len(v) > MAX_OPTION_TEXT or CONTACT.search(v) for v in profile.values):
        return False
    short = all(len(v) <= SHORT_TEXT for v in profile.values)
    once = sum(1 for n in profile.values.values() if n == 1)
    return profile.filled >= 2 * profile.distinct or (short and max(profile.values.values()) > 1
                                                     and 2 * once <= profile.filled)


def _single(qid: str, column: str, text: str, profile: ColumnProfile, *, numeric: bool) -> DraftQuestion:
    if numeric:
        values = sorted(profile.values, key=float)
    else:
        values = sorted(profile.values, key=lambda v: (-profile.values[v], v.casefold()))
    options = [DraftOption(code, value, (value,)) for code, value in zip(option_codes(values), values)]
    note = "a rating scale?" if numeric else "options are the values found, most frequent first"
    return DraftQuestion(qid, text, "single", options, column=column,
                         notes=[f"Inferred from the values in column {column!r} ({note}); put them in their order."])


def _multiple(qid: str, column: str, text: str, profile: ColumnProfile) -> DraftQuestion:
    counts = profile.pieces
    pieces = sorted(counts, key=lambda v: (-counts[v], v.casefold()))
    options = [DraftOption(code, piece, (piece,)) for code, piece in zip(option_codes(pieces), pieces)]
    return DraftQuestion(qid, text, "multiple", options, column=column, separator=JOINER,
                         notes=[f"Inferred: cells of column {column!r} hold ticks joined with {JOINER!r}."])


SCALE_WORDS = re.compile(
    r"agree|disagree|important|satisf|never|always|often|sometimes|rarely|seldom|likely|frequent|daily|weekly"
    r"|excellent|poor|\bgood\b|\bbad\b|strongly|somewhat|\bvery\b|extremely|not at all|\blike\b|dislike"
    r"|acuerdo|importante|nunca|siempre|a menudo|satisfe|d'accord|jamais|toujours|souvent|zustimm|stimme"
    r"|wichtig|immer|\bnie\b|oft|eens|belangrijk|nooit|altijd|accordo|mai\b|sempre|concordo|discordo",
    re.I,
)
NOT_ASKED = re.compile(
    r"not applicable|inapplicable|\bn/?a\b|\biap\b|\bnap\b|not asked|skipped|\bfilter|no procede|no aplica"
    r"|sans objet|trifft nicht zu|entf[aä]llt|non applicable|nicht zutreffend", re.I,
)


def reads_as_scale(values: list[str], labels: list[str]) -> bool:
    """Likert: 4 to 11 consecutive whole-number points whose ends read as agreement, importance or frequency.

    >>> reads_as_scale(["1", "2", "3", "4", "5"], ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"])
    True
    >>> reads_as_scale(["1", "2", "3"], ["Never", "Sometimes", "Always"]), reads_as_scale(["1", "2", "3", "4"], ["a", "b", "c", "d"])
    (False, False)
    >>> reads_as_scale(["A1", "A2", "A3", "A4"], ["Never", "Rarely", "Often", "Always"])
    True
    """
    if not 4 <= len(values) <= SCALE_MAX:
        return False
    prefix = re.match(r"^\D*", values[0]).group()  # type: ignore[union-attr]
    try:
        numbers = [float(v[len(prefix):] if v.startswith(prefix) else "x") for v in values]  # A1…A5 as 1…5
    except ValueError:
        return False
    if any(n != int(n) for n in numbers) or sorted(numbers) != [numbers[0] + i for i in range(len(numbers))]:
        return False
    ends = [labels[0], labels[-1]]
    return all(SCALE_WORDS.search(e) for e in ends) or sum(bool(SCALE_WORDS.search(x)) for x in labels) * 2 > len(labels)


def reads_as_not_asked(label: str) -> bool:
    """A missing-value label that means the question was not asked (filtered out), not left unanswered.

    >>> reads_as_not_asked("IAP"), reads_as_not_asked("Not applicable"), reads_as_not_asked("Refused")
    (True, True, False)
    """
    return bool(NOT_ASKED.search(label))
