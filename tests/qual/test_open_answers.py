"""Open answers as documents: made current by the workspace, pseudonymised, coded, counted, agreed on."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import CodingError, StudyError
from learnervoice.mixed.tables import crosstab_tables, frequency_tables
from learnervoice.qual.agreement import agreement
from learnervoice.qual.codings import NewCoding, add_codings, autocode
from learnervoice.qual.queries import keyword_in_context, quotes
from learnervoice.store import QualStore
from learnervoice.store import documents as documents_db
from learnervoice.store.schema import audit
from learnervoice.study.load import Study
from learnervoice.workspace import open_workspace

from ..conftest import write_study
from .conftest import CODEBOOK, ROSTER

STUDY = """title: Open answers
consent: ok
questions:
  - id: status
    text: Status
    type: single
    options: [{code: work, label: Working}, {code: study, label: Studying}]
  - id: comments
    text: Anything else?
    type: text
responses:
  - {file: data/responses.csv, respondent_id: id}
roster: {attributes: [career_stage, focus_group]}
privacy: {phone_regions: [ES]}
quantitised:
  - {id: mentions_price, text: Mentions price, question: comments, codes: [price], rule: coded, coder: ann}
"""
EXTRA_CODES = """  - key: price
    name: Price
  - key: support
    name: Support
