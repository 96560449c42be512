"""The example's focus groups read true: every participant's words are their own.

Read from the committed WebVTT files as Zoom wrote them (not through the import), so the check holds
whatever the import does: no sentence of a participant is said by another participant (or twice by the
same one), and no two participants share a run of eight words (a phrasing reused with another slot).
Moderators may ask the same question in every group.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

from .conftest import EXAMPLE

GROUPS = EXAMPLE / "focus_groups"
RUN = 8


def participant_turns(folder: Path = GROUPS) -> list[tuple[str, str]]:
    """(speaker, text) of every participant's turn in the five transcripts, consecutive cues joined."""
    roster = list(csv.DictReader((EXAMPLE / "private" / "participants.csv").open(encoding="utf-8")))
    role = {name: r["role"] for r in roster for name in r["names"].split(";")}
    turns: list[tuple[str, str]] = []
    for path in sorted(folder.glob("fg*.vtt")):
        last = None
        for block in path.read_text(encoding="utf-8").split("\n\n")[1:]:
            speaker, _, text = block.strip().split("\n")[2].partition(": ")
            assert speaker in role, (path.name, speaker)
            if role[speaker] != "participant":
                last = None
            elif speaker == last:
                turns[-1] = (speaker, f"{turns[-1][1]} {text}")
            else:
                turns.append((speaker, text))
                last = speaker
    return turns


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.casefold())


def repeated_sentences(turns: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(sentence, first speaker, second speaker) for each sentence said again; case and punctuation ignored."""
    first: dict[str, str] = {}
    repeats = []
    for speaker, text in turns:
        for sentence in _sentences(text):
            key = " ".join(_words(sentence))
            if key in first:
                repeats.append((sentence, first[key], speaker))
            first.setdefault(key, speaker)
    return repeats


def shared_runs(turns: list[tuple[str, str]], length: int = RUN) -> dict[str, set[str]]:
    """Runs of `length` words (within one turn) said by more than one participant, with who said them."""
    speakers: dict[str, set[str]] = defaultdict(set)
    for speaker, text in turns:
        words = _words(text)
        for i in range(len(words) - length + 1):
            speakers[" ".join(words[i : i + length])].add(speaker)
    return {run: who for run, who in speakers.items() if len(who) > 1}


def test_no_participant_repeats_a_sentence() -> None:
    turns = participant_turns()
    assert len({s for s, _ in turns}) == 37 and len(turns) > 250
    assert repeated_sentences(turns) == []


def test_no_two_participants_share_eight_words_in_a_row() -> None:
    assert shared_runs(participant_turns()) == {}


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """A transcript where two participants say the same sentence (in other case and punctuation) is caught."""
    (tmp_path / "fg1.vtt").write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nLaia Ferrer: Why?\n\n"
        "2\n00:00:02.000 --> 00:00:03.000\nJordi Vila: Well. I simply enjoy learning new things every single week.\n\n"
        "3\n00:00:03.000 --> 00:00:04.000\nLaia Ferrer: And you?\n\n"
        "4\n00:00:04.000 --> 00:00:05.000\nMarta Soler: I SIMPLY enjoy learning new things, every single week!\n",
        encoding="utf-8")
    turns = participant_turns(tmp_path)
    assert turns == [("Jordi Vila", "Well. I simply enjoy learning new things every single week."),
                     ("Marta Soler", "I SIMPLY enjoy learning new things, every single week!")]
    assert [(a, b) for _, a, b in repeated_sentences(turns)] == [("Jordi Vila", "Marta Soler")]
    assert set(shared_runs(turns)) == {"i simply enjoy learning new things every single", "simply enjoy learning new things every single week"}


@pytest.mark.parametrize("speaker", ["Laia Ferrer", "Oriol Camps"])
def test_moderators_are_not_held_to_it(speaker: str, tmp_path: Path) -> None:
    (tmp_path / "fg1.vtt").write_text(
        f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n{speaker}: Why do you take short courses?\n", encoding="utf-8")
    assert participant_turns(tmp_path) == []
