"""A speaker's consecutive cues merge into turns of bounded length, split at cue boundaries."""

from __future__ import annotations

from pathlib import Path

from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.qual.documents import Source, import_transcripts
from learnervoice.qual.transcripts import Cue, merge_turns
from learnervoice.store import QualStore
from learnervoice.store import documents as documents_db
from learnervoice.study.load import Study

from .conftest import write


def _cue(n: int, speaker: str | None, text: str) -> Cue:
    return Cue(n, speaker, text, float(n), float(n) + 1)


SENTENCE = "one two three four five six seven eight nine ten."  # 10 words, ends a sentence
HALF = "one two three four five six seven eight nine ten"  # 10 words, mid-sentence


def test_a_long_turn_splits_at_a_cue_that_ends_a_sentence() -> None:
    cues = [_cue(n, "Ann", SENTENCE) for n in range(10)] + [_cue(10, "Bo", "Yes.")]
    turns = merge_turns(cues, max_words=35)
    assert [len(t.text.split()) for t in turns] == [30, 30, 30, 10, 1]
    assert [t.continues for t in turns] == [False, True, True, True, False]
    assert " ".join(t.text for t in turns[:4]) == " ".join(SENTENCE for _ in range(10))  # nothing lost or reordered
    assert turns[1].start == 3.0 and turns[1].line == 3


def test_a_turn_ending_mid_sentence_grows_until_a_sentence_ends_and_at_most_twice_the_limit() -> None:
    cues = [_cue(0, "Ann", SENTENCE), _cue(1, "Ann", HALF), _cue(2, "Ann", SENTENCE)]
    assert [len(t.text.split()) for t in merge_turns(cues, max_words=15)] == [10, 20]  # split where a sentence ended
    running = [_cue(n, "Ann", HALF) for n in range(8)]  # no sentence ends at all
    assert [len(t.text.split()) for t in merge_turns(running, max_words=20)] == [40, 40]


def test_unlabelled_cues_and_short_turns_are_as_before() -> None:
    cues = [_cue(0, None, "A."), _cue(1, None, "B."), _cue(2, "Ann", "C."), _cue(3, "Ann", "D.")]
    assert [(t.speaker, t.text, t.continues) for t in merge_turns(cues)] == [(None, "A.", False), (None, "B.", False),
                                                                          ("Ann", "C. D.", False)]


def _monologue() -> str:
    lines = ["WEBVTT", ""]
    for n in range(12):
        said = f"Point {n} is that the course was useful for me. It counted at work"
        lines += [f"00:00:{n * 4:02d}.000 --> 00:00:{n * 4 + 3:02d}.000", f"Ryan Sloan: {said}", ""]
        lines += [f"00:00:{n * 4 + 3:02d}.100 --> 00:00:{n * 4 + 4:02d}.000", "Ryan Sloan: and mattered.", ""]
    lines += ["00:01:00.000 --> 00:01:02.000", "Melissa Ko: Thank you.", ""]
    return "\n".join(lines)


def test_split_turns_keep_the_text_so_codings_by_quote_still_land(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    file = write(tmp_path / "long.vtt", _monologue())
    write(tmp_path / "whole.vtt", _monologue())
    split, whole = import_transcripts(qual_study, [Source(file, "split", max_turn_words=40),
                                                   Source(tmp_path / "whole.vtt", "whole", max_turn_words=100000)],
                                      store=store)
    assert whole.turns == 2 and split.turns > 4
    with store.read() as conn:
        texts = documents_db.texts(conn, ["split", "whole"])
        turns = documents_db.turns_of(conn, documents_db.id_of(conn, "split") or 0)
    assert texts["split"] == texts["whole"]  # a split turn goes on after a space: the text is the same
    assert {t["speaker"] for t in turns[:-1]} == {"P02"}
    assert all(len(texts["split"][t["start"]:t["end"]].split()) <= 2 * 40 for t in turns)
    seam = turns[1]["start"]  # a quote across the place where the turn was split
    quote = texts["split"][seam - 12 : seam + 10]
    added = add_codings(store, [NewCoding(name, -1, -1, "career", "ana", quote=quote) for name in ("split", "whole")],
                        who="t")
    assert added == 2
