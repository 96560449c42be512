"""A small study with a roster, for transcript and coding tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnervoice.store import QualStore
from learnervoice.study.load import Study

from ..conftest import write_study

ROSTER = """pseudonym,names,role,respondent_id,career_stage,focus_group
M1,Conor Healy;Connor,moderator,,,
M2,Melissa Ko,moderator,,,
P01,Srijani Ghosh,participant,R001,junior,FG1
P02,Ryan Sloan,participant,R002,senior,FG1
P03,Shreeharsh Kelkar,participant,R003,senior,FG1
P04,Núria Vidal;Nuri,participant,R004,junior,FG2
"""

CODEBOOK = """codes:
  - key: motivation
    name: Motivations
    description: Why people take short courses.
    children:
      - {key: pleasure, name: Pleasure of learning, colour: "#0072B2"}
      - {key: career, name: Career progression, inclusion: "Promotion, recognition at work."}
  - key: format
    name: Preferred format
    children:
      - {key: online, name: Online}
      - {key: asynchronous, name: Asynchronous}
"""


@pytest.fixture
def qual_study(tmp_path: Path) -> Study:
    study = write_study(tmp_path / "qs", "title: Q\nconsent: ok\nquestions:\n  - {id: q, text: Q, type: text}\n"
                                         "roster: {attributes: [career_stage, focus_group]}\n")
    (study.folder / "private").mkdir()
    (study.folder / "private" / "participants.csv").write_text(ROSTER, encoding="utf-8")
    (study.folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    return study


@pytest.fixture
def store(qual_study: Study) -> QualStore:
    from learnervoice.qual.codebook import sync_codebook

    s = QualStore.for_study(qual_study)
    sync_codebook(qual_study, s)
    return s


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
