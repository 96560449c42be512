"""Agreement figures against published worked examples and against the krippendorff and statsmodels packages."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa as sm_fleiss

from learnervoice.errors import CodingError
from learnervoice.qual.agreement import agreement, disagreements
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.reliability import (
    Units,
    alpha_bootstrap,
    cohen_kappa,
    cohen_table,
    fleiss_counts,
    fleiss_kappa,
    krippendorff_alpha,
)
from learnervoice.store import QualStore
from learnervoice.study.load import Study

from .conftest import write


@pytest.fixture
def vectors(samples: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((samples / "agreement_reference_vectors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "name",
    ["krippendorff_2011_A_binary_2coders", "krippendorff_2011_B_nominal_2coders",
     "krippendorff_2011_C_4coders_missing", "wikipedia_krippendorff_3coders_15units"],
)
def test_krippendorff_published_examples(vectors: dict, name: str) -> None:  # type: ignore[type-arg]
    """Krippendorff (2011) 'Computing Krippendorff's Alpha-Reliability' sections A-D; Wikipedia's example."""
    case = vectors[name]
    units = Units.from_matrix(case["coders_x_units"])
    for level, published in case["alpha"].items():
        decimals = len(str(published).split(".")[1])
        assert round(krippendorff_alpha(units, level), decimals) == published, (level, case["source"])


def test_cohen_published_examples(vectors: dict) -> None:  # type: ignore[type-arg]
    """Wikipedia 'Cohen's kappa' 2x2 example (0.40); SAS PROC FREQ 3x3 example as in statsmodels' tests (0.4842)."""
    assert round(cohen_kappa(np.array(vectors["cohen_kappa_wikipedia_2x2"]["table"], float)), 2) == 0.40
    assert round(cohen_kappa(np.array(vectors["cohen_kappa_sas_3x3"]["table"], float)), 4) == 0.4842


def test_fleiss_published_examples(vectors: dict) -> None:  # type: ignore[type-arg]
    """Fleiss (1971) Psychol Bull 76(5):378, 30 patients x 6 raters: 0.430; Wikipedia 10 x 14 example: 0.210."""
    fleiss = vectors["fleiss_1971_diagnoses"]
    counts, weights = fleiss_counts(Units.from_matrix(np.array(fleiss["subjects_x_raters"]).T.tolist()))
    assert round(fleiss_kappa(counts, weights), 3) == 0.430
    wiki = np.array(vectors["fleiss_wikipedia_10x14"]["counts"], float)
    assert round(fleiss_kappa(wiki), 2) == 0.21


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the reference packages warn on degenerate draws
@given(data=st.data(), coders=st.integers(2, 4), units=st.integers(3, 40), categories=st.integers(2, 4))
@settings(max_examples=60, deadline=None)
def test_against_reference_packages(data: st.DataObject, coders: int, units: int, categories: int) -> None:
    """Random reliability data: alpha equals krippendorff.alpha; kappas equal statsmodels."""
    matrix = [[data.draw(st.one_of(st.none(), st.integers(0, categories - 1))) for _ in range(units)] for _ in range(coders)]
    values = {v for row in matrix for v in row if v is not None}
    pairable = sum(1 for u in zip(*matrix) if sum(v is not None for v in u) >= 2)
    ours = Units.from_matrix(matrix)
    if len(values) >= 2 and pairable:
        reference = krippendorff.alpha(np.array(matrix, dtype=float), level_of_measurement="nominal")
        assert krippendorff_alpha(ours) == pytest.approx(reference, abs=1e-9, nan_ok=True)
    complete = [u for u in zip(*matrix) if None not in u]
    if coders == 2 and complete:
        values_, table = cohen_table(ours)
        sm = cohens_kappa(table, return_results=False) if table.sum() else float("nan")
        assert cohen_kappa(table) == pytest.approx(sm, abs=1e-9, nan_ok=True)
    if complete:
        counts, weights = fleiss_counts(ours)
        expanded = np.repeat(counts, weights.astype(int), axis=0)
        assert fleiss_kappa(counts, weights) == pytest.approx(sm_fleiss(expanded), abs=1e-9, nan_ok=True)


def test_bootstrap_interval_is_seeded_and_brackets_alpha(vectors: dict) -> None:  # type: ignore[type-arg]
    units = Units.from_matrix(vectors["krippendorff_2011_C_4coders_missing"]["coders_x_units"])
    low, high = alpha_bootstrap(units, draws=500)
    assert low <= krippendorff_alpha(units) <= high
    assert (low, high) == alpha_bootstrap(units, draws=500)


TRANSCRIPT = """Melissa Ko: Why short courses?
Ryan Sloan: Promotion at work.
Srijani Ghosh: Pleasure, really.
Shreeharsh Kelkar: Promotion, and online is easier.
"""


def test_study_agreement_by_turn_and_character(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    import_transcript(qual_study, write(tmp_path / "fg.txt", TRANSCRIPT), store=store)
    with store.read() as conn:
        text = conn.execute(sa.text("SELECT text FROM documents")).scalar_one()

    def at(words: str, code: str, coder: str, last: bool = False) -> NewCoding:
        start = text.rindex(words) if last else text.index(words)
        return NewCoding("fg", start, start + len(words), code, coder)

    add_codings(store, [
        at("Promotion at work", "career", "anna"), at("Promotion at work", "career", "ben"),
        at("Pleasure", "pleasure", "anna"), at("Pleasure, really", "pleasure", "ben"),
        at("Promotion", "career", "anna", last=True), at("online is easier", "online", "ben"),
    ], who="t")
    by_turn = agreement(store, unit="turn", bootstrap=0).set_index("code")
    # career: turns 1 and 3 coded by anna, only turn 1 by ben; 4 turns -> 3 of 4 agree
    assert by_turn.loc["career", "percent"] == pytest.approx(0.75)
    assert by_turn.loc["pleasure", "percent"] == 1.0 and by_turn.loc["pleasure", "alpha"] == pytest.approx(1.0)
    # the same data as a reliability matrix, checked with the krippendorff package
    career = np.array([[0, 1, 0, 1], [0, 1, 0, 0]], dtype=float)
    assert by_turn.loc["career", "alpha"] == pytest.approx(krippendorff.alpha(career, level_of_measurement="nominal"))
    by_char = agreement(store, unit="character", bootstrap=0).set_index("code")
    # pleasure: anna coded 8 characters, ben 16 containing them: 8 characters disagree of len(text)
    assert by_char.loc["pleasure", "percent"] == pytest.approx(1 - 8 / len(text))
    assert by_char.loc["pleasure", "units"] == len(text)
    listed = disagreements(store)
    assert set(zip(listed["code"], listed["turn"])) == {("career", 4), ("online", 4)}  # turns from 1, as listed
    assert listed.loc[listed["code"] == "career", "not_by"].item() == "ben"
    # the coded part of the turn, "…" where it cuts a sentence
    assert listed.loc[listed["code"] == "career", "text"].item() == "Promotion…"
    with pytest.raises(CodingError, match="no codings by zoe"):
        agreement(store, coders=["anna", "zoe"])


SENTENCES = """Melissa Ko: Why short courses? Tell us.
Ryan Sloan: Promotion at work. My manager asked me to. Online is easier too.
Srijani Ghosh: Pleasure, really. Nothing else.
"""


def test_sentences_as_units_and_disagreements_by_sentence(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    import_transcript(qual_study, write(tmp_path / "fg.txt", SENTENCES), store=store)
    with store.read() as conn:
        text = conn.execute(sa.text("SELECT text FROM documents")).scalar_one()
    ryan = text.index("Promotion"), text.index("\n", text.index("Promotion"))

    def at(words: str, code: str, coder: str) -> NewCoding:
        return NewCoding("fg", text.index(words), text.index(words) + len(words), code, coder)

    add_codings(store, [at("Promotion at work.", "career", "anna"), NewCoding("fg", *ryan, "career", "ben"),
                        at("Pleasure, really.", "pleasure", "anna"), at("Pleasure", "pleasure", "ben")], who="t")
    by_turn = agreement(store, unit="turn", bootstrap=0).set_index("code")
    by_sentence = agreement(store, unit="sentence", bootstrap=0)
    assert by_sentence.attrs["unit"] == "sentence"
    by_sentence = by_sentence.set_index("code")
    assert by_turn.loc["career", "percent"] == 1.0 and by_turn.loc["career", "units"] == 3
    # 7 sentences: anna coded sentence 3 (career), ben sentences 3-5; they differ on 4 and 5
    assert by_sentence.loc["career", "units"] == 7
    assert by_sentence.loc["career", "percent"] == pytest.approx(5 / 7)
    career = np.array([[0, 0, 1, 0, 0, 0, 0], [0, 0, 1, 1, 1, 0, 0]], dtype=float)
    assert by_sentence.loc["career", "alpha"] == pytest.approx(krippendorff.alpha(career, level_of_measurement="nominal"))
    listed = disagreements(store, unit="sentence")
    assert listed.attrs["unit"] == "sentence"
    assert list(zip(listed["turn"], listed["sentence"], listed["text"])) == [
        (2, 2, "My manager asked me to."), (2, 3, "Online is easier too.")]
    with_context = disagreements(store, unit="sentence", context=2)
    assert with_context["text"].iloc[0] == "…at work. My manager asked me to. Online is…"
    by_turn_list = disagreements(store, unit="turn")
    assert by_turn_list.empty and "sentence" not in by_turn_list.columns
    with pytest.raises(CodingError, match="'turn', 'sentence' or 'character'"):
        agreement(store, unit="paragraph")
