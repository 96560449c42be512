"""Make the example's five focus groups: roster, Zoom-style WebVTT transcripts and two coders' codings.

Seeded and documented. 37 of the 41 fictional questionnaire respondents take
part, in five online groups led by two moderators; what each says follows
their questionnaire answers (familiarity, motivations, format, length,
schedule, hours) from `data/responses.csv`, and their own life (`lives.py`:
field, job, family). Every participant's words are their own: each phrasing of
`bank_codes.py` (coded) and `bank.py` (asides) is said once in the study, its
slots filled from the speaker's answers (`talk.py`), and the script fails if
any participant's sentence is said twice by anyone. All written for this
project, none taken from the paper. Names are fictional and appear in the
transcripts as Zoom writes them; the import replaces them with pseudonyms.

Codings: `coder_a` marks each coded sentence; `coder_b` works from the
same transcripts with realistic disagreement (he misses some passages, reads a
few as a neighbouring code, and often marks the whole answer rather than the
sentence). Each participant's stance on credentials is coded: 35 "preferred /
crucial" and 2 "not essential", as the paper reports.

Run:  python examples/microcredentials-2023/focus_groups/generate.py
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STUDY = HERE.parent
sys.path.insert(0, str(HERE))

from bank import ASK, LEADS, THANKS  # noqa: E402
from talk import BANDS_LONGER, Phrasebook, after_lead, check_nobody_repeats, takes_lead, voice  # noqa: E402

SEED = 2022
GROUP_SIZES = (8, 8, 7, 7, 7)
MODERATORS = [("M1", "Laia Ferrer"), ("M2", "Oriol Camps")]
WOMEN = [
    "Marta Soler", "Núria Puig", "Elena Martín", "Carla Riera", "Mireia Sala", "Laura Vidal", "Anna Bosch",
    "Sílvia Mas", "Cristina Gil", "Irene Casas", "Montse Vallès", "Gemma Oliver", "Rosa Esteve", "Judit Camps",
    "Berta Coll", "Clara Fabra", "Alba Rovira", "Lídia Pujol", "Teresa Vives", "Eva Llorens", "Paula Roig",
    "Olga Serrat", "Neus Bonet", "Aina Ferrà", "Helena Coma",
]
MEN = [
    "Jordi Vila", "Albert Roca", "Pau Serra", "Xavier Font", "David Costa", "Sergi Pons", "Marc Torres",
    "Joan Prat", "Toni Ribas", "Raúl Navarro", "Eduard Sanz", "Ferran Ruiz", "Iván Moreno", "Lluís Vidal",
    "Óscar Díaz", "Hugo Lara", "Quim Mestre", "Víctor Gómez",
]
NEUTRAL = ["Àlex Mora", "Andrea Pla", "Noa Sabaté"]
MOTIVATION_CODES = {
    "For the pleasure of learning new things": "pleasure",
    "Keep up with my occupation": "keep_up",
    "Improve my employment situation": "promotion",
    "Make my skills more visible to employers": "show_skills",
    "Explore new fields": "explore_field",
    "For personal curiosity": "curiosity",
    "Change job": "find_job",
    "Find a job": "find_job",
    "Meet new people": "meet_people",
    'Enter a "long" training': "academic",
}
PROFESSIONAL = {"keep_up", "promotion", "show_skills", "find_job"}
SIBLINGS = {  # the neighbouring code a second coder sometimes reads instead
    "pleasure": "curiosity", "curiosity": "pleasure", "keep_up": "promotion", "promotion": "keep_up",
    "show_skills": "find_job", "find_job": "show_skills", "asynchronous": "online", "online": "asynchronous",
    "explore_field": "academic", "academic": "explore_field", "length_short": "part_time", "part_time": "length_short",
}


def people(rng: random.Random) -> list[dict]:
    rows = list(csv.DictReader((STUDY / "data" / "responses.csv").open(encoding="utf-8")))
    chosen = sorted(rng.sample(rows, 37), key=lambda r: r["Respondent"])
    out = []
    pools = {"man": list(MEN), "woman": list(WOMEN), "other": list(NEUTRAL)}
    for i, row in enumerate(chosen, start=1):
        gender = {"Men": "man", "Woman": "woman"}.get(row["Gender"].split(", ")[0], "other")
        name = pools[gender].pop(0)
        experience = int(row["Years of experience in your professional field"])
        out.append({
            "pseudonym": f"P{i:02d}", "name": name, "respondent": row["Respondent"], "row": row,
            "career_stage": "senior" if experience >= 10 else "junior",
            "age_band": _band(int(row["Age (years)"])),
            "gender": gender,
            "status": row["Professional status"],
        })
    return out


def _band(age: int) -> str:
    return "26-35" if age <= 35 else "36-45" if age <= 45 else "46-55" if age <= 55 else "56-65"


def credential_stances(members: list[dict]) -> None:
    """Two people who study for its own sake find credentials not essential; everyone else prefers them."""
    personal = [p for p in members if "Make my skills more visible to employers" not in p["row"]["Motivations to participate in micro-credentials"]
                and "For the pleasure of learning new things" in p["row"]["Motivations to participate in micro-credentials"]]
    relaxed = {p["pseudonym"] for p in sorted(personal, key=lambda p: p["pseudonym"])[-2:]}
    for p in members:
        p["credentials"] = "cred_not_essential" if p["pseudonym"] in relaxed else "cred_preferred"


def answer_codes(p: dict, section: str, rng: random.Random) -> list[str]:
    row = p["row"]
    if section == "familiarity":
        return ["familiarity"]
    if section == "motivation":
        return _motivation_codes(p, rng)
    if section == "format":
        codes = ["online"] if "Online" in row["Do you prefer a course..."] else ["face_to_face"]
        sync = row["If online, do you prefer a course..."]
        if sync.startswith("Asynchronous"):
            codes.append("asynchronous")
        elif sync:
            codes.append("live_sessions")
        return codes
    if section == "length":
        longer = bool(BANDS_LONGER & set(row["Ideal length (months)"].split(", ")))
        weekly = [] if row["Ideal dedication"] == "Full time" else ["part_time"]
        return ["length_longer" if longer else "length_short", *weekly]
    if section == "schedule":
        return ["schedule"]
    if section == "modular":
        return ["modular"]
    if section == "credentials":
        return [p["credentials"]]
    return ["price"]


SECTIONS = ("familiarity", "motivation", "format", "length", "schedule", "modular", "credentials", "price")
TAKE_PART = {"familiarity": 0.9, "motivation": 1.0, "format": 0.9, "length": 0.9, "schedule": 0.8,
             "modular": 0.75, "credentials": 1.0, "price": 0.75}  # each participant's chance to answer a question
EMAIL_IN_PRICE = "P07"  # shares a course list with the group, giving her e-mail address (the import masks it)


def _motivation_codes(p: dict, rng: random.Random) -> list[str]:
    """Two or three of the motivations a participant ticked. Talk mostly turns to work first (as in the paper):
    a professional reason they ticked often leads (showing skills for juniors, promotion or keeping up for
    seniors); the rare reasons (meeting people, a longer training) are always voiced; the rest at random."""
    ticked = p["row"]["Motivations to participate in micro-credentials"].split(", ")
    unique = list(dict.fromkeys(MOTIVATION_CODES[m] for m in ticked if m in MOTIVATION_CODES)) or ["curiosity"]
    preferred = ["show_skills"] if p["career_stage"] == "junior" else ["promotion", "keep_up"]
    leading = [c for c in unique if c in preferred] or [c for c in unique if c in PROFESSIONAL]
    first = [rng.choice(leading)] if leading and rng.random() < 0.75 else []
    rare = [c for c in unique if c in ("meet_people", "academic") and c not in first]
    rest = [c for c in unique if c not in first and c not in rare]
    wanted = rng.choice((1, 1, 2)) + (not first) - len(rare)
    return first + rare + rng.sample(rest, max(0, min(wanted, len(rest))))


class Transcript:
    """Builds one WebVTT transcript and records what the coders will mark in it."""

    def __init__(self, name: str, rng: random.Random) -> None:
        self.name, self.rng = name, rng
        self.cues: list[str] = []
        self.clock = 2.0
        self.codings: list[dict] = []
        self.spoken = ""  # everything said so far, to anchor a quote at its n-th occurrence
        self.participants: list[tuple[str, str]] = []  # (speaker, text) of every participant's turn
        self.words = 0

    def say(self, speaker: str, text: str, participant: bool = False) -> None:
        words = text.split()
        self.words += len(words)
        self.spoken += " ".join(words) + "\n"
        if participant:
            self.participants.append((speaker, text))
        for start in range(0, len(words), 18):
            chunk = " ".join(words[start : start + 18])
            length = max(1.2, len(chunk.split()) / 2.6)
            self.cues.append(f"{len(self.cues) + 1}\n{_ts(self.clock)} --> {_ts(self.clock + length)}\n{speaker}: {chunk}\n")
            self.clock += length + 0.1
        self.clock += 0.6

    def code(self, quote: str, code: str, coder: str) -> None:
        """Mark a quote of the answer just given (its occurrence counts everything said so far)."""
        occurrence = self.spoken.count(quote)
        self.codings.append({"document": self.name, "quote": quote, "occurrence": occurrence, "code": code, "coder": coder})

    def vtt(self) -> str:
        return "WEBVTT\n\n" + "\n".join(self.cues)


def _ts(seconds: float) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def _first_name(p: dict) -> str:
    return str(p["name"].split()[0])


def run_group(number: int, members: list[dict], moderator: tuple[str, str], rng: random.Random, book: Phrasebook) -> Transcript:
    t = Transcript(f"FG{number}", rng)
    mod = moderator[1]
    t.say(mod, rng.choice(ASK["welcome"]))
    for section in SECTIONS:
        t.say(mod, rng.choice(ASK[section]))
        speakers = [p for p in members if rng.random() < TAKE_PART[section]
                    or (section == "price" and p["pseudonym"] == EMAIL_IN_PRICE)]
        rng.shuffle(speakers)  # whoever speaks first, as in any group
        previous = None
        for p in speakers:
            codes = answer_codes(p, section, rng)
            agrees = previous is not None and bool(_stance(previous, section, previous["voiced"]) & _stance(p, section, codes))
            answer(t, p, section, previous if agrees else None, rng, book, codes=codes)
            if section not in ("familiarity", "credentials") and rng.random() < 0.18:
                t.say(mod, rng.choice(ASK["probe"]))
                answer(t, p, section, None, rng, book, codes=codes[:1])
            elif rng.random() < 0.25:
                t.say(mod, rng.choice(THANKS).format(name=_first_name(p)))
            previous = p
            p["voiced"] = codes
    t.say(mod, rng.choice(ASK["close"]))
    return t


def _stance(p: dict, section: str, codes: list[str]) -> set[str]:
    """What a participant says on a question, as far as agreeing with them goes: a nod to the previous
    speaker needs one thing in common (a code; for familiarity and schedule, the same answer)."""
    if section == "familiarity":
        return {p["row"]["Are you familiar with micro-credentials?"]}
    if section == "schedule":
        return {p["row"]["Ideal schedule"]}
    return set(codes)


def answer(
    t: Transcript, p: dict, section: str, previous: dict | None, rng: random.Random, book: Phrasebook,
    codes: list[str] | None = None,
) -> list[str]:
    """One participant's turn: a sentence per code voiced, maybe something of their own life, an aside, a nod
    to the previous speaker. Returns the codes voiced."""
    codes = codes or answer_codes(p, section, rng)
    own = p["says"].get(section) if rng.random() < 0.8 else None
    if own is not None and own[1] is not None and own[1] not in codes:
        own = None  # it voices a code this answer is not about; kept for later
    if own is not None:
        del p["says"][section]
    parts: list[tuple[str, str | None]] = []
    for code in codes:
        said_field = any(p["slots"]["field"] in text for text, _ in parts)  # a speaker names their field once a turn
        parts.append(own if own is not None and code == own[1] else
                     (book.coded(p, code, frozenset({"field"}) if said_field else frozenset()), code))
    if own is not None and own[1] is None:
        parts.insert(0 if rng.random() < 0.6 else len(parts), own)
    for chance in (0.35 if own else 0.55, 0.25):  # a talkative speaker adds an aside, sometimes two
        aside = book.aside(section) if rng.random() < chance * p["talkative"] else None
        if aside is None:
            break
        parts.append((aside, None))
    if section == "price" and p["pseudonym"] == EMAIL_IN_PRICE and not p.get("gave_email"):
        p["gave_email"] = True
        first, last = p["name"].lower().split()
        parts.append((f"If anyone wants it, write to me at {first}.{last}@example.org.", None))
    lead = ""
    if parts[0][1] is not None and takes_lead(parts[0][0]) and rng.random() < 0.4:
        lead = rng.choice(LEADS) + " "
        parts[0] = (after_lead(parts[0][0]), parts[0][1])
    nod = book.nod(_first_name(previous)) if previous is not None and rng.random() < 0.3 else None
    t.say(p["name"], (nod + " " if nod else "") + lead + " ".join(text for text, _ in parts), participant=True)
    for i, (text, code) in enumerate(parts):
        if code is not None:
            _mark(t, text, code, parts[i + 1][0] if i + 1 < len(parts) else None, rng)
    return codes


def _mark(t: Transcript, text: str, code: str, following: str | None, rng: random.Random) -> None:
    """coder_a marks the sentence; coder_b misses some, reads a few as a neighbouring code, and often takes more."""
    t.code(text, code, "coder_a")
    draw = rng.random()
    if draw < 0.12:
        return  # the second coder missed it
    other = SIBLINGS.get(code) if draw < 0.18 else None
    span = f"{text} {following}" if following is not None and rng.random() < 0.3 else text
    t.code(span, other or code, "coder_b")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(seed: int = SEED) -> dict[str, str]:
    """Every file this script writes, by path relative to the study folder."""
    rng = random.Random(seed)
    members = people(rng)
    credential_stances(members)
    rng.shuffle(members)
    for p in members:
        voice(p, rng)
    files: dict[str, str] = {}
    codings: list[dict] = []
    book = Phrasebook(rng)
    said: list[tuple[str, str]] = []
    start = 0
    for number, size in enumerate(GROUP_SIZES, start=1):
        group = sorted(members[start : start + size], key=lambda p: p["pseudonym"])
        start += size
        for p in group:
            p["focus_group"] = f"FG{number}"
        t = run_group(number, group, MODERATORS[(number - 1) % 2], rng, book)
        files[f"focus_groups/fg{number}.vtt"] = t.vtt()
        codings += t.codings
        said += t.participants
    check_nobody_repeats(said)
    files["focus_groups/codings.csv"] = _csv(["document", "quote", "occurrence", "code", "coder"], codings)
    roster = [{"pseudonym": code, "names": name, "role": "moderator", "respondent_id": "", "age_band": "",
               "gender": "", "status": "", "career_stage": "", "focus_group": ""} for code, name in MODERATORS]
    for p in sorted(members, key=lambda p: p["pseudonym"]):
        roster.append({"pseudonym": p["pseudonym"], "names": f"{p['name']};{p['name'].split()[0]}", "role": "participant",
                       "respondent_id": p["respondent"], "age_band": p["age_band"], "gender": p["gender"],
                       "status": p["status"], "career_stage": p["career_stage"], "focus_group": p["focus_group"]})
    files["private/participants.csv"] = _csv(list(roster[0]), roster)
    return files


def _csv(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


if __name__ == "__main__":
    for relative, text in generate().items():
        write(STUDY / relative, text)
        print(f"wrote {relative}")
