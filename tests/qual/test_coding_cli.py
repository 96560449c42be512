"""The coding commands on the example: sentence units, context, rolled-up counts, history and undo."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.study.load import Study


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sizes_counts_and_undo_through_the_cli(example: Study) -> None:
    study = str(example.folder)
    code, out, _ = run("code", study, "--auto", "price", "--pattern", r"\bprice\b", "--coder", "auto")
    assert code == 0 and out.strip().endswith("coding(s) added (sentences)")
    added = int(out.split()[0])
    assert added > 0
    quotes = json.loads(run("quotes", study, "price", "--coder", "auto", "-f", "json")[1])
    assert len(quotes) == added and all(len(q["quote"].split()) < 80 for q in quotes)  # sentences, not turns
    wide = json.loads(run("quotes", study, "price", "--coder", "auto", "--context", "5", "-f", "json")[1])
    assert all(len(w["quote"]) >= len(q["quote"].strip("…")) for w, q in zip(wide, quotes))
    assert "Quotes: the coded words with 0 word(s) of context" in run("quotes", study, "price")[1]

    codes = {r["code"]: r for r in json.loads(run("codes", study, "-f", "json")[1])}
    assert codes["motivation"]["counted"] == "incl. sub-codes" and codes["motivation"]["segments"] > 0
    assert codes["motivation"]["own_segments"] == 0 and codes["pleasure"]["counted"] == "own"

    _, table, _ = run("agreement", study, "--unit", "sentence", "--bootstrap", "0", "--coder", "coder_a", "--coder", "coder_b")
    assert table.startswith("Unit: sentence;")
    listed = json.loads(run("agreement", study, "--unit", "sentence", "--disagreements", "--context", "3",
                            "--coder", "coder_a", "--coder", "coder_b", "-f", "json")[1])
    assert listed and {"turn", "sentence", "text"} <= set(listed[0])

    assert run("codebook", "merge", study, "curiosity", "pleasure", "--as", "ana")[0] == 0
    changes = json.loads(run("history", study, "-f", "json")[1])
    assert [c["action"] for c in changes[:2]] == ["merge_codes", "add_codings"] and changes[0]["can_undo"]
    assert json.loads(run("codebook", "history", study, "-f", "json")[1])[0]["what"] == "merge curiosity into pleasure"
    code, out, _ = run("undo", study, "--as", "ana")
    assert code == 0 and out.strip() == f"undone: change {changes[0]['id']} by ana: merge curiosity into pleasure"
    assert "curiosity" in (example.folder / "codebook.yaml").read_text(encoding="utf-8")
    code, out, _ = run("undo", study, "--kind", "codings")
    assert code == 0 and "add" in out
    assert json.loads(run("quotes", study, "price", "--coder", "auto", "-f", "json")[1]) == []

    code, _, err = run("undo", study, str(changes[0]["id"]))
    assert code == 2 and "undone already" in err
    code, _, err = run("undo", study, "--kind", "memos")
    assert code == 2 and "no kind of change 'memos'" in err
