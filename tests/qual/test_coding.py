"""Codebook changes keep codings; codings from files and auto-coding; memos; audit; queries."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from learnervoice.privacy.gate import gate_for
from learnervoice.cli import app
from learnervoice.errors import CodingError, StudyError, TableError
from learnervoice.qual.codebook import delete_code, load_codebook, merge_codes, move_code, rename_code, split_code
from learnervoice.qual.codings import NewCoding, add_codings, add_memo, autocode, read_codings_csv
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.queries import code_by_attribute, code_frequencies, cooccurrence, keyword_in_context, quotes
from learnervoice.store import QualStore
from learnervoice.store.schema import audit, codes, codings, memos
from learnervoice.study import open_study
from learnervoice.study.load import Study

from ..conftest import snapshot
from .conftest import write

TRANSCRIPT = """Melissa Ko: What made you sign up?
Ryan Sloan: Mostly promotion. My employer counts accredited courses.
Srijani Ghosh: I just love learning new things, it is a pleasure.
Shreeharsh Kelkar: Promotion for me too, and I prefer online courses I can follow asynchronously.
Núria Vidal: Online, yes, at night when the children sleep.
"""


@pytest.fixture
def coded(qual_study: Study, store: QualStore, tmp_path: Path) -> QualStore:
    import_transcript(qual_study, write(tmp_path / "fg1.txt", TRANSCRIPT), store=store)
    with store.read() as conn:
        text = conn.execute(sa.text("SELECT text FROM documents")).scalar_one()

    def span(words: str) -> tuple[int, int]:
        start = text.index(words)
        return start, start + len(words)

    items = []
    for coder in ("anna", "ben"):
        items.append(NewCoding("fg1", *span("Mostly promotion"), "career", coder))
        items.append(NewCoding("fg1", *span("I just love learning new things"), "pleasure", coder))
        items.append(NewCoding("fg1", *span("Promotion for me too"), "career", coder))
        items.append(NewCoding("fg1", *span("Online, yes"), "online", coder))
    items.append(NewCoding("fg1", *span("I prefer online courses"), "online", "anna"))  # ben missed it
    items.append(NewCoding("fg1", *span("follow asynchronously"), "asynchronous", "ben"))
    assert add_codings(store, items, who="test") == len(items)
    return store


def test_quotes_with_attributes_and_filters(qual_study: Study, coded: QualStore) -> None:
    found = quotes(qual_study, coded, "career", coder="anna")
    assert list(found["quote"]) == ["Mostly promotion", "Promotion for me too"]
    assert list(found["speaker"]) == ["P02", "P03"] and list(found["career_stage"]) == ["senior", "senior"]
    assert list(found["respondent_id"]) == ["R002", "R003"]
    # context stays inside the speaker's turn: nothing before a turn's first words, "…" where a sentence is cut
    assert found["before"][1] == "" and found["after"][1] == ", and I prefer online courses I can follow asynchronously."
    short = quotes(qual_study, coded, "career", coder="anna", context=2)
    assert list(short["excerpt"]) == ["Mostly promotion. My employer…", "Promotion for me too, and I…"]
    assert list(quotes(qual_study, coded, "career", coder="anna", context=0)["excerpt"]) == [
        "Mostly promotion…", "Promotion for me too…"]
    juniors = quotes(qual_study, coded, "motivation", where={"career_stage": "junior"})  # sub-codes included
    assert set(juniors["speaker"]) == {"P01"}


def test_frequencies_by_unit_and_attribute(qual_study: Study, coded: QualStore) -> None:
    freq = code_frequencies(qual_study, coded, coder="anna").set_index("code")
    assert freq.loc["online", ["segments", "documents", "participants"]].tolist() == [2, 1, 2]
    # a parent counts its own codings and its sub-codes' (career 2, pleasure 1), and says so
    assert freq.loc["motivation", ["segments", "documents", "participants", "own_segments"]].tolist() == [3, 1, 3, 0]
    assert freq.loc["motivation", "counted"] == "incl. sub-codes" and freq.loc["career", "counted"] == "own"
    assert freq.loc["format", ["segments", "participants"]].tolist() == [2, 2]  # online (2); asynchronous: ben's only
    matrix = code_by_attribute(qual_study, coded, "career_stage")
    assert matrix.loc["career", "senior"] == 2 and matrix.loc["pleasure", "junior"] == 1
    assert matrix.loc["motivation", "senior"] == 2 and matrix.loc["motivation", "junior"] == 1  # rolled up


def test_a_segment_coded_with_two_sub_codes_counts_once_for_their_parent(qual_study: Study, coded: QualStore) -> None:
    with coded.read() as conn:
        text = conn.execute(sa.text("SELECT text FROM documents")).scalar_one()
    start = text.index("Mostly promotion")
    add_codings(coded, [NewCoding("fg1", start, start + len("Mostly promotion"), "pleasure", "anna"),
                        NewCoding("fg1", start, start + len("Mostly promotion"), "motivation", "anna")], who="t")
    freq = code_frequencies(qual_study, coded, coder="anna").set_index("code")
    assert freq.loc["motivation", ["segments", "own_segments", "participants"]].tolist() == [3, 1, 3]
    assert freq.loc["pleasure", "segments"] == 2


def test_cooccurrence_and_kwic(qual_study: Study, coded: QualStore) -> None:
    same_turn = cooccurrence(qual_study, coded, unit="turn")
    assert same_turn.loc["career", "online"] >= 1  # P03's turn has both
    overlap = cooccurrence(qual_study, coded, unit="overlap")
    assert overlap.loc["career", "online"] == 0
    hits = keyword_in_context(coded, r"promotion")
    assert len(hits) == 2 and set(hits["speaker"]) == {"P02", "P03"}


def test_codebook_changes_keep_codings(qual_study: Study, coded: QualStore) -> None:
    def count(key: str) -> int:
        with coded.read() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(codings.join(codes)).where(codes.c.key == key)
            ).scalar_one()

    rename_code(qual_study, coded, "career", "Career advancement", "lead")
    move_code(qual_study, coded, "online", "motivation", "lead")
    assert count("career") == 4 and count("online") == 3
    with pytest.raises(CodingError, match="own descendant"):
        move_code(qual_study, coded, "motivation", "online", "lead")
    assert merge_codes(qual_study, coded, "asynchronous", "online", "lead") == 1
    assert count("online") == 4
    with pytest.raises(CodingError, match="has 4 coding"):
        delete_code(qual_study, coded, "online", "lead")
    delete_code(qual_study, coded, "online", "lead", codings_to="format")
    assert count("format") == 4
    with coded.read() as conn:
        ids = [r.id for r in conn.execute(sa.select(codings.c.id).join(codes).where(codes.c.key == "career", codings.c.coder == "anna"))]
    split_code(qual_study, coded, "career", "promotion", "Promotion", ids[:1], "lead")
    assert count("promotion") == 1 and count("career") == 3
    spec = load_codebook(qual_study)  # written back to codebook.yaml
    names = {c.key: c.name for c in spec.codes[0].children}
    assert names["career"] == "Career advancement" and "promotion" in names
    with coded.read() as conn:
        actions = [r.action for r in conn.execute(sa.select(audit.c.action).order_by(audit.c.id))]
    # refused changes leave no audit record: only what happened is logged
    assert actions == ["sync_codebook", "import_transcript", "add_codings", "rename_code", "move_code",
                       "merge_codes", "delete_code", "split_code"]


def test_bad_codings_store_nothing(qual_study: Study, coded: QualStore, tmp_path: Path) -> None:
    csv_file = write(tmp_path / "c.csv", "document,start,end,code,coder\nfg1,0,5,career,cy\nfg1,5,99999,career,cy\nfg9,0,1,career,cy\nfg1,0,3,nope,cy\n")
    before = snapshot(qual_study.folder)
    with pytest.raises(CodingError) as err:
        add_codings(coded, read_codings_csv(csv_file), who="t", source="c.csv")
    text = str(err.value)
    assert "c.csv, row 3: offsets 5–99999 are outside 'fg1'" in text
    assert "c.csv, row 4, column 'document': no document 'fg9'" in text
    assert "c.csv, row 5, column 'code': no code 'nope'" in text
    assert snapshot(qual_study.folder) == before
    result = CliRunner().invoke(app, ["code", str(qual_study.folder), "--file", str(csv_file)])
    assert result.exit_code == 2 and "no code 'nope'" in result.output


def test_autocode_and_memos(qual_study: Study, coded: QualStore) -> None:
    assert autocode(coded, "online", coder="auto", pattern=r"\bonline\b", who="t") == 2
    assert autocode(coded, "pleasure", coder="auto", speaker="P01", who="t") == 1
    assert autocode(coded, "online", coder="auto", pattern=r"\bonline\b", who="t") == 0  # idempotent
    with pytest.raises(CodingError, match="not a valid regular expression"):
        autocode(coded, "online", coder="auto", pattern="(", who="t")
    memo_id = add_memo(coded, "code", "career", "Promotion and recognition overlap.", author="anna", gate=gate_for(qual_study))
    with coded.read() as conn:
        assert conn.execute(sa.select(memos.c.text).where(memos.c.id == memo_id)).scalar_one().startswith("Promotion")
    with pytest.raises(CodingError, match="no document 'zz'"):
        add_memo(coded, "document", "zz", "x", author="anna", gate=gate_for(qual_study))


def test_codebook_yaml_errors(qual_study: Study) -> None:
    (qual_study.folder / "codebook.yaml").write_text("codes:\n  - {key: a, name: A}\n  - {key: a, name: B}\n", encoding="utf-8")
    with pytest.raises(StudyError, match="repeated: a"):
        load_codebook(qual_study)
    (qual_study.folder / "codebook.yaml").write_text("codes:\n  - {key: A b, name: A}\n", encoding="utf-8")
    with pytest.raises(StudyError, match="line 2"):
        load_codebook(qual_study)


def test_migrations_are_recorded_and_backed_up(qual_study: Study, store: QualStore) -> None:
    from learnervoice.store import schema as store_module

    path = qual_study.folder / "qual.sqlite"
    assert store.migrate() == []  # nothing pending
    extra = ("9999_test_column", lambda conn: conn.exec_driver_sql("ALTER TABLE memos ADD COLUMN mood TEXT"))
    store_module.MIGRATIONS.append(extra)
    try:
        again = QualStore.for_study(qual_study)
        assert (qual_study.folder / "qual.sqlite.bak").is_file() and path.is_file()
        assert "mood" in [c["name"] for c in sa.inspect(again.engine).get_columns("memos")]
    finally:
        store_module.MIGRATIONS.remove(extra)


def test_cli_quotes_and_codes(qual_study: Study, coded: QualStore) -> None:
    result = CliRunner().invoke(app, ["quotes", str(qual_study.folder), "career", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "Mostly promotion" in result.output and "Ryan" not in result.output
    result = CliRunner().invoke(app, ["codes", str(qual_study.folder), "--by", "career_stage", "--format", "json"])
    assert result.exit_code == 0 and '"senior"' in result.output


def test_codings_from_yaml_with_line_numbers(qual_study: Study, coded: QualStore, tmp_path: Path) -> None:
    from learnervoice.qual.codings import read_codings_file

    good = write(tmp_path / "c.yaml", "- {document: fg1, code: online, coder: cy, quote: Online, occurrence: 1}\n")
    assert add_codings(coded, read_codings_file(good), who="t") == 1
    bad = write(tmp_path / "b.yaml", "- {document: fg1, code: online, coder: cy, quote: x}\n- {document: fg1, coder: cy}\n")
    with pytest.raises(CodingError, match="b.yaml, line 2: a coding needs document, code and coder"):
        read_codings_file(bad)


def test_quantitised_participant_variables(qual_study: Study, coded: QualStore) -> None:
    """Codes as a participant variable: each participant once; several codes of an exclusive set are set apart."""
    from learnervoice.mixed.quantitised import quantitised_table
    from learnervoice.study.model import QuantitisedVariable

    labels = {"career": "Career", "pleasure": "Pleasure", "online": "Online"}
    stance = QuantitisedVariable(id="why", text="Why", codes=("career", "pleasure"), coder="anna")
    table = quantitised_table(qual_study, coded, stance, labels)
    assert [(r.label, r.count) for r in table.rows] == [("Career", 2), ("Pleasure", 1)]
    assert table.base == 3 and table.missing == 1  # P04 voiced neither
    mixed = QuantitisedVariable(id="mix", text="Mix", codes=("career", "online"), coder="anna")
    table = quantitised_table(qual_study, coded, mixed, labels)
    assert table.base == 2 and any("P03" in n for n in table.notes)  # P03 said both: left out, named
    presence = QuantitisedVariable(id="p", text="P", codes=("career", "online"), rule="presence", coder="anna")
    table = quantitised_table(qual_study, coded, presence, labels)
    assert [r.count for r in table.rows] == [2, 2] and table.base_kind == "participant_cases"
    with pytest.raises(TableError, match="no code"):
        quantitised_table(qual_study, coded, QuantitisedVariable(id="x", text="X", codes=("nope",)), labels)


def test_quantitised_count_rule(qual_study: Study, coded: QualStore) -> None:
    from learnervoice.mixed.quantitised import quantitised_table
    from learnervoice.study.model import QuantitisedVariable

    labels = {"career": "Career", "online": "Online"}
    table = quantitised_table(qual_study, coded, QuantitisedVariable(id="n", text="N", codes=("career", "online"),
                                                                       rule="count", coder="anna"), labels)
    # P02 career once; P03 career and online (twice); P04 online once; P01 never
    assert [(r.label, r.count) for r in table.rows] == [("Never", 1), ("Once", 2), ("Twice", 1), ("3 times or more", 0)]
    assert table.base == 4


def test_declared_files_are_read_again_only_when_they_change(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    """Every command syncs first: with nothing changed it writes nothing (the audit log stays as it was)."""
    from learnervoice.qual.sync import sync_declared

    write(qual_study.folder / "fg1.txt", TRANSCRIPT)
    write(qual_study.folder / "c.csv", "document,code,coder,quote\nfg1,career,x,Mostly promotion\n")
    text = (qual_study.folder / "study.yaml").read_text(encoding="utf-8")
    write(qual_study.folder / "study.yaml", text + "transcripts: [{file: fg1.txt}]\ncodings: [c.csv]\n")
    study = open_study(qual_study.folder)

    def audit_rows() -> int:
        with store.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(audit)).scalar_one())

    sync_declared(study, store)
    first = audit_rows()
    sync_declared(study, store)
    assert audit_rows() == first
    write(qual_study.folder / "c.csv", "document,code,coder,quote\nfg1,career,x,Mostly promotion\nfg1,online,x,Online\n")
    sync_declared(study, store)
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(codings).where(codings.c.coder == "x")).scalar_one() == 2
    write(qual_study.folder / "c.csv", "document,code,coder,quote\nfg1,nope,x,Online\n")
    with pytest.raises(CodingError, match="no code 'nope'"):
        sync_declared(study, store)
    with pytest.raises(CodingError, match="no code 'nope'"):  # still reported: a refused file is not recorded
        sync_declared(study, store)


def test_quantitised_predominant_rule(qual_study: Study, coded: QualStore) -> None:
    """Each participant in the group of codes (parents include their sub-codes) of which they voiced most distinct codes.

    By hand from the `coded` fixture (coder anna): P01 pleasure; P02 career; P03 career and online;
    P04 online. So motivation: P01, P02; format: P04; P03 ties.
    """
    from learnervoice.mixed.quantitised import quantitised_table
    from learnervoice.qual.quantitise import participant_groups
    from learnervoice.study.model import QuantitisedVariable

    variable = QuantitisedVariable.model_validate({
        "id": "kind", "text": "Kind", "rule": "predominant", "coder": "anna",
        "groups": [{"code": "why", "label": "Why", "from": ["motivation"]},
                   {"code": "how", "label": "How", "from": ["online", "asynchronous"]}],
        "tie": {"code": "both", "label": "Both"},
    })
    assert participant_groups(qual_study, coded, variable) == {"P01": "why", "P02": "why", "P03": "both", "P04": "how"}
    table = quantitised_table(qual_study, coded, variable, {})
    assert [(r.code, r.count) for r in table.rows] == [("why", 2), ("how", 1), ("both", 1)] and table.base == 4
    no_tie = variable.model_copy(update={"tie": None})
    assert "P03" not in participant_groups(qual_study, coded, no_tie)
    unknown = variable.model_copy(update={"groups": (variable.groups[0], variable.groups[1].model_copy(update={"from_codes": ("nope",)}))})
    with pytest.raises(TableError, match="quantitised variable 'kind': no code 'nope'"):
        participant_groups(qual_study, coded, unknown)


@pytest.mark.parametrize("spec, message", [
    ({"rule": "predominant", "codes": ["online"]}, "needs two or more 'groups'"),
    ({"rule": "exclusive", "groups": [{"code": "a", "label": "A", "from": ["online"]}]}, "needs 'codes'"),
])
def test_quantitised_variable_shape_is_checked(spec: dict[str, object], message: str) -> None:
    from pydantic import ValidationError

    from learnervoice.study.model import QuantitisedVariable

    with pytest.raises(ValidationError, match=message):
        QuantitisedVariable.model_validate({"id": "v", "text": "V"} | spec)


def _coded_by(store: QualStore, coder: str) -> list[str]:
    with store.read() as conn:
        text = conn.execute(sa.text("SELECT text FROM documents")).scalar_one()
        rows = conn.execute(sa.select(codings.c.start, codings.c.end).where(codings.c.coder == coder)
                            .order_by(codings.c.start)).all()
    return [text[a:b] for a, b in rows]


def test_autocode_codes_sentences_by_default_or_whole_turns(qual_study: Study, store: QualStore, tmp_path: Path) -> None:
    import_transcript(qual_study, write(tmp_path / "fg1.txt", TRANSCRIPT), store=store)
    assert autocode(store, "career", coder="s", pattern="employer", who="t") == 1
    assert _coded_by(store, "s") == ["My employer counts accredited courses."]
    assert autocode(store, "career", coder="t", pattern="employer", unit="turn", who="t") == 1
    assert _coded_by(store, "t") == ["Mostly promotion. My employer counts accredited courses."]
    assert autocode(store, "career", coder="p", speaker="P02", who="t") == 2  # each of the speaker's sentences
    assert _coded_by(store, "p") == ["Mostly promotion.", "My employer counts accredited courses."]
    with pytest.raises(CodingError, match="a 'sentence' or a 'turn'"):
        autocode(store, "career", coder="x", pattern="a", unit="word", who="t")
