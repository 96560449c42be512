"""The optional embedding method of suggestions: a static model read from a local folder, never downloaded.

The model is WordLlama's l2_supercat_256 (MIT), shipped inside the `wordllama` wheel of the package index (a
dev dependency): its tokenizer file and its safetensors file (tensor `embedding.weight`, 32,000 × 256) are copied
into a model2vec-layout folder (`wordllama_model` in tests/conftest.py); learnervoice reads the folder, never the
wordllama package.
"""

from __future__ import annotations

import shutil
import socket
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from learnervoice.cli import app
from learnervoice.errors import ModelError, StudyError
from learnervoice.qual import embeddings, segments
from learnervoice.qual.codebook import sync_codebook
from learnervoice.qual.codings import NewCoding, add_codings
from learnervoice.qual.documents import import_transcript
from learnervoice.qual.embeddings import load_model, model_folder
from learnervoice.qual.suggest import suggest_codings
from learnervoice.store import QualStore
from learnervoice.store import codings as codings_db
from learnervoice.study.load import Study, open_study

from .conftest import write

PARAPHRASE = "I could not afford the fee."
COST = ["It costs too much.", "The price is far too high."]
OTHERS = ["We talked too much in the first session.", "The school is far from the station.", "The online platform crashed twice in the first week.", "My manager asked for the certificate first.",
          "I love learning new things, it is a joy.", "Video lessons let me pause and go back.",
          "Our group met on Tuesday evenings in the library.", "The teacher answered every question by e-mail."]
SPEAKERS = ["Ryan Sloan", "Srijani Ghosh", "Shreeharsh Kelkar", "Núria Vidal"]


@pytest.fixture
def wordllama_folder(wordllama_model: Path) -> Path:
    return wordllama_model


@pytest.fixture
def cost_store(qual_study: Study, store: QualStore, tmp_path: Path) -> QualStore:
    """A focus group in which coder a coded the two cost sentences with `cost`; the paraphrase shares no word."""
    with (qual_study.folder / "codebook.yaml").open("a", encoding="utf-8") as codebook:
        codebook.write("  - {key: cost, name: Cost}\n")
    sync_codebook(qual_study, store)
    said = [*COST, PARAPHRASE, *OTHERS]
    lines = ["Melissa Ko: Tell us about the course."]
    lines += [f"{SPEAKERS[n % 4]}: {text}" for n, text in enumerate(said)]
    import_transcript(qual_study, write(tmp_path / "fg.txt", "\n".join(lines) + "\n"), store=store)
    add_codings(store, [NewCoding("fg", 0, 0, "cost", "a", quote=s) for s in COST], who="a")
    return store


def _setting(study: Study, text: str) -> Study:
    """The study with `text` added to its study.yaml as first written (a setting replaces the one set before)."""
    path = study.folder / "study.yaml"
    first = study.folder / "study.yaml.first"
    if not first.exists():
        shutil.copy(path, first)
    path.write_text(first.read_text(encoding="utf-8") + text, encoding="utf-8")
    return open_study(study.folder)


def test_related_sentences_are_nearer_than_unrelated(wordllama_folder: Path) -> None:
    model = load_model(wordllama_folder)
    cost, afford, crash, empty = model.embed([COST[0], PARAPHRASE, "The online platform crashed twice.", ""])
    assert model.dimensions == 256
    assert np.isclose(np.linalg.norm(cost), 1.0, atol=1e-5) and not empty.any()  # unit length; no token: zeros
    assert float(cost @ afford) > float(cost @ crash) + 0.3


def test_the_mean_of_the_token_vectors(wordllama_folder: Path) -> None:
    """The vector is the mean of the tokens' rows of the tensor, no <s> added (as model2vec and WordLlama embed)."""
    from safetensors.numpy import load_file

    model = load_model(wordllama_folder)
    table = load_file(str(wordllama_folder / "model.safetensors"))["embedding.weight"].astype(np.float32)
    ids = model.tokenizer.encode(COST[0], add_special_tokens=False).ids
    assert 1 not in ids  # <s>
    mean = table[ids].mean(axis=0)
    assert np.allclose(model.embed([COST[0]])[0], mean / np.linalg.norm(mean), atol=1e-5)


