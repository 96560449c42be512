"""What one participant says, drawn so that nobody in the study repeats anybody: the phrasebook and its check.

Each phrasing of `bank_codes.py` and each aside of `bank.py` is said once in the whole study; slots are
filled from the speaker's own questionnaire answers and life (`lives.py`). `check_nobody_repeats` splits
every participant's turns into sentences and fails on any sentence said twice, by anyone.
"""

from __future__ import annotations

import random
import re
import string

from bank import ASIDES, NODS
from bank_codes import CREDENTIALS, FAMILIARITY, FORMAT, LENGTH, MODULAR, MOTIVATION, PRICE, SCHEDULE
from lives import FORMAT_VOICES, LIVES

NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
           "seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four twenty-five").split()
BANDS = {"Less than 1": (0, 1), "From 1 to 2": (1, 2), "From 2 to 3": (2, 3), "From 3 to 4": (3, 4),
         "From 4 to 5": (4, 5), "From 5 to 6": (5, 6), "More than 6": (6, None)}
BANDS_LONGER = {"From 3 to 4", "From 4 to 5", "From 5 to 6", "More than 6"}  # a length coded length_longer
KEEP_CAPITAL = {"I", "I'm", "I'd", "I've", "I'll", "Saturday", "Sunday", "Saturdays", "Sundays"}
ALREADY_LED = {"yes", "no", "well", "honestly", "maybe", "sure", "not", "never"}  # no lead-in before these

Phrasing = str | tuple[str, str]  # a text, or (condition, text)


def hours_phrase(value: str) -> str:
    """A respondent's weekly hours as a speaker says them ('an hour', 'twelve hours')."""
    if not value:
        return "a few hours"
    return "an hour" if int(value) == 1 else f"{NUMBERS[int(value)]} hours"


def months_phrase(value: str) -> str:
    """A respondent's ideal length (one band or several) as a span a speaker says ('two or three months')."""
    bands = [BANDS[b] for b in value.split(", ") if b in BANDS]
    low = min(b[0] for b in bands)
    if any(b[1] is None for b in bands):
        return "seven or eight months"
    high = max(b[1] for b in bands if b[1] is not None)
    if low == 0:
        return "three or four weeks" if high == 1 else "four to six weeks"
    joint = "or" if high - low == 1 else "to"
    return f"{NUMBERS[low]} {joint} {NUMBERS[high]} months"


def voice(person: dict, rng: random.Random) -> None:
    """Give a participant what they talk from: slots, conditions, their own sentences (from `lives.py`) and how
    talkative they are (some answer in a line, some never stop)."""
    row = person["row"]
    life = LIVES[person["respondent"]]
    if life["status"] != row["Professional status"]:
        raise RuntimeError(f"lives.py: {person['respondent']} is {row['Professional status']!r} in the responses, "
                           f"not {life['status']!r}; write their life again")
    status = row["Professional status"]
    working = status in ("Working", "Studying part-time while working")
    person["flags"] = {"has_job" if working else "no_job"}
    person["flags"] |= {f for f, holds in (("unemployed", status == "Unemployed"), ("studying", status.startswith("Studying")),
                                            ("experienced", int(row["Years of experience in your professional field"]) >= 5)) if holds}
    mode = row["Do you prefer a course..."]
    person["flags"] |= {f for f, holds in (("online_only", mode == "Online"), ("mixed_mode", "mixed" in mode),
                                            ("onsite", mode == "Face-to-face")) if holds}
    person["slots"] = {"field": life["field"], "hours": hours_phrase(row["Hours a week dedication"]),
                       "months": months_phrase(row["Ideal length (months)"])}
    person["talkative"] = rng.uniform(0.5, 1.5)
    person["says"] = {section: (text, _voices(section, person)) for section, text in life["says"].items()}


def _voices(section: str, person: dict) -> str | None:
    """The code a participant's own sentence on a section voices (None: it is context, not coded)."""
    if section == "format":
        return FORMAT_VOICES[person["respondent"]]
    if section == "length":
        return "length_longer" if BANDS_LONGER & set(person["row"]["Ideal length (months)"].split(", ")) else "length_short"
    return "schedule" if section == "schedule" else None


def phrasings(person: dict, code: str) -> list[Phrasing]:
    """Every phrasing of a code that could be said by this participant (before conditions and slots)."""
    row = person["row"]
    if code == "familiarity":
        return list(FAMILIARITY[row["Are you familiar with micro-credentials?"]])
    if code == "schedule":
        return list(SCHEDULE[row["Ideal schedule"].split(", ")[0]])
    for bank in (MOTIVATION, FORMAT, LENGTH, CREDENTIALS):
        if code in bank:
            return list(bank[code])
    return list(MODULAR if code == "modular" else PRICE)


class Phrasebook:
    """Draws phrasings so that each is said once in the study, filled with the speaker's own slots."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def coded(self, person: dict, code: str, avoid: frozenset[str] = frozenset()) -> str:
        """An unused phrasing of a code that fits the speaker, with none of the slots in `avoid` (said already)."""
        fits = [o for o in phrasings(person, code) if self._fits(o, person) and not _slots(o) & avoid]
        if not fits:
            raise RuntimeError(f"no phrasing of {code!r} left for {person['pseudonym']}: write more in bank_codes.py")
        return self._take(self.rng.choice(fits), person["slots"])

    def aside(self, section: str) -> str | None:
        free = [a for a in ASIDES[section] if a not in self.used]
        return self._take(self.rng.choice(free), {}) if free else None

    def nod(self, name: str) -> str | None:
        free = [n for n in NODS if n not in self.used]
        return self._take(self.rng.choice(free), {"name": name}) if free else None

    def _fits(self, option: Phrasing, person: dict) -> bool:
        condition, text = option if isinstance(option, tuple) else ("", option)
        return text not in self.used and (not condition or condition in person["flags"]) and _slots(option) <= set(person["slots"])

    def _take(self, option: Phrasing, slots: dict[str, str]) -> str:
        text = option[1] if isinstance(option, tuple) else option
        self.used.add(text)
        filled = text.format(**slots)
        return filled[0].upper() + filled[1:]


def takes_lead(sentence: str) -> bool:
    """Whether a lead-in ('Well,') can come before a sentence: not before one that starts with its own."""
    first = sentence.split()[0]
    return first[-1] not in ",;:" and first.rstrip(".!?").casefold() not in ALREADY_LED


def _slots(option: Phrasing) -> set[str]:
    text = option[1] if isinstance(option, tuple) else option
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def after_lead(sentence: str) -> str:
    """A sentence continuing a lead-in ('Well,'): its first letter in lower case unless it must stay capital."""
    first = sentence.split()[0].rstrip(",.:;!?")
    return sentence if first in KEEP_CAPITAL else sentence[0].lower() + sentence[1:]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def same(sentence: str) -> str:
    """A sentence's words, case-folded, without punctuation: two sentences are the same when these are equal."""
    return " ".join(re.findall(r"\w+", sentence.casefold()))


def check_nobody_repeats(said: list[tuple[str, str]]) -> None:
    """Fail if any sentence of a participant's turns (speaker, text) is said twice in the study, by anyone."""
    seen: dict[str, str] = {}
    for speaker, text in said:
        for sentence in sentences(text):
            key = same(sentence)
            if key in seen:
                raise RuntimeError(f"{speaker} repeats what {seen[key]} said: {sentence!r}")
            seen[key] = speaker
