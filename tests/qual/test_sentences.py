"""Sentences for auto-coding and agreement units: English, Spanish and Catalan, abbreviations, numbers, quotes."""

from __future__ import annotations

import pytest

from learnervoice.qual.sentences import sentence_spans


def split(text: str, **kw: object) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "expected"), [
    ("I enrolled for my job. It paid off!", ["I enrolled for my job.", "It paid off!"]),
    ("Dr. Ko and Mrs. Puig came. Then we left.", ["Dr. Ko and Mrs. Puig came.", "Then we left."]),
    ("Short ones, e.g. a badge, i.e. one lesson. Fine.", ["Short ones, e.g. a badge, i.e. one lesson.", "Fine."]),
    ("It took 3.5 hours. Costs 1.000,50 euros. Done.", ["It took 3.5 hours.", "Costs 1.000,50 euros.", "Done."]),
    ("Well... I am not sure. Maybe… Yes.", ["Well...", "I am not sure.", "Maybe…", "Yes."]),  # a capital after …
    ("I waited... and waited.", ["I waited... and waited."]),
    ('She said "Stop." Then we stopped.', ['She said "Stop."', "Then we stopped."]),
    ("He asked (why?) and left. Ok.", ["He asked (why?) and left.", "Ok."]),
    ("The answer was no. See No. 5 for more.", ["The answer was no.", "See No. 5 for more."]),
    ("J. K. Rowling wrote it. So did I. We know.", ["J. K. Rowling wrote it.", "So did I.", "We know."]),
    ("We did forms, badges, etc. Then we stopped.", ["We did forms, badges, etc.", "Then we stopped."]),
    ("Ask about the U.S. market, not the U.K. one.", ["Ask about the U.S. market, not the U.K. one."]),
    ("Line one\nline two. Three", ["Line one", "line two.", "Three"]),
])
def test_english(text: str, expected: list[str]) -> None:
    assert split(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("¿Vienes? ¡Claro! Vale.", ["¿Vienes?", "¡Claro!", "Vale."]),
    ("La Sra. Puig y el Dr. Roca, p. ej. en la pág. 4. Después, nada.",
     ["La Sra. Puig y el Dr. Roca, p. ej. en la pág. 4.", "Después, nada."]),
    ("Lo dijo Ud. ayer. —Sí, claro.", ["Lo dijo Ud. ayer.", "—Sí, claro."]),
    ("Cuesta 2,5 euros. Vale la pena.", ["Cuesta 2,5 euros.", "Vale la pena."]),
])
def test_spanish(text: str, expected: list[str]) -> None:
    assert split(text, languages=["es"]) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Ho va dir el Sr. Roca, p. ex. a la pàg. 4. Després vam parlar.",
     ["Ho va dir el Sr. Roca, p. ex. a la pàg. 4.", "Després vam parlar."]),
    ("La Dra. Vidal ho explica. «Val la pena.» I prou.", ["La Dra. Vidal ho explica.", "«Val la pena.»", "I prou."]),
])
def test_catalan(text: str, expected: list[str]) -> None:
    assert split(text, languages=["ca"]) == expected


def test_offsets_point_into_the_text_within_a_range() -> None:
    text = "Ann: skip this.\nOne here. Two here.  \nNext turn."
    start = text.index("One")
    spans = sentence_spans(text, start, text.index("\nNext"))
    assert spans == [(start, start + 9), (start + 10, start + 19)]
    assert all(text[a:b].strip() == text[a:b] for a, b in spans)


def test_a_text_without_end_marks_is_one_sentence() -> None:
    assert split("  just words here  ") == ["just words here"]
    assert split("") == []


def test_excerpts_keep_to_the_turn_and_mark_cut_sentences() -> None:
    from learnervoice.qual.sentences import excerpt, joined

    before, after = "Other turn.\nAnn said so. It was ", ", for me, honestly. Next one.\nBo: no"
    assert excerpt(before, "really good", after, 0) == ("…", "really good", "…")
    assert joined(*excerpt(before, "really good", after, 2)) == "It was really good, for me,…"  # "It" starts a sentence
    assert joined(*excerpt(before, "really good", after, 1)) == "…was really good, for…"
    assert joined(*excerpt(before, "really good", after, 50)) == "Ann said so. It was really good, for me, honestly. Next one."
    assert excerpt("So. ", "It was good.", " Then more", 0) == ("", "It was good.", "")