def test_a_paraphrase_with_no_shared_word_comes_first_with_embeddings_only(cost_store: QualStore,
                                                                           wordllama_folder: Path) -> None:
    by_ngrams = [s.text for s in suggest_codings(cost_store, "cost", "a", top=10)]
    by_embeddings = [s.text for s in suggest_codings(cost_store, "cost", "a", top=10, model=wordllama_folder)]
    assert sorted(by_ngrams) == sorted(by_embeddings) == sorted([PARAPHRASE, *OTHERS])
    assert by_embeddings[0] == PARAPHRASE
    assert by_ngrams[0] != PARAPHRASE  # n-grams put first a sentence that shares words ("too much", "far") instead


def test_no_network_is_attempted(cost_store: QualStore, wordllama_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    segments._CACHE.clear()
    embeddings._MODELS.clear()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert suggest_codings(cost_store, "cost", "a", top=3, model=wordllama_folder)


def test_features_are_kept_per_model_and_read_again_when_its_file_changes(cost_store: QualStore,
                                                                           wordllama_folder: Path,
                                                                           tmp_path: Path) -> None:
    plain = segments.corpus(cost_store, "sentence", ["en"])
    model = load_model(wordllama_folder)
    embedded = segments.corpus(cost_store, "sentence", ["en"], model)
    assert embedded is not plain and embedded.matrix.shape[1] == plain.matrix.shape[1] + 2 * 256
    assert segments.corpus(cost_store, "sentence", ["en"], model) is embedded
    copy = tmp_path / "copy"
    shutil.copytree(wordllama_folder, copy)
    first = load_model(copy)
    assert load_model(copy) is first
    (copy / "tokenizer.json").write_bytes((copy / "tokenizer.json").read_bytes() + b"\n")
    assert load_model(copy) is not first


def test_the_setting_is_read_from_study_yaml(qual_study: Study, wordllama_folder: Path) -> None:
    assert model_folder(qual_study) is None  # n-grams by default: no model needed
    relative = _setting(qual_study, "suggestions: {method: embedding, model: models/m}\n")
    assert model_folder(relative) == qual_study.folder / "models" / "m"
    assert model_folder(relative, "ngram") is None
    absolute = _setting(qual_study, f"suggestions: {{method: embedding, model: '{wordllama_folder}'}}\n")
    assert model_folder(absolute) == wordllama_folder
    with pytest.raises(ModelError, match="needs the model's folder"):
        model_folder(qual_study, "embedding")


@pytest.mark.parametrize("setting, message", [
    ("suggestions: {method: embedding}\n", "needs `model: FOLDER`"),
    ("suggestions: {method: bert, model: m}\n", "ngram"),
    ("suggestions: {model: m, folder: x}\n", "folder"),
])
def test_a_wrong_setting_names_study_yaml_and_its_line(qual_study: Study, setting: str, message: str) -> None:
    with pytest.raises(StudyError, match=message) as caught:
        _setting(qual_study, setting)
    assert "study.yaml" in str(caught.value) and "line" in str(caught.value)


def test_the_cli_uses_the_setting_and_the_option_overrides_it(cost_store: QualStore, qual_study: Study,
                                                              wordllama_folder: Path) -> None:
    _setting(qual_study, f"suggestions: {{method: embedding, model: '{wordllama_folder}'}}\n")
    runner = CliRunner()
    args = ["code", "suggest", str(qual_study.folder), "cost", "--coder", "a", "-f", "csv"]
    by_setting = runner.invoke(app, args)
    assert by_setting.exit_code == 0 and by_setting.stdout.splitlines()[1].endswith(PARAPHRASE)
    by_option = runner.invoke(app, [*args, "--method", "ngram"])
    assert by_option.exit_code == 0 and not by_option.stdout.splitlines()[1].endswith(PARAPHRASE)
    assert runner.invoke(app, [*args, "--method", "bert"]).exit_code == 2


def _broken(folder: Path, tmp_path: Path, how: str) -> Path:
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    if how == "no tokenizer":
        (bad / "tokenizer.json").unlink()
    elif how == "no weights":
        (bad / "model.safetensors").unlink()
    elif how == "tokenizer not json":
        (bad / "tokenizer.json").write_text("{not json", encoding="utf-8")
    elif how == "weights not safetensors":
        (bad / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00not a header")
    elif how == "another tensor name":
        from safetensors.numpy import save_file

        save_file({"vectors": np.zeros((32000, 4), dtype=np.float32)}, str(bad / "model.safetensors"))
    elif how == "too few vectors":
        from safetensors.numpy import save_file

        save_file({"embeddings": np.zeros((10, 4), dtype=np.float32)}, str(bad / "model.safetensors"))
    elif how == "not numbers":
        from safetensors.numpy import save_file

        save_file({"embeddings": np.full((32000, 4), np.nan, dtype=np.float32)}, str(bad / "model.safetensors"))
    elif how == "a file":
        shutil.rmtree(bad)
        bad.write_text("not a folder", encoding="utf-8")
    elif how == "quantised":
        from safetensors.numpy import save_file

        save_file({"embeddings": np.zeros((32000, 4), dtype=np.float32),
                   "mapping": np.zeros(32000, dtype=np.int64)}, str(bad / "model.safetensors"))
    return bad


@pytest.mark.parametrize("how, message", [
    ("no folder", "no such folder"), ("no tokenizer", "tokenizer.json is missing"),
    ("no weights", "model.safetensors is missing"), ("tokenizer not json", "not a Hugging Face tokenizers file"),
    ("weights not safetensors", "not a readable safetensors file"), ("another tensor name", "found: vectors"),
    ("too few vectors", "not one model's"), ("quantised", "quantised vocabulary"), ("not numbers", "NaN"),
    ("a file", "a file, not a folder"),
])
def test_a_bad_model_folder_is_a_clear_error_with_exit_code_2(cost_store: QualStore, qual_study: Study,
                                                              wordllama_folder: Path, tmp_path: Path, how: str,
                                                              message: str) -> None:
    bad = tmp_path / "nowhere" if how == "no folder" else _broken(wordllama_folder, tmp_path, how)
    with pytest.raises(ModelError, match=message):
        suggest_codings(cost_store, "cost", "a", model=bad)
    _setting(qual_study, f"suggestions: {{method: embedding, model: '{bad}'}}\n")
    with cost_store.read() as conn:
        before = codings_db.spans(conn)
    failed = CliRunner().invoke(app, ["code", "suggest", str(qual_study.folder), "cost", "--coder", "a"])
    assert failed.exit_code == 2 and "Traceback" not in failed.output
    assert str(bad) in " ".join(failed.stderr.split()) and message.split()[0] in failed.stderr
    with cost_store.read() as conn:
        assert codings_db.spans(conn) == before


def test_files_over_the_size_limits_are_refused(wordllama_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embeddings._MODELS.clear()
    monkeypatch.setattr(embeddings, "MAX_TOKENIZER_BYTES", 1024**2)
    with pytest.raises(ModelError, match=r"tokenizer.json: 2 MB is larger than the 1 MB allowed"):
        load_model(wordllama_folder)
    monkeypatch.setattr(embeddings, "MAX_TOKENIZER_BYTES", 50 * 1024**2)
    monkeypatch.setattr(embeddings, "MAX_WEIGHTS_BYTES", 1024**2)
    with pytest.raises(ModelError, match=r"model.safetensors: 16 MB is larger"):
        load_model(wordllama_folder)


def test_without_the_extra_the_error_says_what_to_install(wordllama_folder: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    embeddings._MODELS.clear()
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # an import of it fails, as when it is not installed
    with pytest.raises(ModelError, match=r"pip install 'learnervoice\[embeddings\]'"):
        load_model(wordllama_folder)
