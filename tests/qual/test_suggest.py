"""Suggested codings and candidate themes: learned from one coder's own codings, offline, reproducible."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import CodingError, NotFoundError
from learnervoice.qual import segments
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.history import undo
from learnervoice.qual.stopwords import stop_words
from learnervoice.qual.suggest import accepted_suggestions, record_decision, suggest_codings
from learnervoice.qual.themes import make_theme_code, suggest_themes
from learnervoice.qual.workbench import add_code
from learnervoice.store import QualStore
from learnervoice.store import codings as codings_db
from learnervoice.study.load import Study

from .conftest import write

CAREER = ["My employer counts the certified hours towards a promotion.", "I wanted a promotion at work, plain and simple.",
          "The badge helped me get a better job title at the company.", "My manager asked for the certificate before the raise.",
          "A promotion needs proof of training where I work.", "The certificate put me on the list for a senior post.",
          "I took it to move up to a team leader job.", "Recognition at work was the reason for me, a better salary too.",
          "HR looks at certified courses when they decide on promotions.", "My boss said the credential would count for the promotion."]
ONLINE = ["I can only study online, at night, from home.", "The online platform crashed twice in the first week.",
          "Video lessons online let me pause and go back.", "I prefer online sessions because I live far from campus.",
          "The online forum was quiet, nobody answered there.", "Studying online on my phone on the train works for me.",
          "Online quizzes are fine but the video calls drag on.", "Everything online means no commuting to the university.",
          "My internet connection makes the online classes hard.", "I logged in online every evening after dinner."]
PLEASURE = ["I just love learning new things, it is a joy.", "Curiosity drives me more than anything else.",
            "Reading about history for fun is what I enjoy most.", "It is a pleasure to learn something for its own sake.",
            "I enjoy the feeling of understanding a hard idea.", "Learning keeps my mind young and happy.",
            "I find puzzles and new topics delightful.", "The fun of discovering something is my reason.",
            "I love the moment when a topic finally clicks.", "Nothing beats the joy of a good lecture on art."]
SPEAKERS = ["Ryan Sloan", "Srijani Ghosh", "Shreeharsh Kelkar", "Núria Vidal"]


def _transcript(tmp_path: Path) -> Path:
    lines = ["Melissa Ko: Tell us why you enrolled and how you studied."]
    for n, (a, b, c) in enumerate(zip(CAREER, ONLINE, PLEASURE)):
        lines += [f"{SPEAKERS[n % 4]}: {a}", f"{SPEAKERS[(n + 1) % 4]}: {b}", f"{SPEAKERS[(n + 2) % 4]}: {c}"]
    return write(tmp_path / "fg.txt", "\n".join(lines) + "\n")


def _code(store: QualStore, text: str, sentences: list[str], key: str, coder: str) -> None:
    add_codings(store, [NewCoding("fg", 0, 0, key, coder, quote=s) for s in sentences], who=coder)
    assert all(s in text for s in sentences)


@pytest.fixture
def coded(qual_study: Study, store: QualStore, tmp_path: Path) -> QualStore:
    """fg: 10 career, 10 online, 10 pleasure sentences; coder a coded 6 career sentences with `career`."""
    import_transcript(qual_study, _transcript(tmp_path), store=store)
    _code(store, _transcript(tmp_path).read_text(), CAREER[:6], "career", "a")
    return store


def test_held_out_positives_come_first(coded: QualStore) -> None:
    found = suggest_codings(coded, "career", "a", top=4)
    assert sorted(s.text for s in found) == sorted(CAREER[6:])
    assert all(0 <= s.score <= 1 for s in found) and [s.score for s in found] == sorted([s.score for s in found], reverse=True)


def test_what_was_coded_and_the_moderator_are_not_offered(coded: QualStore) -> None:
    texts = {s.text for s in suggest_codings(coded, "career", "a", top=100)}
    assert not texts & set(CAREER[:6])
    assert len(texts) == 24  # 30 participants' sentences, less the 6 coded; the moderator's question is not offered


def test_another_coders_codings_never_count(coded: QualStore, tmp_path: Path) -> None:
    before = suggest_codings(coded, "career", "a", top=30)
    _code(coded, _transcript(tmp_path).read_text(), ONLINE[:6], "career", "b")  # b codes online talk as career
    assert suggest_codings(coded, "career", "a", top=30) == before
    _code(coded, _transcript(tmp_path).read_text(), PLEASURE[:6], "asynchronous", "b")  # a code with no description
    assert len({s.text for s in suggest_codings(coded, "asynchronous", "b", top=4)} & set(PLEASURE[6:])) >= 3


def test_a_rejected_suggestion_is_not_offered_again(coded: QualStore) -> None:
    first = suggest_codings(coded, "career", "a", top=1)[0]
    record_decision(coded, "career", "a", first.document, first.start, first.end, accepted=False)
    after = suggest_codings(coded, "career", "a", top=30)
    assert (first.document, first.start) not in {(s.document, s.start) for s in after}
    with coded.read() as conn:
        assert codings_db.in_document(conn, "fg", ["a"]) and len(codings_db.in_document(conn, "fg", ["a"])) == 6
    assert suggest_codings(coded, "career", "a", top=30) == after  # and it stays a negative example


def test_a_rejection_is_in_the_history_once_and_can_be_undone(coded: QualStore, qual_study: Study) -> None:
    from learnervoice.qual.history import history

    first, second = suggest_codings(coded, "career", "a", top=2)
    record_decision(coded, "career", "a", first.document, first.start, first.end, accepted=True)
    for _ in range(3):  # the same rejection sent again adds nothing
        record_decision(coded, "career", "a", second.document, second.start, second.end, accepted=False)
    listed = history(coded, who=["a"])
    assert [c.action for c in listed[:2]] == ["reject_suggestion", "add_codings"]
    assert listed[0].what == f"reject a suggestion of career (fg, {second.start}–{second.end})" and listed[0].can_undo
    assert sum(c.action == "reject_suggestion" for c in history(coded, who=["a"], limit=100)) == 1
    undo(qual_study, coded, who="a", by=["a"])  # the newest: the rejection, which counts no more
    assert (second.document, second.start) in {(s.document, s.start) for s in suggest_codings(coded, "career", "a", top=5)}
    with coded.read() as conn:
        assert len(codings_db.in_document(conn, "fg", ["a"])) == 7  # the accepted one stays


def test_decisions_are_for_coders_that_exist(coded: QualStore) -> None:
    with pytest.raises(NotFoundError, match="no coder 'nobody at all'"):
        record_decision(coded, "career", "nobody at all", "fg", 0, 10, accepted=True)


def test_accepting_adds_a_coding_marked_as_suggested(coded: QualStore, qual_study: Study) -> None:
    first = suggest_codings(coded, "career", "a", top=1)[0]
    record_decision(coded, "career", "a", first.document, first.start, first.end, accepted=True)
    with coded.read() as conn:
        mine = codings_db.in_document(conn, "fg", ["a"])
    assert (first.start, first.end, "career", "a") in {(c.start, c.end, c.code, c.coder) for c in mine}
    marked = accepted_suggestions(coded, "a")
    assert marked[0]["source"] == "suggestion" and (marked[0]["document"], marked[0]["start"]) == ("fg", first.start)
    assert first.text not in {s.text for s in suggest_codings(coded, "career", "a", top=30)}
    undo(qual_study, coded, who="a", by=["a"])  # an accepted suggestion is undone like any coding
    with coded.read() as conn:
        assert len(codings_db.in_document(conn, "fg", ["a"])) == 6


def test_the_same_store_gives_the_same_ranking(coded: QualStore) -> None:
    first = suggest_codings(coded, "career", "a", top=30)
    segments._CACHE.clear()
    assert suggest_codings(coded, "career", "a", top=30) == first
    assert suggest_codings(coded, "career", "a", top=30, unit="turn")[0].text in CAREER[6:]


def test_few_positives_fall_back_on_similarity_and_the_codebook(coded: QualStore) -> None:
    add_codings(coded, [NewCoding("fg", 0, 0, "online", "c", quote=ONLINE[0])], who="c")
    assert suggest_codings(coded, "online", "c", top=3)[0].text in ONLINE
    # no coding of `career` by c: its inclusion criteria ("Promotion, recognition at work.") lead
    assert suggest_codings(coded, "career", "c", top=1)[0].text in CAREER
    assert len(suggest_codings(coded, "asynchronous", "c", top=5)) == 5  # the code's name is all there is


def test_unknown_code_coder_or_place(coded: QualStore) -> None:
    with pytest.raises(NotFoundError, match="no code"):
        suggest_codings(coded, "nope", "a")
    with pytest.raises(NotFoundError, match="no coder"):
        suggest_codings(coded, "career", "nobody")
    with pytest.raises(CodingError, match="outside"):
        record_decision(coded, "career", "a", "fg", 5, 10**6, accepted=True)


def test_no_network_is_attempted(coded: QualStore, monkeypatch: pytest.MonkeyPatch) -> None:
    segments._CACHE.clear()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert suggest_codings(coded, "career", "a", top=3)
    assert suggest_themes(coded, k=2)


def test_themes_are_reproducible_with_a_seed(coded: QualStore, qual_study: Study) -> None:
    first = suggest_themes(coded, k=3, seed=1)
    assert suggest_themes(coded, k=3, seed=1) == first
    assert sum(t.segments for t in first) == 24  # the uncoded participants' sentences
    assert all(len(t.quotes) == 3 and t.people >= 1 and t.terms for t in first)
    assert {q.text for t in first for q in t.quotes} <= set(CAREER[6:] + ONLINE + PLEASURE)
    chosen = suggest_themes(coded, seed=1)
    assert 2 <= len(chosen) <= 4
    key = make_theme_code(qual_study, coded, first, 1, name="Cost worries", who="a")
    assert key == "cost_worries" and "cost_worries" in (qual_study.folder / "codebook.yaml").read_text()
    assert suggest_codings(coded, "cost_worries", "a", top=1)  # the theme's terms are the code's description


def test_a_theme_made_a_code_keeps_no_personal_data_in_its_key(coded: QualStore, qual_study: Study) -> None:
    themes = suggest_themes(coded, k=3, seed=1)
    key = make_theme_code(qual_study, coded, themes, 1, name="Srijani Ghosh's worries (s.ghosh@example.org, +34 612 48 90 37)",
                          who="a")
    written = (qual_study.folder / "codebook.yaml").read_text(encoding="utf-8")
    assert key == "p01_s_worries" and "ghosh" not in written.lower() and "612" not in written
    with pytest.raises(CodingError, match="holds personal data"):
        add_code(qual_study, coded, "ghosh_worries", "Worries", None, "", "a")
    with pytest.raises(CodingError, match="holds personal data"):
        add_code(qual_study, coded, "call_34_612_48_90_37", "Calls", None, "", "a")
    assert "ghosh_worries" not in (qual_study.folder / "codebook.yaml").read_text(encoding="utf-8")


def test_theme_terms_are_words_not_pseudonyms_or_masks(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    lines = ["Melissa Ko: Tell us why you enrolled."]
    for n, sentence in enumerate(CAREER + ONLINE + PLEASURE):
        said = f"As P{16 + n % 2} said in {2020 + n % 3}, " if n % 3 == 0 else "Uh, yeah, you know, like, um, "
        lines.append(f"{SPEAKERS[n % 4]}: {said}{sentence} Write to [email]." if n % 2 else f"{SPEAKERS[n % 4]}: {said}{sentence}")
    import_transcript(qual_study, write(tmp_path / "fg.txt", "\n".join(lines) + "\n"), store=store)
    terms = {term for theme in suggest_themes(store, k=3) for term in theme.terms}
    assert terms and not {t for t in terms if any(c.isdigit() for c in t)} and "email" not in terms
    assert not terms & {"uh", "um", "yeah", "know", "like"}  # speech's fillers are no theme
    assert {"promotion", "online"} & terms


def test_stop_words_per_language() -> None:
    assert {"the", "and"} <= stop_words(["en"]) and "que" not in stop_words(["en"])
    assert {"que", "los", "para"} <= stop_words(["es"]) and {"amb", "però", "els"} <= stop_words(["ca"])
    assert {"está", "esta", "mas", "tambien"} <= stop_words(["es"])  # compared after accents are taken off
    assert stop_words(["xx"]) == frozenset()


def test_cli_formats_and_exit_codes(coded: QualStore, qual_study: Study) -> None:
    folder = str(qual_study.folder)
    runner = CliRunner()
    csv_out = runner.invoke(app, ["code", "suggest", folder, "career", "--coder", "a", "--top", "2", "-f", "csv"])
    assert csv_out.exit_code == 0 and csv_out.stdout.splitlines()[0] == "document,start,end,score,text"
    assert len(csv_out.stdout.splitlines()) == 3
    as_json = runner.invoke(app, ["code", "suggest", folder, "career", "--coder", "a", "--top", "2", "-f", "json"])
    assert as_json.exit_code == 0 and '"score"' in as_json.stdout
    md = runner.invoke(app, ["code", "suggest", folder, "career", "--coder", "a", "--top", "2", "-f", "md"])
    assert md.stdout.startswith("| document | start | end | score | text |")
    for args in (["career", "--coder", "nobody"], ["nope", "--coder", "a"]):
        failed = runner.invoke(app, ["code", "suggest", folder, *args])
        assert failed.exit_code == 2 and "error: no" in failed.stderr
    themes = runner.invoke(app, ["themes", "suggest", folder, "--k", "3", "-f", "csv"])
    assert themes.exit_code == 0 and themes.stdout.startswith("theme,label,terms,people,segments,document")
    made = runner.invoke(app, ["themes", "suggest", folder, "--k", "3", "--make", "2", "--name", "Cost worries"])
    assert made.exit_code == 0 and "cost_worries" in made.stdout
    assert runner.invoke(app, ["themes", "suggest", folder, "--k", "3", "--make", "9", "--name", "X"]).exit_code == 2
    assert runner.invoke(app, ["themes", "suggest", folder, "--documents", "nope"]).exit_code == 2
    assert runner.invoke(app, ["code", "suggest", folder, "career", "--coder", "a", "--unit", "page"]).exit_code == 2


def test_the_same_on_postgresql(qual_study: Study, tmp_path: Path, pg_database: str) -> None:
    from learnervoice.qual.codebook import sync_codebook

    store = QualStore.for_study(qual_study, url=pg_database)
    sync_codebook(qual_study, store)
    import_transcript(qual_study, _transcript(tmp_path), store=store)
    _code(store, _transcript(tmp_path).read_text(), CAREER[:6], "career", "a")
    found = suggest_codings(store, "career", "a", top=4)
    assert sorted(s.text for s in found) == sorted(CAREER[6:])
    record_decision(store, "career", "a", "fg", found[0].start, found[0].end, accepted=False)
    record_decision(store, "career", "a", "fg", found[1].start, found[1].end, accepted=True)
    assert {s.text for s in suggest_codings(store, "career", "a", top=30)}.isdisjoint({found[0].text, found[1].text})
    assert accepted_suggestions(store)[0]["start"] == found[1].start
    store.close()


def test_kept_features_follow_a_change_of_speakers(coded: QualStore, qual_study: Study) -> None:
    from learnervoice.qual.speakers import assign_speakers, parse_assignments

    assert len(suggest_codings(coded, "career", "a", top=40)) == 24  # the features are kept from here on
    assign_speakers(qual_study, coded, "fg", parse_assignments(["2-31=M1"]))
    # every turn is a moderator's now, a's codings among them: the moderator's question is offered too
    assert len(suggest_codings(coded, "career", "a", top=40)) == 25
