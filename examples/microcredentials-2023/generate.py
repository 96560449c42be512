"""Make the example's synthetic questionnaire answers (data/responses.csv), seeded and documented.

The paper publishes only aggregate tables. This script builds 41 fictional
respondents whose answers reproduce every printed count of Tables 1, 2 and 4,
with profiles that hang together (a full-time student is young and junior,
"Find a job" is ticked by people out of work, long weekly hours go with a
full-time dedication). Nothing here describes a real person.

Run:  python examples/microcredentials-2023/generate.py   (rewrites data/responses.csv)
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from types import ModuleType

SEED = 2023
N = 41
HERE = Path(__file__).resolve().parent

AGE_BANDS = {"26-35": (26, 35, 5), "36-45": (36, 45, 11), "46-55": (46, 55, 21), "56-65": (56, 65, 4)}
DEGREE = {"Baccalaureate": 4, "Bachelor degree": 21, "Master degree": 12, "Vocational training": 4}
STATUS = {
    "Studying full time without working": 1,
    "Studying part-time while working": 16,
    "Working": 19,
    "Unemployed": 3,
    "Inactive": 2,
}
MOTIVATIONS = {
    "For the pleasure of learning new things": 25,
    "Keep up with my occupation": 23,
    "Improve my employment situation": 20,
    "Make my skills more visible to employers": 19,
    "Explore new fields": 17,
    "For personal curiosity": 12,
    "Change job": 11,
    "Find a job": 4,
    "Meet new people": 4,
    'Enter a "long" training': 4,
    "Other": 1,  # the 140th answer the paper's percentages imply but its table does not list
}
ONLINE_SYNC = {
    "Asynchronous: you connect when you have availability": 23,
    "Synchronous: you connect at the same time as your teachers / classmates": 7,
    "Mixed": 6,
}
# Ideal length: 41 first choices plus 4 respondents who ticked the next band too (45 ticks).
LENGTH_BANDS = ["Less than 1", "From 1 to 2", "From 2 to 3", "From 3 to 4", "From 4 to 5", "From 5 to 6", "More than 6"]
LENGTH_FIRST = [6, 7, 15, 4, 2, 4, 3]
LENGTH_SECOND = {"Less than 1": 1, "From 1 to 2": 2, "From 4 to 5": 1}  # band -> how many also tick the next
SCHEDULE = {"Morning": 3, "Afternoon": 16, "Night": 10, "Weekend": 10}  # 39 answers, 2 blank
HOURS = {(1, 5): 11, (6, 10): 10, (11, 15): 12, (16, 20): 6, (21, 25): 1}  # 40 answers, 1 blank

HEADER = [
    "Respondent",
    "Age (years)",
    "Gender",
    "Highest degree of training achieved",
    "Professional status",
    "Years of experience in your professional field",
    "Are you familiar with micro-credentials?",
    "Motivations to participate in micro-credentials",
    "Do you prefer a course...",
    "If online, do you prefer a course...",
    "Ideal length (months)",
    "Ideal schedule",
    "Ideal dedication",
    "Hours a week dedication",
]


def expand(counts: dict[str, int], rng: random.Random, blanks: int = 0) -> list[str]:
    """A shuffled list holding each value as often as its count, plus blank answers."""
    values = [v for v, c in counts.items() for _ in range(c)] + [""] * blanks
    rng.shuffle(values)
    return values


def pick(people: list[dict], count: int, score, rng: random.Random) -> list[dict]:
    """The `count` people who fit a tick best (highest score, ties broken at random)."""
    ranked = sorted(people, key=lambda p: (score(p), rng.random()), reverse=True)
    return ranked[:count]


def build_people(rng: random.Random) -> list[dict]:
    ages = sorted(rng.randint(lo, hi) for lo, hi, n in AGE_BANDS.values() for _ in range(n))
    statuses = expand(STATUS, rng)
    # the full-time student is the youngest respondent
    student = statuses.index("Studying full time without working")
    statuses[0], statuses[student] = statuses[student], statuses[0]
    people = [{"id": f"R{i + 1:03d}", "age": age, "status": statuses[i]} for i, age in enumerate(ages)]
    for p in people:
        working_life = max(p["age"] - 23, 0)
        share = 0.1 if p["status"] == "Studying full time without working" else rng.uniform(0.25, 0.9)
        p["experience"] = min(int(working_life * share), 50)
    degrees = expand(DEGREE, rng)
    for p, d in zip(people, degrees):
        p["degree"] = d
    return people


def assign_gender(people: list[dict], rng: random.Random) -> None:
    genders = expand({"Men": 13, "Woman": 26, "Other": 1, "I prefer not to say": 1}, rng)
    for p, g in zip(people, genders):
        p["gender"] = [g]
    # one respondent ticked two boxes: that is how 41 respondents give the printed 42 answers
    next(p for p in people if p["gender"] == ["Woman"])["gender"].append("Other")


def motivation_score(label: str):
    out_of_work = {"Unemployed", "Studying full time without working", "Inactive"}

    def score(p: dict) -> float:
        senior = p["experience"] >= 10
        if label == "Find a job":
            return 2.0 if p["status"] in out_of_work else 0.0
        if label in ("Keep up with my occupation", "Improve my employment situation"):
            return 1.0 if p["status"] not in out_of_work else 0.2
        if label == "Make my skills more visible to employers":
            return 1.0 if not senior else 0.4
        if label in ("Explore new fields", 'Enter a "long" training'):
            return 1.0 if senior else 0.5
        return 0.5

    return score


def assign_choices(people: list[dict], rng: random.Random) -> None:
    for p in people:
        p["motivations"] = []
    for label, count in MOTIVATIONS.items():
        for p in pick(people, count, motivation_score(label), rng):
            p["motivations"].append(label)
    familiar = expand({"No": 22, "Yes": 18}, rng, blanks=1)
    for p, f in zip(people, familiar):
        p["familiar"] = f
    modes = [["Online"]] * 28 + [["Online", "mixed"]] * 3 + [["mixed"]] * 9 + [["Face-to-face"]]
    rng.shuffle(modes)
    for p, m in zip(people, modes):
        p["mode"] = m
    asked = [p for p in people if "Online" in p["mode"] or "mixed" in p["mode"]]
    sync = expand(ONLINE_SYNC, rng, blanks=len(asked) - sum(ONLINE_SYNC.values()))
    for p in people:
        p["online_sync"] = ""
    for p, s in zip(asked, sync):
        p["online_sync"] = s
    assign_length(people, rng)
    for p, s in zip(people, expand(SCHEDULE, rng, blanks=2)):
        p["schedule"] = s
    assign_dedication(people, rng)


def assign_length(people: list[dict], rng: random.Random) -> None:
    firsts = [band for band, n in zip(LENGTH_BANDS, LENGTH_FIRST) for _ in range(n)]
    rng.shuffle(firsts)
    for p, band in zip(people, firsts):
        p["length"] = [band]
    for band, extra in LENGTH_SECOND.items():
        nxt = LENGTH_BANDS[LENGTH_BANDS.index(band) + 1]
        for p in [p for p in people if p["length"] == [band]][:extra]:
            p["length"].append(nxt)


def assign_dedication(people: list[dict], rng: random.Random) -> None:
    hours = [rng.randint(lo, hi) for (lo, hi), n in HOURS.items() for _ in range(n)] + [None]
    rng.shuffle(hours)
    # the two who want full-time dedication are the two who can give the most hours
    order = sorted(range(N), key=lambda i: -1 if hours[i] is None else hours[i], reverse=True)
    dedication = [""] * N
    for i in order[:2]:
        dedication[i] = "Full time"
    blanks = set(rng.sample(order[2:], 3))
    for i in order[2:]:
        dedication[i] = "" if i in blanks else "Part time"
    for p, h, d in zip(people, hours, dedication):
        p["hours"] = "" if h is None else str(h)
        p["dedication"] = d


def render(people: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER + IMPORTANCE_HEADER + [OPEN_COLUMN])
    for p in people:
        writer.writerow(
            [
                p["id"], p["age"], ", ".join(p["gender"]), p["degree"], p["status"], p["experience"],
                p["familiar"], ", ".join(p["motivations"]), ", ".join(p["mode"]), p["online_sync"],
                ", ".join(p["length"]), p["schedule"], p["dedication"], p["hours"],
            ]
            + p["importance"]
            + [p["anything_else"]]
        )
    return buffer.getvalue()


# --- the importance grid (not in the paper): added after the paper's columns, from its own seeded stream ---

IMPORTANCE_QUESTION = "How important is each of these features of a micro-credential to you?"
IMPORTANCE_ITEMS = ["A certificate", "Flexibility", "Price", "Recognition by employers", "Short length"]
IMPORTANCE_SCALE = ["Not at all important", "Slightly important", "Moderately important", "Very important",
                    "Extremely important"]
IMPORTANCE_HEADER = [f"{IMPORTANCE_QUESTION} - {item}" for item in IMPORTANCE_ITEMS]  # as SurveyMonkey heads a grid


def importance_leanings(p: dict) -> list[float]:
    """How much each feature should matter to this respondent, from what they answered elsewhere (1-5)."""
    career = {"Improve my employment situation", "Make my skills more visible to employers", "Change job", "Find a job"}
    careerist = len(career & set(p["motivations"]))
    working = p["status"] in ("Working", "Studying part-time while working")
    short = p["length"][0] in LENGTH_BANDS[:3]
    asynchronous = p["online_sync"].startswith("Asynchronous")
    return [
        2.6 + 0.6 * careerist,  # a certificate: for those who want to show their skills
        3.4 + 0.7 * asynchronous + 0.5 * working,  # flexibility: working learners who connect when they can
        3.0 + 1.0 * (p["status"] in ("Unemployed", "Inactive", "Studying full time without working")),  # price
        2.4 + 0.8 * careerist - 0.6 * ("For the pleasure of learning new things" in p["motivations"]),  # recognition
        2.6 + 1.1 * short - 0.4 * (p["hours"] not in ("", None) and int(p["hours"]) > 15),  # short length
    ]


def add_importance(people: list[dict], seed: int = SEED) -> None:
    """Each respondent's answer to the importance grid; two respondents skip one item each."""
    rng = random.Random(seed * 100 + 14)  # its own stream: the paper's columns stay exactly as they were
    for p in people:
        points = [min(5, max(1, round(lean + rng.gauss(0, 0.8)))) for lean in importance_leanings(p)]
        p["importance"] = [IMPORTANCE_SCALE[x - 1] for x in points]
    for p, item in zip(rng.sample(people, 2), rng.sample(range(len(IMPORTANCE_ITEMS)), 2)):
        p["importance"][item] = ""