"""
ANSWERS = {
    "R001": "Cheaper fees, please.",
    "R002": "",
    "R003": "Ask Ryan Sloan, he knows. Or mail me at s.kelkar@example.org.",
    "R005": "Call me on 612 48 90 37 about the price.",
    "R006": "More tutor support\nin the evenings.",
}


def _write_responses(folder: Path, answers: dict[str, str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "Status", "Anything else?"])
    for n, (rid, text) in enumerate(answers.items()):
        writer.writerow([rid, "Working" if n % 2 else "Studying", text])
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "responses.csv").write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture
def open_study(tmp_path: Path) -> Study:
    study = write_study(tmp_path / "open", STUDY)
    (study.folder / "private").mkdir()
    (study.folder / "private" / "participants.csv").write_text(ROSTER, encoding="utf-8")
    (study.folder / "codebook.yaml").write_text(CODEBOOK + EXTRA_CODES, encoding="utf-8")
    _write_responses(study.folder, ANSWERS)
    return study


def _document(store: QualStore) -> tuple[str, list[dict[str, object]]]:
    with store.read() as conn:
        doc = documents_db.by_name(conn, "open:comments")
        assert doc is not None
        return doc.text, documents_db.turns_of(conn, doc.id)


def test_each_answer_is_a_segment_under_a_pseudonym_with_personal_data_masked(open_study: Study) -> None:
    with open_workspace(open_study) as ws:
        text, turns = _document(ws.qual)
    assert [t["speaker"] for t in turns] == ["P01", "P03", "S01", "S02"]  # roster pseudonyms first, then S01…; R002 blank
    assert {t["role"] for t in turns} == {"respondent"}
    lines = text.split("\n")
    assert lines[0] == "Cheaper fees, please."
    assert lines[1] == "Ask P02, he knows. Or mail me at [email]."
    assert lines[2] == "Call me on [phone] about the price."
    assert lines[3] == "More tutor support in the evenings."  # one answer, one line
    assert [text[t["start"]:t["end"]] for t in turns] == lines
    assert "R00" not in text and "Sloan" not in text


def test_nothing_is_written_when_nothing_changed(open_study: Study) -> None:
    open_workspace(open_study).close()
    with open_workspace(open_study) as ws:
        with ws.qual.read() as conn:
            before = conn.execute(sa.select(sa.func.count()).select_from(audit)).scalar_one()
    with open_workspace(open_study) as ws:
        with ws.qual.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(audit)).scalar_one() == before


def test_codings_of_unchanged_answers_follow_them_and_the_others_are_dropped_and_logged(open_study: Study) -> None:
    with open_workspace(open_study) as ws:
        add_codings(ws.qual, [NewCoding("open:comments", -1, -1, "price", "ann", quote="Cheaper fees"),
                              NewCoding("open:comments", -1, -1, "support", "ann", quote="tutor support"),
                              NewCoding("open:comments", -1, -1, "price", "ann", quote="about the price")], who="t")
    changed = {"R000": "A new first answer that moves every other one.", **ANSWERS}
    changed["R005"] = "Call me about the fees."  # changed: its coding goes
    _write_responses(open_study.folder, changed)
    with open_workspace(open_study) as ws:
        text, turns = _document(ws.qual)
        coded = quotes(open_study, ws.qual, "price")["quote"].tolist() + quotes(open_study, ws.qual, "support")["quote"].tolist()
        with ws.qual.read() as conn:
            logged = [json.loads(r.detail) for r in conn.execute(sa.select(audit.c.detail).where(audit.c.action == "update_open_answers"))]
    assert turns[0]["speaker"] == "S03"  # a new respondent gets the next pseudonym; the others keep theirs
    assert [t["speaker"] for t in turns[1:]] == ["P01", "P03", "S01", "S02"]
    assert coded == ["Cheaper fees", "tutor support"]  # moved with their answers, the same words
    assert logged[-1]["codings_kept"] == 2
    assert logged[-1]["codings_dropped"] == [{"code": "price", "coder": "ann", "respondent": "S01"}]


def test_codings_follow_an_answer_when_the_roster_later_links_its_respondent(open_study: Study) -> None:
    with open_workspace(open_study) as ws:
        add_codings(ws.qual, [NewCoding("open:comments", -1, -1, "price", "ann", quote="about the price")], who="t")
        assert quotes(open_study, ws.qual, "price")["participant"].tolist() == ["S01"]
    roster = open_study.folder / "private" / "participants.csv"
    roster.write_text(ROSTER + "P05,Ada Byron,participant,R005,junior,FG2\n", encoding="utf-8")
    with open_workspace(open_study) as ws:
        _, turns = _document(ws.qual)
        frame = quotes(open_study, ws.qual, "price")
        with ws.qual.read() as conn:
            logged = [json.loads(r.detail) for r in conn.execute(sa.select(audit.c.detail).where(audit.c.action == "update_open_answers"))]
    assert [t["speaker"] for t in turns] == ["P01", "P03", "P05", "S02"]
    assert frame[["participant", "quote"]].values.tolist() == [["P05", "about the price"]]  # kept, now under P05
    assert logged[-1]["codings_kept"] == 1 and logged[-1]["codings_dropped"] == []


def test_auto_coding_kwic_and_quotes_with_survey_answers(open_study: Study) -> None:
    with open_workspace(open_study) as ws:
        assert autocode(ws.qual, "price", coder="ann", pattern=r"price|fees", who="t") == 2
        found = keyword_in_context(ws.qual, "support")
        frame = quotes(open_study, ws.qual, "price")
    assert found[["document", "speaker", "match"]].values.tolist() == [["open:comments", "S02", "support"]]
    assert found.loc[0, "left"] == "More tutor " and found.loc[0, "right"] == " in the evenings."  # this answer only
    assert frame["participant"].tolist() == ["P01", "S01"]
    assert frame["status"].tolist() == ["study", "work"]  # the respondent's survey answer (option code)
    assert frame["career_stage"].tolist()[0] == "junior"  # and the roster's attributes where the roster has them


def test_coded_variable_is_a_respondent_variable_for_tables_and_by(open_study: Study) -> None:
    with open_workspace(open_study) as ws:
        autocode(ws.qual, "price", coder="ann", pattern=r"price|fees", who="t")
        autocode(ws.qual, "price", coder="bob", pattern=r"support", who="t")  # another coder's: not counted
        table = next(t for t in frequency_tables(open_study, qual=ws.qual).frequencies if t.variable_id == "mentions_price")
        split = crosstab_tables(open_study, "mentions_price", questions=["status"], qual=ws.qual).crosstabs[0]
    assert [(r.code, r.count) for r in table.rows] == [("yes", 2), ("no", 2)]
    assert (table.base, table.missing) == (4, 1)  # R002 left it blank
    assert any("coded by ann" in note for note in table.notes)
    # yes: P01 studying, S01 working; no: P03 and S02, both studying (rows: work, study)
    assert [[r.count for r in column.rows] for column in split.columns] == [[1, 1], [0, 2]]


def test_agreement_on_the_answers(open_study: Study) -> None:
    with open_workspace(open_study) as ws:
        autocode(ws.qual, "price", coder="ann", pattern=r"price|fees", who="t")
        autocode(ws.qual, "price", coder="bob", pattern=r"fees", who="t")
        frame = agreement(ws.qual, unit="turn", bootstrap=0, documents=["open:*"]).set_index("code")
        with pytest.raises(CodingError, match="two coders in FG9"):
            agreement(ws.qual, documents=["FG9"])
    # 4 answers, one code: ann codes 2, bob 1; they agree on 3 of 4 answers
    assert frame.loc["price", "units"] == 4 and frame.loc["price", "percent"] == pytest.approx(0.75)


def test_cli_lists_documents_and_codes_them(open_study: Study, tmp_path: Path) -> None:
    runner = CliRunner()
    codings = tmp_path / "c.csv"
    codings.write_text("document,quote,code,coder\nopen:comments,tutor support,support,ann\n", encoding="utf-8")
    added = runner.invoke(app, ["code", str(open_study.folder), "--file", str(codings)])
    assert added.exit_code == 0 and "1 coding(s) added" in added.stdout
    for command in (["documents", "list"], ["transcripts", "list"]):
        result = runner.invoke(app, [*command, str(open_study.folder), "--format", "csv"])
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows == [{"document": "open:comments", "kind": "open answers", "turns": "4", "speakers": "4", "codings": "1"}]


def test_a_coded_variable_needs_an_open_question(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match="not an open"):
        write_study(tmp_path / "bad", STUDY.replace("question: comments", "question: status"))
    with pytest.raises(StudyError, match="rule 'coded'"):
        write_study(tmp_path / "bad2", STUDY.replace("question: comments, ", ""))


def test_report_quotes_answers_coarsened_among_respondents(open_study: Study) -> None:
    """The focus groups' disclosure rule, among those who answered: 'work' is one answerer's (S01; P02 works but left it blank)."""
    from learnervoice.report.config import QuoteRule, ReportConfig
    from learnervoice.report.themes import themes

    config = ReportConfig(attribution=("status",), k=2, quotes=QuoteRule(per="status", per_code=3))
    disclosure: list[str] = []
    with open_workspace(open_study) as ws:
        autocode(ws.qual, "price", coder="ann", pattern=r"price|fees", unit="turn", who="t")  # a whole answer each
        autocode(ws.qual, "support", coder="ann", pattern=r"support|mail", unit="turn", who="t")
        found = {t.key: t for t in themes(open_study, ws.qual, ("price", "support"), config, disclosure)}
    price = found["price"]
    assert (price.participants, price.unit, price.voiced) == (2, "respondent", "Written by 2 respondent(s)")
    assert sorted(q.attribution for q in price.quotes) == ["P01, study", "S01"]
    # both answers coded 'support' are by students: one quote for the group, the longer, as it was stored (masked)
    assert [q.text for q in found["support"].quotes] == ["Ask P02, he knows. Or mail me at [email]."]
    assert disclosure == ["Attribution of S01: 'status' left out (fewer than 2 participants share it)."]


def test_count_exclusive_and_predominant_rules_per_respondent(open_study: Study) -> None:
    extra = """  - {id: price_count, text: Price segments, question: comments, codes: [price], rule: count}
  - {id: one_code, text: One code, question: comments, codes: [price, support], rule: exclusive}
  - id: leaning
    text: Leaning
    question: comments
    rule: predominant
    groups: [{code: money, label: Money, from: [price]}, {code: help, label: Help, from: [support]}]
    tie: {code: both, label: Both}
