"""Sentence vectors from a static embedding model kept in a local folder: the optional `embedding` method of suggestions.

The folder has the layout model2vec ("potion") models are saved in: `tokenizer.json` (a Hugging Face `tokenizers`
file) and `model.safetensors` holding one 2-D tensor, tokens × dimensions, named `embeddings` (or
`embedding.weight`, as sentence-transformers saves a StaticEmbedding); a `config.json` may be there and is not read.
A text's vector is the mean of its tokens' vectors — no special tokens added, the unknown token left out, the first
MAX_TOKENS tokens only, as model2vec encodes — scaled to unit length; a text with no known token gets zeros.
Models with a quantised vocabulary (`mapping` or `weights` tensors beside the embeddings) are refused rather than
read wrongly. The files are read from the folder and nowhere else: nothing is ever downloaded, and a folder that is
not there is an error, never a name to look up on a model hub. The reader needs the `embeddings` extra
(`tokenizers`, `safetensors`); the default n-gram method needs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError, ModelError
from ..study.load import Study

TOKENIZER_FILE = "tokenizer.json"
WEIGHTS_FILE = "model.safetensors"
TENSOR_NAMES = ("embeddings", "embedding.weight")
REFUSED_TENSORS = ("mapping", "weights")
MAX_TOKENIZER_BYTES = 50 * 1024**2
MAX_WEIGHTS_BYTES = 2 * 1024**3
MAX_TOKENS = 512
METHODS = ("ngram", "embedding")
EXTRA = "pip install 'learnervoice[embeddings]'"
_MODELS: dict[tuple[Any, ...], StaticModel] = {}
_MODELS_KEPT = 2


@dataclass(frozen=True, eq=False)
class StaticModel:
    """A tokenizer and one vector per token; `key` names the folder and its files' sizes and times."""

    key: tuple[Any, ...]
    tokenizer: Any
    vectors: Any  # numpy float32, tokens × dimensions
    unknown: int | None

    @property
    def dimensions(self) -> int:
        return int(self.vectors.shape[1])

    def embed(self, texts: Sequence[str]) -> Any:
        """One unit-length row per text (numpy float32); zeros for a text with no known token."""
        import numpy as np
        from scipy import sparse

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        rows, cols = [], []
        for n, encoding in enumerate(self.tokenizer.encode_batch(texts, add_special_tokens=False)):
            ids = [i for i in encoding.ids if i != self.unknown][:MAX_TOKENS]
            rows += [n] * len(ids)
            cols += ids
        counts = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                                   shape=(len(texts), self.vectors.shape[0]))
        summed = np.asarray(counts @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)  # the mean's direction is the sum's
        return np.divide(summed, norms, out=np.zeros_like(summed), where=norms > 0)


def model_folder(study: Study, method: str | None = None) -> Path | None:
    """The model folder suggestions use: None for the n-gram method. `method` (ngram or embedding) overrides the
    study's `suggestions.method`; the folder is `suggestions.model`, relative to the study folder or absolute."""
    settings = study.config.suggestions
    chosen = settings.method if method is None else method
    if chosen not in METHODS:
        raise InvalidInputError(f"method {chosen!r}: use ngram or embedding")
    if chosen == "ngram":
        return None
    if settings.model is None:
        raise ModelError(f"{study.folder / 'study.yaml'}: the embedding method needs the model's folder: add "
                         "`suggestions: {method: embedding, model: FOLDER}` (a local folder holding "
                         f"{TOKENIZER_FILE} and {WEIGHTS_FILE}; see docs/suggestions.md)")
    return study.resolve(settings.model)


def load_model(folder: Path) -> StaticModel:
    """The model in `folder`, read once while its files stay the same (a changed file is read again)."""
    key = model_key(folder)
    if key in _MODELS:
        return _MODELS[key]
    tokenizer, unknown = _tokenizer(folder / TOKENIZER_FILE)
    vectors = _vectors(folder / WEIGHTS_FILE)
    if tokenizer.get_vocab_size(with_added_tokens=True) > vectors.shape[0]:
        raise ModelError(f"{folder}: {TOKENIZER_FILE} has {tokenizer.get_vocab_size(with_added_tokens=True)} tokens "
                         f"but {WEIGHTS_FILE} only {vectors.shape[0]} vectors: the two files are not one model's")
    if len(_MODELS) >= _MODELS_KEPT:
        _MODELS.pop(next(iter(_MODELS)))
    _MODELS[key] = found = StaticModel(key, tokenizer, vectors, unknown)
    return found