# --- the open question (not in the paper): answers from open_answers/bank.py, written for this project ---
OPEN_COLUMN = "Is there anything else you would want from a micro-credential?"
OPEN_SEED = 2314  # its own random stream: every earlier column stays exactly as it was
OPEN_BLANKS = 12  # respondents who left it empty
FITS = {
    "work": {"Working", "Studying part-time while working"},
    "student": {"Studying part-time while working", "Studying full time without working"},
    "out": {"Unemployed", "Inactive", "Studying full time without working"},
    "unemployed": {"Unemployed"},
    "inactive": {"Inactive"},
}


def _open_answers_bank() -> ModuleType:  # by its path: focus_groups/ has a bank.py of its own
    import importlib.util

    spec = importlib.util.spec_from_file_location("open_answers_bank", HERE / "open_answers" / "bank.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assign_open_answers(people: list[dict], seed: int = OPEN_SEED) -> None:
    """Each respondent's answer to the open question (or blank): answers that fit a respondent's situation
    go to respondents in it, the most specific answers first."""
    ANSWERS = _open_answers_bank().ANSWERS
    rng = random.Random(seed)
    for p in people:
        p["anything_else"] = ""
    writers = [p for p in people if p not in rng.sample(people, OPEN_BLANKS)]
    order = sorted(range(len(ANSWERS)), key=lambda i: (len(FITS.get(ANSWERS[i][0] or "", STATUS)), rng.random()))
    for i in order:
        fit, sentences = ANSWERS[i]
        free = [p for p in writers if not p["anything_else"] and (fit is None or p["status"] in FITS[fit])]
        if free:
            rng.choice(free)["anything_else"] = " ".join(s for s, _ in sentences)


def generate(seed: int = SEED) -> str:
    rng = random.Random(seed)
    people = build_people(rng)
    assign_gender(people, rng)
    assign_choices(people, rng)
    rng.shuffle(people)  # respondent numbers say nothing about a respondent's profile
    for i, p in enumerate(people):
        p["id"] = f"R{i + 1:03d}"
    add_importance(people, seed)
    assign_open_answers(people)
    return render(people)


if __name__ == "__main__":
    target = HERE / "data" / "responses.csv"
    target.write_text(generate(), encoding="utf-8")
    print(f"wrote {target}")
