"""The registry of question types: each model class of `study.yaml`'s questions to the type that handles it.

It sits with the instrument, below everything that asks it (conversion, tables, the questionnaire,
mapping, alignment); the types themselves (`learnervoice.questions`) sit above those modules and are
loaded by name, so no package imports one that imports it back.

A question type (:class:`learnervoice.questions.base.QuestionType`) holds everything one kind of
question does outside the instrument: its store columns and the conversion of raw answers, its
SQL key for tables and their layout, its web widget and answer check, and how its columns are
found in a response file. Conversion, tables, the questionnaire and mapping ask the registry
instead of testing the question's class.

The built-in types are loaded on the first lookup, so that the modules they build on (conversion,
SQL, mapping) may themselves look types up.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from ..questions.base import QuestionType

BUILTIN = ("single", "multiple", "likert", "numeric", "binned", "text", "grid", "ranking")
Answer = str | list[str] | float


@dataclass(frozen=True)
class AnswerProblem:
    """Why an answer was refused, as a message id and its values (the web layer words it in the study's language)."""

    kind: str  # required, option, number, integer, range, band, too_long
    values: tuple[Any, ...] = ()

_TYPES: dict[type, QuestionType] = {}
_loaded = False
_lock = threading.RLock()
T = TypeVar("T", bound="type[QuestionType]")


def register(model: type) -> Callable[[T], T]:
    """Make a question type handle questions of this pydantic model (and of its subclasses).

    >>> from learnervoice.questions.text import OpenTextType
    >>> from learnervoice.study.model import OpenText
    >>> type(question_type(OpenText(id="why", text="Why?", type="text"))) is OpenTextType
    True
    """

    def add(cls: T) -> T:
        _TYPES[model] = cls()
        return cls

    return add


def question_type(question: object) -> QuestionType:
    """The type that handles this question (found through its model class, as `singledispatch` does)."""
    _load_builtin()
    for cls in type(question).__mro__:
        found = _TYPES.get(cls)
        if found is not None:
            return found
    raise TypeError(f"no question type is registered for {type(question).__name__}")


def registered() -> dict[type, QuestionType]:
    """Every model class with its question type."""
    _load_builtin()
    return dict(_TYPES)


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    with _lock:  # web requests may make the first lookup at once
        if not _loaded:
            for name in BUILTIN:
                importlib.import_module(f"learnervoice.questions.{name}")
            _loaded = True
