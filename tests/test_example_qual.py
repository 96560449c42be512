"""The example's focus groups: every speaker linked, sensible quotes and agreement, no name in any export."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.qual.agreement import agreement
from learnervoice.qual.queries import code_frequencies
from learnervoice.study.roster import load_roster
from learnervoice.store import QualStore
from learnervoice.store.schema import turns
from learnervoice.qual.sync import sync_declared
from learnervoice.study.load import Study

from .conftest import EXAMPLE


@pytest.fixture
def synced(example: Study) -> QualStore:
    store = QualStore.for_study(example)
    sync_declared(example, store)
    return store


def test_every_speaker_is_linked(example: Study, synced: QualStore) -> None:
    with synced.read() as conn:
        speakers = conn.execute(sa.select(turns.c.speaker, turns.c.role, turns.c.flagged)).all()
    assert speakers and not any(r.flagged for r in speakers)
    assert {r.role for r in speakers} == {"participant", "moderator", "respondent"}  # respondents: open answers
    roster = load_roster(example)
    participants = {p.pseudonym for p in roster.participants if not p.is_moderator}
    assert len(participants) == 37 and {r.speaker for r in speakers if r.role == "participant"} == participants
    linked = {p.respondent_id for p in roster.participants if p.respondent_id}
    assert len(linked) == 37  # 37 of the 41 questionnaire respondents took part


def test_credentials_stance_per_participant(example: Study, synced: QualStore) -> None:
    """The paper's 'Preference for credentials' (35 and 2 of 37) is each participant's coded stance."""
    freq = code_frequencies(example, synced, coder="coder_a").set_index("code")
    assert freq.loc["cred_preferred", "participants"] == 35
    assert freq.loc["cred_not_essential", "participants"] == 2


def test_agreement_is_realistic(synced: QualStore) -> None:
    frame = agreement(synced, unit="turn", bootstrap=0).set_index("code")
    pooled = frame.loc["(all codes)"]
    assert 0.8 < pooled["alpha"] < 0.97 and pooled["cohen"] == pytest.approx(pooled["alpha"], abs=0.01)
    assert frame["alpha"].min() < 0.85  # some codes are harder than others
    by_char = agreement(synced, unit="character", bootstrap=0).set_index("code")
    assert by_char.loc["(all codes)", "alpha"] < pooled["alpha"]  # span boundaries differ more than turns


def test_generator_reproduces_the_committed_files() -> None:
    spec = importlib.util.spec_from_file_location("fg_generate", EXAMPLE / "focus_groups" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for relative, text in module.generate().items():
        assert (EXAMPLE / relative).read_text(encoding="utf-8") == text, relative


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def test_no_roster_name_in_any_export(example: Study, synced: QualStore, tmp_path: Path) -> None:
    """Everything that can leave the study: tables in every format, quotes, KWIC, codes, agreement, REFI-QDA."""
    out = tmp_path / "out"
    out.mkdir()
    runner = CliRunner()
    folder = str(example.folder)
    commands = [["tables", folder, "-o", str(out / f"t.{fmt}")] for fmt in ("md", "html", "csv", "xlsx", "docx", "tex", "json")]
    commands += [
        ["export-qdpx", folder, str(out / "p.qdpx")], ["export-qdc", folder, str(out / "c.qdc")],
    ]
    for command in commands:
        result = runner.invoke(app, command)
        assert result.exit_code == 0, (command, result.output)
    printed = []
    for command in (["quotes", folder, "motivation", "--format", "csv"], ["kwic", folder, "course", "--format", "csv"],
                    ["codes", folder, "--by", "career_stage", "--format", "json"],
                    ["agreement", folder, "--disagreements", "--format", "csv"],
                    ["agreement", folder, "--bootstrap", "0", "--format", "csv"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, (command, result.output)
        printed.append(result.stdout)
    blobs = printed + [_all_text(p) for p in out.iterdir()]
    roster = load_roster(example)
    names = {n for p in roster.participants for n in p.spellings()}
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(_plain(n)) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)")
    for blob in blobs:
        found = pattern.findall(_plain(blob))
        assert not found, found[:5]


def _all_text(path: Path) -> str:
    data = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    return data.decode("utf-8", "replace")


def test_email_becomes_a_placeholder(example: Study, synced: QualStore) -> None:
    with synced.read() as conn:
        texts = [r[0] for r in conn.execute(sa.text("SELECT text FROM documents"))]
    assert any("[email]" in t for t in texts) and not any("@example.org" in t for t in texts)
    rows = list(csv.DictReader((example.folder / "focus_groups" / "codings.csv").open(encoding="utf-8")))
    assert {r["coder"] for r in rows} == {"coder_a", "coder_b"}


# --- the open question -------------------------------------------------------------------------


def test_open_answers_generator_reproduces_the_committed_codings() -> None:
    spec = importlib.util.spec_from_file_location("open_generate", EXAMPLE / "open_answers" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for relative, text in module.generate().items():
        assert (EXAMPLE / relative).read_text(encoding="utf-8") == text, relative


def test_open_answers_are_coded_by_two_coders_with_realistic_agreement(example: Study) -> None:
    from learnervoice.mixed.tables import frequency_tables
    from learnervoice.workspace import open_workspace

    with open_workspace(example) as ws:
        frame = agreement(ws.qual, unit="turn", bootstrap=0, documents=["open:*"]).set_index("code")
        price = next(t for t in frequency_tables(example, questions=["mentions_price"], qual=ws.qual).frequencies)
    assert set(frame.drop("(all codes)")["units"]) == {28.0}  # each code × each of the 28 answers
    assert 0.6 < frame.loc["(all codes)", "alpha"] < 0.9 and frame["alpha"].min() < 0.7
    assert [(r.code, r.count) for r in price.rows] == [("yes", 4), ("no", 24)] and price.missing == 13


def test_open_answers_are_not_the_papers_words() -> None:
    """Each answer was written for this project: no sentence of it (over six words) is in the paper."""
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "microcredentials-motivations-preferences-2023.txt"
    if not seed.is_file():
        pytest.skip("../shared/seed is absent")
    paper = " ".join(_plain(seed.read_text(encoding="utf-8")).split())
    rows = list(csv.DictReader((EXAMPLE / "data" / "responses.csv").open(encoding="utf-8")))
    answers = [r["Is there anything else you would want from a micro-credential?"] for r in rows]
    assert sum(1 for a in answers if a) == 28 and len(set(a for a in answers if a)) == 28
    sentences = [s.strip() for a in answers for s in re.split(r"(?<=[.;])\s+", a) if len(s.split()) > 6]
    assert sentences and not [s for s in sentences if " ".join(_plain(s).split()) in paper]