"""
    (open_study.folder / "study.yaml").write_text(STUDY + extra, encoding="utf-8")
    with open_workspace(open_study.folder) as ws:
        autocode(ws.qual, "price", coder="ann", pattern=r"price|fees", who="t")
        add_codings(ws.qual, [NewCoding("open:comments", -1, -1, "price", "ann", quote="please")], who="t")
        autocode(ws.qual, "support", coder="ann", pattern=r"support|price", who="t")
        tables = {t.variable_id: t for t in frequency_tables(ws.study, qual=ws.qual).frequencies}
    # P01: price twice; S01: price and support; S02: support; P03: nothing
    assert [(r.code, r.count) for r in tables["price_count"].rows] == [("0", 2), ("1", 1), ("2", 1), ("3plus", 0)]
    one = tables["one_code"]
    assert [(r.code, r.count) for r in one.rows] == [("price", 1), ("support", 1)]  # P01, S02; S01 holds both
    assert any("1 respondent(s) whose answer holds more than one code" in n for n in one.notes)
    assert [(r.code, r.count) for r in tables["leaning"].rows] == [("money", 1), ("help", 1), ("both", 1)]


def test_respondent_ids_written_in_an_answer_are_masked(open_study: Study) -> None:
    """'R006 was me' names a respondent: their pseudonym replaces the id (the roster's for R004; one with
    neither a roster entry nor an answer: '[respondent]'); small numbers stay words."""
    _write_responses(open_study.folder, ANSWERS | {"R004": "", "R008": "",
                                                   "R006": "R006 was me, 2 hours late; ask R004 or R008.",
                                                   "R007": "Give me 3 more weeks."})
    with open_workspace(open_study) as ws:
        text, turns = _document(ws.qual)
    me = next(t["speaker"] for t in turns if text[t["start"]:t["end"]].endswith("or [respondent]."))
    assert f"{me} was me, 2 hours late; ask P04 or [respondent]." in text and "Give me 3 more weeks." in text
    assert not {"R004", "R006", "R008"} & set(text.replace(".", " ").replace(",", " ").split())
