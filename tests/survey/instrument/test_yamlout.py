"""The study.yaml text: valid YAML that validates, comments where they help, left-outs commented out."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from learnervoice.study.load import parse_config
from learnervoice.survey.instrument.draft import Draft, DraftOption, DraftQuestion, LeftOut
from learnervoice.survey.instrument.yamlout import render, summary


def _draft() -> Draft:
    draft = Draft("A: study — “quoted”\n", ["x.csv (a test)"], data_file=Path("data/x.csv"), respondent_id="id")
    draft.questions = [
        DraftQuestion("yes", "Yes? no: null", "single", [DraftOption("1", "true"), DraftOption("no", "No", ("N", "-9"))],
                      column="Q#1 [a]", notes=["a note"]),
        DraftQuestion("ticks", "Ticks", "multiple", [DraftOption("a", "A")], option_columns={"a": "t/a"}, counted_value="1"),
    ]
    draft.left = [LeftOut("QID9 (Matrix)", "Grid", "grid questions are not supported yet", ["Q9_1", "Q9_2"])]
    draft.ignore("Q9_1", "left as a comment above")
    draft.ignore("e-mail", "personal data (an e-mail address): never a question")
    draft.filter_column = "Finished"
    return draft


def test_what_is_written_validates(tmp_path: Path) -> None:
    text = render(_draft(), "s")
    config = parse_config(YAML(typ="rt").load(text), tmp_path / "study.yaml")
    assert config.title == "A: study — “quoted”\n"
    question = config.question("yes")
    assert question.source == "Q#1 [a]" and [o.aliases for o in question.options] == [(), ("N", "-9")]  # type: ignore[union-attr]
    source = config.responses[0]
    assert source.respondent_id == "id" and source.ignore_columns == ("Q9_1", "e-mail")
    assert source.mapping is not None and source.mapping.questions["ticks"].counted_value == "1"  # type: ignore[union-attr]
    assert config.responses[0].filter == ()  # the filter is only an example, commented out


def test_comments_say_why(tmp_path: Path) -> None:
    text = render(_draft(), "s")
    assert "  # a note\n  - id: \"yes\"" in text  # quoted: YAML 1.1 reads yes as true
    assert "  # QID9 (Matrix): grid questions are not supported yet\n  #   text: Grid\n  #   columns: Q9_1, Q9_2" in text
    assert "      - \"e-mail\"  # personal data (an e-mail address): never a question" in text
    assert "    # filter:\n    #   - {column: Finished, is: [\"1\"]}" in text
    assert summary(_draft()) == "2 questions (1 multiple, 1 single), 2 columns ignored, 1 left as comments"
