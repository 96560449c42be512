"""The building blocks of questions: identifiers, options, bands, conditions, the base of every question.

Kept apart from :mod:`learnervoice.study.model` so that families of questions in modules of their own
(:mod:`learnervoice.study.batteries`) build on them; `model` re-exports every name.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

IDENTIFIER = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[str, Field(pattern=IDENTIFIER, max_length=60)]
OptionCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=60)]



class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Strict):
    """One answer option: a stable code (stored) and a label (printed)."""

    code: OptionCode
    label: str = Field(min_length=1)
    aliases: tuple[str, ...] = Field(default=(), description="Other spellings found in response files.")


class Band(Strict):
    """A closed numeric interval [min, max]; both ends must be written, null means unbounded."""

    code: OptionCode
    label: str = Field(min_length=1)
    min: float | None
    max: float | None

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min is None and self.max is None:
            raise ValueError(f"band {self.code!r} needs at least one finite end")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"band {self.code!r} has min {self.min} above max {self.max}")
        return self

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class Condition(Strict):
    """Ask a question only if another choice question's answer is (or includes) one of these codes."""

    question: Identifier
    any_of: tuple[OptionCode, ...] = Field(min_length=1)


class QuestionBase(Strict):
    id: Identifier
    text: str = Field(min_length=1)
    ask_if: Condition | None = None
    source: str | None = Field(default=None, description="Column name in response files, when not inferred.")


class ChoiceQuestion(QuestionBase):
    options: tuple[Option, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> ChoiceQuestion:
        require_unique([o.code for o in self.options], f"question {self.id!r} option codes")
        return self


def require_unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} must be unique; {v!r} appears twice")
        seen.add(v)
