"""Open a study folder: read study.yaml, validate it, report errors with their YAML line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import StudyError
from .model import QUESTION_TAGS, ImportMapping, StudyConfig

STUDY_FILE = "study.yaml"
PRIVATE_DIR = ".learnervoice"
MAX_STUDY_FILE_BYTES = 5_000_000


@dataclass(frozen=True)
class Study:
    """A study folder and its validated instrument."""

    folder: Path
    config: StudyConfig

    @property
    def private_dir(self) -> Path:
        """Where the store and anything identifying live; never exported."""
        return self.folder / PRIVATE_DIR

    @property
    def store_path(self) -> Path:
        return self.private_dir / "store.duckdb"

    def resolve(self, relative: str) -> Path:
        return (self.folder / relative).resolve()


def open_study(path: Path | str) -> Study:
    """Read and validate a study folder (or its study.yaml).

    >>> open_study("examples/microcredentials-2023").config.title  # doctest: +SKIP
    'Learners’ motivations and preferences for micro-credentials (2023)'
    """
    path = Path(path)
    yaml_path = path if path.is_file() else path / STUDY_FILE
    if not yaml_path.is_file():
        raise StudyError(f"no {STUDY_FILE} here; run `learnervoice init {path}` to start a study", file=path)
    if yaml_path.stat().st_size > MAX_STUDY_FILE_BYTES:
        raise StudyError("study.yaml is larger than 5 MB; is this the right file?", file=yaml_path)
    data = _read_yaml(yaml_path)
    config = parse_config(data, yaml_path)
    return Study(folder=yaml_path.parent.resolve(), config=config)


def _read_yaml(yaml_path: Path) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    yaml = YAML(typ="rt")
    try:
        text = yaml_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise StudyError(f"not UTF-8 text (byte {exc.start})", file=yaml_path) from None
    except OSError as exc:
        raise StudyError(f"cannot read: {exc.strerror}", file=yaml_path) from None
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise StudyError(f"not valid YAML: {exc.problem}", file=yaml_path, line=line) from None


def read_mapping_file(path: Path) -> ImportMapping:
    """A mapping file (as `learnervoice import` prints it), validated, errors with their line."""
    if not path.is_file():
        raise StudyError("no such mapping file", file=path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise StudyError("a mapping file holds respondent_id and questions", file=path, line=1)
    return _validated(ImportMapping, data, path)


def parse_config(data: Any, yaml_path: Path) -> StudyConfig:
    """Validate loaded YAML; the first error names its line in the file."""
    if not isinstance(data, dict):
        raise StudyError("study.yaml must be a mapping with title, consent and questions", file=yaml_path, line=1)
    return _validated(StudyConfig, data, yaml_path)


M = TypeVar("M", bound=BaseModel)


def _validated(model: type[M], data: Any, yaml_path: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        messages: list[str] = []
        first_line: int | None = None
        for err in _useful_errors(exc):
            line = line_of(data, err["loc"]) if err["loc"] else _line_of_named_item(data, err["msg"])
            first_line = first_line or line
            field = ".".join(str(p) for p in err["loc"] if not _is_tag(p))
            msg = err["msg"].removeprefix("Value error, ")
            text = f"{field or '(top level)'}: {msg}"
            if text not in messages:
                messages.append(text if line is None else f"line {line}: {text}")
        if len(messages) == 1:
            only = messages[0].split(": ", 1)[1] if first_line else messages[0]
            raise StudyError(only, file=yaml_path, line=first_line) from None
        raise StudyError("\n  " + "\n  ".join(messages), file=yaml_path) from None


def _useful_errors(exc: ValidationError) -> list[Any]:
    """The errors a person can act on: the deepest ones, and for `A | str` unions the A branch."""
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    deepest = [
        e for e in errors if not any(len(o) > len(e["loc"]) and o[: len(e["loc"])] == tuple(e["loc"]) for o in locs)
    ]
    branchy = [e for e in deepest if any(isinstance(p, str) and p in _SCALAR_BRANCHES for p in e["loc"])]
    if branchy and len(branchy) < len(deepest):
        deepest = [e for e in deepest if e not in branchy]
    return deepest


_SCALAR_BRANCHES = {"str", "int", "float", "bool"}


def _line_of_named_item(data: Any, message: str) -> int | None:
    """Cross-reference errors name a question or derived variable: point at its entry."""
    import re

    match = re.search(r"(question|derived variable) '([a-z0-9_]+)'", message)
    if match is None:
        return line_of(data, ())
    section = "questions" if match.group(1) == "question" else "derived"
    items = data.get(section) or []
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == match.group(2):
            return line_of(data, (section, i))
    return line_of(data, ())


def _is_tag(part: Any) -> bool:
    """Discriminator tags and union branch names pydantic puts in an error's location."""
    return isinstance(part, str) and (part in QUESTION_TAGS or part in _SCALAR_BRANCHES or "[" in part)


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line in the YAML file of the deepest node that `loc` reaches."""
    node = data
    line: int | None = getattr(getattr(data, "lc", None), "line", None)
    line = None if line is None else line + 1
    for part in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(part, int) and isinstance(node, list):
                if lc is not None:
                    line = lc.item(part)[0] + 1
                node = node[part]
            elif isinstance(node, dict) and part in node:
                if lc is not None:
                    line = lc.key(part)[0] + 1
                node = node[part]
            elif _is_tag(part):
                continue
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
    return line