def model_key(folder: Path) -> tuple[Any, ...]:
    """The folder and each file's size and modification time; checks the files are there and not too large."""
    if folder.exists() and not folder.is_dir():
        raise ModelError(f"{folder}: a file, not a folder (the model's folder holds {TOKENIZER_FILE} and {WEIGHTS_FILE})")
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such folder (the sentence-embedding model's folder, from the study's "
                         "`suggestions.model`; nothing is downloaded, the model must be copied there)")
    key: list[Any] = [str(folder.resolve())]
    for name, limit in ((TOKENIZER_FILE, MAX_TOKENIZER_BYTES), (WEIGHTS_FILE, MAX_WEIGHTS_BYTES)):
        path = folder / name
        if not path.is_file():
            raise ModelError(f"{folder}: {name} is missing (a model folder holds {TOKENIZER_FILE} and {WEIGHTS_FILE})")
        stat = path.stat()
        if stat.st_size > limit:
            raise ModelError(f"{path}: {stat.st_size / 1024**2:,.0f} MB is larger than the {limit / 1024**2:,.0f} MB "
                             "allowed for this file")
        key += [stat.st_size, stat.st_mtime_ns]
    return tuple(key)


def _tokenizer(path: Path) -> tuple[Any, int | None]:
    """The tokenizer with no padding or truncation, and its unknown token's id (None when it has none)."""
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise ModelError(f"the embedding method needs the `tokenizers` package: {EXTRA}") from None
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # the Rust reader raises a bare Exception with its reason
        raise ModelError(f"{path}: not a Hugging Face tokenizers file ({str(exc)[:200]})") from None
    tokenizer.no_padding()
    tokenizer.no_truncation()
    unk = getattr(tokenizer.model, "unk_token", None)
    return tokenizer, (None if unk is None else tokenizer.token_to_id(unk))


def _vectors(path: Path) -> Any:
    """The token vectors as float32 (tokens × dimensions)."""
    import numpy as np

    try:
        from safetensors import safe_open
    except ImportError:
        raise ModelError(f"the embedding method needs the `safetensors` package: {EXTRA}") from None
    try:
        with safe_open(str(path), framework="numpy") as tensors:
            names = list(tensors.keys())
            name = next((n for n in TENSOR_NAMES if n in names), None)
            refused = [n for n in REFUSED_TENSORS if n in names]
            if name is None or refused:
                raise ModelError(_layout_problem(path, names, refused))
            vectors = tensors.get_tensor(name)
    except ModelError:
        raise
    except Exception as exc:  # a header that is not JSON, a truncated file, a dtype numpy lacks (bfloat16)
        raise ModelError(f"{path}: not a readable safetensors file ({str(exc)[:200]})") from None
    if vectors.ndim != 2 or vectors.shape[0] == 0 or vectors.shape[1] == 0 or vectors.dtype.kind != "f":
        raise ModelError(f"{path}: the {name!r} tensor is {vectors.dtype} of shape {tuple(vectors.shape)}; expected "
                         "floating-point numbers, one row per token")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if not np.isfinite(vectors).all():
        raise ModelError(f"{path}: the {name!r} tensor holds values that are not numbers (NaN or infinite)")
    return vectors


def _layout_problem(path: Path, names: list[str], refused: list[str]) -> str:
    if refused:
        return (f"{path}: a model with a quantised vocabulary ({', '.join(refused)} tensors) is not supported; use "
                "one whose file holds only the embeddings")
    return (f"{path}: no tensor named {' or '.join(TENSOR_NAMES)} (found: {', '.join(names[:10]) or 'none'}); a "
            "model2vec folder holds one 2-D tensor of token vectors")
