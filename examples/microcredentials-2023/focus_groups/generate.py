"""Make the example's five focus groups: roster, Zoom-style WebVTT transcripts and two coders' codings.

Seeded and documented. 37 of the 41 fictional questionnaire respondents take
part, in five online groups led by two moderators; what each says follows
their questionnaire answers (motivations, format, length, hours) from
`data/responses.csv`. Sentences come from `bank.py`, written for this project.
Names are fictional and appear in the transcripts as Zoom writes them; the
import replaces them with pseudonyms.

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

from bank import AGREE, ASK, CORE, EXTRA, EXTRA_GENERAL, OPENERS, THANKS  # noqa: E402

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
        ticked = [MOTIVATION_CODES[m] for m in row["Motivations to participate in micro-credentials"].split(", ") if m in MOTIVATION_CODES]
        unique = list(dict.fromkeys(ticked)) or ["curiosity"]
        return rng.sample(unique, min(2, len(unique)))
    if section == "format":
        codes = ["online"] if "Online" in row["Do you prefer a course..."] else ["face_to_face"]
        sync = row["If online, do you prefer a course..."]
        if sync.startswith("Asynchronous"):
            codes.append("asynchronous")
        elif sync:
            codes.append("live_sessions")
        return codes
    if section == "length":
        longer = any(b in row["Ideal length (months)"] for b in ("From 3 to 4", "From 4 to 5", "From 5 to 6", "More than 6"))
        return ["length_longer" if longer else "length_short", "part_time"]
    if section == "schedule":
        return ["schedule"]
    if section == "modular":
        return ["modular"]
    if section == "credentials":
        return [p["credentials"]]
    return ["price"]


class Transcript:
    """Builds one WebVTT transcript and records what the coders will mark in it."""

    def __init__(self, name: str, rng: random.Random) -> None:
        self.name, self.rng = name, rng
        self.cues: list[str] = []
        self.clock = 2.0
        self.codings: list[dict] = []
        self.spoken = ""  # everything said so far, to anchor a quote at its n-th occurrence
        self.words = 0

    def say(self, speaker: str, text: str) -> None:
        words = text.split()
        self.words += len(words)
        self.spoken += " ".join(words) + "\n"
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


def run_group(number: int, members: list[dict], moderator: tuple[str, str], rng: random.Random, used: set[str]) -> Transcript:
    t = Transcript(f"FG{number}", rng)
    mod = moderator[1]
    t.say(mod, rng.choice(ASK["welcome"]))
    for section in ("familiarity", "motivation", "format", "length", "schedule", "modular", "credentials", "price"):
        t.say(mod, rng.choice(ASK[section]))
        speakers = members if section == "credentials" else [p for p in members if rng.random() < 0.95]
        previous = None
        for p in speakers:
            codes = answer(t, p, section, previous, rng, used)
            if section not in ("familiarity", "credentials") and rng.random() < 0.3:
                t.say(mod, rng.choice(ASK["probe"]))
                answer(t, p, section, None, rng, used, codes=codes[:1])
            elif rng.random() < 0.25:
                t.say(mod, rng.choice(THANKS).format(name=p["name"].split()[0]))
            previous = p
    t.say(mod, rng.choice(ASK["close"]))
    return t


def answer(
    t: Transcript, p: dict, section: str, previous: dict | None, rng: random.Random, used: set[str],
    codes: list[str] | None = None,
) -> list[str]:
    """One participant's answer: an opener, a coded sentence per code, some colour. Returns the codes voiced."""
    extra_key = "motivation" if section in ("motivation",) else section
    opener = rng.choice(OPENERS)
    parts = [opener]
    coded = []
    codes = codes or answer_codes(p, section, rng)
    for code in codes:
        sentence = _fresh(CORE[code], used, rng)
        if len(parts) == 1 and opener[-1] not in ".:" and not sentence.startswith(("I ", "I'")):
            sentence = sentence[0].lower() + sentence[1:]
        parts.append(sentence)
        coded.append((sentence, code))
    extras = EXTRA.get(extra_key, EXTRA["motivation"])
    extra = rng.choice(extras)
    parts.append(extra)
    if rng.random() < 0.5:
        parts.append(rng.choice([e for e in extras if e != extra] + EXTRA_GENERAL))
    if previous is not None and rng.random() < 0.2:
        parts.append(rng.choice(AGREE).format(name=previous["name"].split()[0]))
    if section == "price" and p["pseudonym"] == "P07":
        parts.append(f"If anyone wants the course list, write to me at {p['name'].split()[0].lower()}.{p['name'].split()[1].lower()}@example.org.")
    t.say(p["name"], " ".join(parts))
    for sentence, code in coded:
        t.code(sentence, code, "coder_a")
        draw = rng.random()
        if draw < 0.12:
            continue  # the second coder missed it
        other = SIBLINGS.get(code) if draw < 0.18 else None
        span = f"{sentence} {extra}" if rng.random() < 0.3 and sentence == coded[-1][0] else sentence
        t.code(span, other or code, "coder_b")
    return codes


def _fresh(options: list[str], used: set[str], rng: random.Random) -> str:
    """A sentence not yet used in this study if one is left; a reused one otherwise."""
    unused = [o for o in options if o not in used]
    choice = rng.choice(unused or options)
    used.add(choice)
    return choice


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(seed: int = SEED) -> dict[str, str]:
    """Every file this script writes, by path relative to the study folder."""
    rng = random.Random(seed)
    members = people(rng)
    credential_stances(members)
    rng.shuffle(members)
    files: dict[str, str] = {}
    codings: list[dict] = []
    used: set[str] = set()
    start = 0
    for number, size in enumerate(GROUP_SIZES, start=1):
        group = sorted(members[start : start + size], key=lambda p: p["pseudonym"])
        start += size
        for p in group:
            p["focus_group"] = f"FG{number}"
        t = run_group(number, group, MODERATORS[(number - 1) % 2], rng, used)
        files[f"focus_groups/fg{number}.vtt"] = t.vtt()
        codings += t.codings
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
