"""The instrument of a study: questions, options, bands, conditions, derived variables.

These pydantic models are the single definition of what `study.yaml` may hold;
their JSON Schema is published with :func:`learnervoice.study.json_schema`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union, get_args

from pydantic import ConfigDict, Field, model_validator

from .basics import (IDENTIFIER, Band, ChoiceQuestion, Condition, Identifier, Option, OptionCode, QuestionBase,
                     Strict)
from .basics import require_unique as _require_unique
from .batteries import Grid, GridItem, Ranking

__all__ = ["IDENTIFIER", "Band", "ChoiceQuestion", "Condition", "Grid", "GridItem", "Identifier", "Option", "OptionCode",
           "QuestionBase", "Ranking", "Strict"]  # re-exported: every model of study.yaml is found here

DECIMAL_COMMA_LANGUAGES = frozenset({"ca", "es", "de", "fr", "it", "pt", "nl"})


class SingleChoice(ChoiceQuestion):
    type: Literal["single"]


class MultipleResponse(ChoiceQuestion):
    """Several ticks allowed. `base` chooses what percentages are of.

    ``cases``: % of respondents who ticked at least one option; ``responses``: % of all ticks.
    As in SPSS multiple-response sets, a respondent with no tick is missing.
    """

    type: Literal["multiple"]
    base: Literal["cases", "responses"] = "cases"


class Likert(ChoiceQuestion):
    """An ordered scale; options are listed from the lowest point to the highest."""

    type: Literal["likert"]


class Numeric(QuestionBase):
    type: Literal["numeric"]
    min: float | None = None
    max: float | None = None
    integer: bool = False


class BinnedNumeric(QuestionBase):
    """A number answered by the respondent and tabulated in explicit, non-overlapping bands."""

    type: Literal["binned"]
    bands: tuple[Band, ...] = Field(min_length=1)
    integer: bool = False

    @model_validator(mode="after")
    def _no_overlap(self) -> BinnedNumeric:
        _require_unique([b.code for b in self.bands], f"question {self.id!r} band codes")
        ordered = sorted(self.bands, key=lambda b: float("-inf") if b.min is None else b.min)
        for left, right in zip(ordered, ordered[1:]):
            left_max = float("inf") if left.max is None else left.max
            right_min = float("-inf") if right.min is None else right.min
            if right_min <= left_max:
                raise ValueError(f"question {self.id!r}: bands {left.code!r} and {right.code!r} overlap")
        return self

    @property
    def options(self) -> tuple[Option, ...]:
        return tuple(Option(code=b.code, label=b.label) for b in self.bands)


class OpenText(QuestionBase):
    type: Literal["text"]


Question = Annotated[
    Union[SingleChoice, MultipleResponse, Likert, Numeric, BinnedNumeric, OpenText, Grid, Ranking],
    Field(discriminator="type"),
]
QUESTION_MODELS: tuple[type[QuestionBase], ...] = get_args(get_args(Question)[0])
"""Each has a question type (`learnervoice.questions`): how it is stored, tabulated and asked."""
QUESTION_TAGS = frozenset(get_args(m.model_fields["type"].annotation)[0] for m in QUESTION_MODELS)


class Recode(Strict):
    """A derived category: the codes of the source question it groups."""

    code: OptionCode
    label: str
    from_codes: tuple[OptionCode, ...] = Field(min_length=1, alias="from")


class DerivedVariable(Strict):
    """A subgroup variable computed from a question, by bands (numbers) or by grouping codes.

    From a multiple-response question, each respondent goes to the group holding most of their
    ticks; respondents with as many ticks in two groups go to ``tie`` (missing when no tie is given),
    and those with no tick in any group are missing.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Identifier
    label: str
    source: Identifier
    bands: tuple[Band, ...] = ()
    groups: tuple[Recode, ...] = ()
    tie: Option | None = Field(default=None, description="Multiple-response source: the category of respondents "
                               "with as many ticks in two or more groups.")

    @model_validator(mode="after")
    def _one_rule(self) -> DerivedVariable:
        if bool(self.bands) == bool(self.groups):
            raise ValueError(f"derived variable {self.id!r} needs exactly one of 'bands' or 'groups'")
        _require_unique([o.code for o in self.options], f"derived variable {self.id!r} codes")
        return self

    @property
    def options(self) -> tuple[Option, ...]:
        rules = self.bands or self.groups
        tie = (self.tie,) if self.tie is not None else ()
        return tuple(Option(code=r.code, label=r.label) for r in rules) + tie


class QuestionMapping(Strict):
    """Where one question's answers are in a response file, when inference is not enough."""

    column: str | None = Field(default=None, description="One column (multiple response: ticks joined in a cell).")
    columns: dict[str, str] = Field(default_factory=dict, description="Multiple response: option code -> 0/1 column.")
    category_columns: tuple[str, ...] = Field(default=(), description="Columns each holding one ticked code.")
    counted_value: str | None = Field(default=None, description="The value meaning 'ticked' in option columns.")
    separator: str | None = Field(default=None, description="Between ticks joined in one cell.")
    values: dict[str, str] = Field(default_factory=dict, description="Raw value -> option code.")

    @model_validator(mode="after")
    def _one_place(self) -> QuestionMapping:
        places = [bool(self.column), bool(self.columns), bool(self.category_columns)]
        if sum(places) != 1:
            raise ValueError("give exactly one of column, columns or category_columns")
        return self


class ImportMapping(Strict):
    """Ties a file's columns to questions; anything not named here is inferred."""

    respondent_id: str | None = None
    questions: dict[str, QuestionMapping | str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _drop_report_only_keys(cls, data: object) -> object:
        if isinstance(data, dict) and "ignored_columns" in data:  # printed by `import`, read back as is
            return {k: v for k, v in data.items() if k != "ignored_columns"}
        return data


ResponseFormat = Literal["auto", "csv", "xlsx", "sav", "dta", "qualtrics", "limesurvey", "kobo", "google-forms"]


class RowFilter(Strict):
    """Keep only the rows whose raw cell in `column` passes every test given (e.g. Finished is 1, Progress ≥ 80)."""

    column: str
    is_: tuple[str, ...] = Field(default=(), alias="is", description="Keep rows whose cell is one of these.")
    is_not: tuple[str, ...] = Field(default=(), description="Drop rows whose cell is one of these.")
    at_least: float | None = Field(default=None, allow_inf_nan=False, description="Keep rows whose cell is a number ≥ this.")
    at_most: float | None = Field(default=None, allow_inf_nan=False, description="Keep rows whose cell is a number ≤ this.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ResponseSource(Strict):
    """A response file the study declares; commands bring the store up to date with it."""

    file: str
    format: ResponseFormat = "auto"
    encoding: str | None = None
    respondent_id: str | None = None
    mapping: ImportMapping | None = None
    skip_rows: int = Field(default=0, ge=0, description="Lines before the row of column names (titles, notes).")
    header_rows: int | None = Field(
        default=None, ge=1, description="Rows of headers from the column names to the first response; found when absent."
    )
    filter: tuple[RowFilter, ...] = Field(default=(), description="Rows to import (others are left out and counted).")
    ignore_columns: tuple[str, ...] = Field(
        default=(), description="Columns left out on purpose (names or shell patterns such as 'Q*_DO')."
    )
    on_inconsistent: Literal["error", "blank", "keep"] = Field(
        default="error", description="An answer to a question not asked of that respondent: refuse, blank it, or keep it."
    )
    on_duplicate: Literal["error", "keep-first", "keep-last"] = Field(
        default="error", description="Two rows with one respondent id: refuse, or keep the first or last."
    )


class TranscriptSource(Strict):
    """A focus-group transcript the study declares; commands import it on first use."""

    file: str
    name: str | None = Field(default=None, description="Document name; the file name without suffix if absent.")
    format: Literal["auto", "vtt", "srt", "docx", "txt"] = "auto"
    max_turn_words: int = Field(default=250, ge=20, le=100000, description="A speaker's consecutive cues merge into one "
                                "turn up to this many words; a longer turn goes on in a new turn at a cue boundary.")


CodeKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class CodeGroup(Strict):
    """A category of participants: the codes (with their sub-codes) that put a participant in it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    code: OptionCode
    label: str
    from_codes: tuple[CodeKey, ...] = Field(min_length=1, alias="from")


class QuantitisedVariable(Strict):
    """Codes of the focus groups turned into a participant variable and tabulated like a question.

    ``exclusive``: each participant has the one code of the set they voiced (a stance);
    ``presence``: % of participants who voiced each code (several allowed, as multiple response);
    ``count``: how many of the codes' segments each participant said (0, 1, 2, 3 or more);
    ``predominant``: each participant goes to the group of codes of which they voiced the most
    distinct codes (``groups``), equal numbers to ``tie``: a participant variable that can split
    joint displays, like a derived variable of the survey.

    With ``question`` (an open question), the variable is one of the question's respondents, from
    the codings of their answers, computed by the survey's engine (so it splits tables with --by):
    ``coded``: Yes when the answer is coded with any of ``codes``, No otherwise (base: who answered);
    ``exclusive``, ``count`` and ``predominant`` as above, per respondent.
    """

    id: Identifier
    text: str = Field(min_length=1)
    codes: tuple[CodeKey, ...] = ()
    groups: tuple[CodeGroup, ...] = ()
    tie: Option | None = None
    rule: Literal["exclusive", "presence", "count", "predominant", "coded"] = "exclusive"
    coder: str | None = Field(default=None, description="Whose codings count; all coders' when absent.")
    question: Identifier | None = Field(default=None, description="An open (text) question: the variable is one of "
                                        "its respondents, from the codes of their answers (document open:<question>), "
                                        "and can be tabulated, split tables (--by) and joint displays like a survey item.")

    @model_validator(mode="after")
    def _codes_or_groups(self) -> QuantitisedVariable:
        if self.rule == "predominant":
            if len(self.groups) < 2 or self.codes:
                raise ValueError(f"quantitised variable {self.id!r}: rule 'predominant' needs two or more 'groups' "
                                 "and no 'codes'")
            _require_unique([g.code for g in self.groups] + ([self.tie.code] if self.tie else []),
                            f"quantitised variable {self.id!r} group codes")
        elif self.rule == "coded" and self.question is None:
            raise ValueError(f"quantitised variable {self.id!r}: rule 'coded' (coded or not) is for the answers to an "
                             "open question; name it with 'question'")
        elif self.rule == "presence" and self.question is not None:
            raise ValueError(f"quantitised variable {self.id!r}: for an open question's respondents use rule 'coded' "
                             "(coded with any of the codes, or not), one variable per code to count them apart")
        elif not self.codes or self.groups or self.tie:
            raise ValueError(f"quantitised variable {self.id!r}: rule {self.rule!r} needs 'codes' "
                             "(and no 'groups' or 'tie')")
        return self

    @property
    def options(self) -> tuple[Option, ...]:
        tie = (self.tie,) if self.tie is not None else ()
        return tuple(Option(code=g.code, label=g.label) for g in self.groups) + tie


class QuestionnaireSettings(Strict):
    """How the built-in web questionnaire is offered (`learnervoice serve`)."""

    open_link: bool = Field(default=False, description="Anyone with the study's open link may answer, "
                            "anonymously; otherwise only holders of an invite (`learnervoice invite`).")
    required: tuple[Identifier, ...] = Field(default=(), description="Questions that must be answered to submit.")
    intro: str = Field(default="", description="Shown above the questions.")


class RosterSettings(Strict):
    """Which columns of private/participants.csv may leave the study (everything else stays private)."""

    attributes: tuple[Annotated[str, Field(min_length=1, max_length=100)], ...] = Field(default=(), description="Columns that describe participants for "
                                               "analysis (career_stage, gender…): shown with quotes, in cross-tabs, "
                                               "exports and the workbench. Every other column is private; e-mail and "
                                               "phone columns always are.")


TableWord = Literal["count", "percent", "weighted_percent", "ci", "total", "answered", "base"]


class TableSettings(Strict):
    """How tables print: the rounding rule and the column words (`learnervoice tables`, the report, `audit --study`)."""

    rounding: Literal["half_up", "half_even"] = Field(
        default="half_up", description="half_up (SPSS, Excel, most journals: 6.25 prints 6.3) or half_even (6.2).")
    words: dict[TableWord, Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=dict, description="Column words in place of the study's language's (count: n, percent: %, "
        "weighted_percent, ci, total, answered, base), e.g. {count: Recount}.")


class PrivacySettings(Strict):
    """How personal data is found in text (transcripts, memos, outputs)."""

    languages: tuple[Annotated[str, Field(pattern=r"^[a-z]{2}$")], ...] = Field(
        default=(), description="Languages whose ordinary words a roster name may also be ('rosa', 'font'): such a "
        "name counts only where it reads as a name. The study's language when absent.")
    phone_regions: tuple[Annotated[str, Field(pattern=r"^[A-Z]{2}$")], ...] = Field(
        default=(), description="Countries whose national phone formats are recognised (ES, GB…); from the locale "
        "or language when absent. International numbers (+34…) are always recognised.")


class SuggestionSettings(Strict):
    """How suggested codings are ranked (`code suggest`, the workbench); see docs/suggestions.md."""

    method: Literal["ngram", "embedding"] = Field(default="ngram", description="ngram: word and character n-grams, "
                                                  "no model; embedding: those and a sentence-embedding model's vectors.")
    model: str | None = Field(default=None, min_length=1, max_length=1000, description="The embedding model's local "
                              "folder (tokenizer.json, model.safetensors), relative to the study folder or absolute; "
                              "read from there, never downloaded.")

    @model_validator(mode="after")
    def _model_named(self) -> SuggestionSettings:
        if self.method == "embedding" and self.model is None:
            raise ValueError("suggestions: method embedding needs `model: FOLDER`, a local folder holding "
                             "tokenizer.json and model.safetensors")
        return self


OFFER_NUMBERS = ("duration_months", "duration_weeks", "hours_per_week", "sync_share", "price", "ects", "hours", "eqf_level")
OFFER_SETS = ("participation", "schedule", "level", "credential")


class AlignmentRule(Strict):
    """How a preference question is read against a catalogue field (`learnervoice align`).

    A respondent's preference is met when the offer's value falls in the range of (any of) the
    options they chose (`ranges`; a binned question's own bands when none are given), or when
    the offer has one of the values an option stands for (`values`).
    """

    question: Identifier
    field: Literal["duration_months", "duration_weeks", "hours_per_week", "sync_share", "price", "ects", "hours",
                   "eqf_level", "participation", "schedule", "level", "credential"]
    label: str | None = Field(default=None, description="The dimension's name in tables (the question's text when absent).")
    ranges: dict[OptionCode, tuple[float | None, float | None]] = Field(default_factory=dict)
    values: dict[OptionCode, tuple[str, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _fits_the_field(self) -> AlignmentRule:
        if self.field in OFFER_NUMBERS and self.values:
            raise ValueError(f"alignment of {self.question!r}: {self.field!r} is a number; give 'ranges', not 'values'")
        if self.field in OFFER_SETS and (self.ranges or not self.values):
            raise ValueError(f"alignment of {self.question!r}: {self.field!r} takes 'values' (option -> offer values)")
        for code, (low, high) in self.ranges.items():
            if low is not None and high is not None and low > high:
                raise ValueError(f"alignment of {self.question!r}: range of {code!r} has its minimum above its maximum")
        return self


class StudyConfig(Strict):
    """Everything in study.yaml."""

    title: str = Field(min_length=1)
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    locale: str | None = Field(default=None, description="e.g. ca_ES; decides the decimal mark.")
    consent: str = Field(min_length=1)
    questions: tuple[Question, ...] = Field(default=(), description="May be empty for a study of transcripts only.")
    derived: tuple[DerivedVariable, ...] = ()
    weight: Identifier | None = Field(default=None, description="A numeric question holding survey weights.")
    responses: tuple[ResponseSource, ...] = ()
    transcripts: tuple[TranscriptSource, ...] = ()
    codings: tuple[str, ...] = Field(default=(), description="CSV files of codings (document,start,end,code,coder or quote).")
    quantitised: tuple[QuantitisedVariable, ...] = ()
    missing_values: tuple[str, ...] = Field(default=(), description="Raw values that mean 'no answer'.")
    questionnaire: QuestionnaireSettings = QuestionnaireSettings()
    engine: Literal["duckdb", "spark"] | None = Field(default=None, description="Where tables are computed "
                                                      "(duckdb when absent); Spark settings go in a settings file.")
    alignment: tuple[AlignmentRule, ...] = Field(default=(), description="Preference questions read against a "
                                                 "catalogue of offers (`learnervoice align`).")
    roster: RosterSettings = RosterSettings()
    privacy: PrivacySettings = PrivacySettings()
    tables: TableSettings = TableSettings()
    suggestions: SuggestionSettings = SuggestionSettings()

    @model_validator(mode="after")
    def _references(self) -> StudyConfig:
        ids = [q.id for q in self.questions] + [d.id for d in self.derived] + [v.id for v in self.quantitised]
        _require_unique(ids, "question and derived variable ids")
        by_id = {q.id: q for q in self.questions}
        for q in self.questions:
            if q.ask_if is not None:
                _check_condition(q.id, q.ask_if, by_id)
        for d in self.derived:
            _check_derived(d, by_id)
        for rule in self.alignment:
            _check_alignment(rule, by_id)
        for v in self.quantitised:
            if v.question is not None and not isinstance(by_id.get(v.question), OpenText):
                raise ValueError(f"quantitised variable {v.id!r}: question {v.question!r} is not an open (text) question")
        unknown = [q for q in self.questionnaire.required if q not in by_id]
        if unknown:
            raise ValueError(f"questionnaire: required question(s) {unknown} are not questions")
        if self.weight is not None and not isinstance(by_id.get(self.weight), Numeric):
            raise ValueError(f"weight {self.weight!r} must name a numeric question")
        return self

    @property
    def decimal_comma(self) -> bool:
        language = (self.locale or self.language)[:2].lower()
        return language in DECIMAL_COMMA_LANGUAGES

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def _check_condition(qid: str, cond: Condition, by_id: dict[str, Question]) -> None:
    target = by_id.get(cond.question)
    if target is None:
        raise ValueError(f"question {qid!r} is asked if {cond.question!r}, which is not a question")
    if not isinstance(target, (SingleChoice, MultipleResponse, Likert)):
        raise ValueError(f"question {qid!r}: conditions can only test choice questions, not {cond.question!r}")
    codes = {o.code for o in target.options}
    unknown = [c for c in cond.any_of if c not in codes]
    if unknown:
        raise ValueError(f"question {qid!r}: {cond.question!r} has no option(s) {unknown}")


def _check_alignment(rule: AlignmentRule, by_id: dict[str, Question]) -> None:
    q = by_id.get(rule.question)
    if q is None:
        raise ValueError(f"alignment: {rule.question!r} is not a question")
    if not isinstance(q, (SingleChoice, MultipleResponse, Likert, BinnedNumeric)):
        raise ValueError(f"alignment: question {rule.question!r} must be a choice or binned question")
    codes = {o.code for o in q.options}
    given = set(rule.ranges) | set(rule.values)
    unknown = sorted(given - codes)
    if unknown:
        raise ValueError(f"alignment: question {rule.question!r} has no option(s) {unknown}")
    if not given and not isinstance(q, BinnedNumeric):
        raise ValueError(f"alignment: say what each option of {rule.question!r} means ('ranges' or 'values')")


def _check_derived(d: DerivedVariable, by_id: dict[str, Question]) -> None:
    source = by_id.get(d.source)
    if source is None:
        raise ValueError(f"derived variable {d.id!r}: source {d.source!r} is not a question")
    if d.bands and not isinstance(source, (Numeric, BinnedNumeric)):
        raise ValueError(f"derived variable {d.id!r}: bands need a numeric source")
    if d.tie is not None and not isinstance(source, MultipleResponse):
        raise ValueError(f"derived variable {d.id!r}: 'tie' only applies to a multiple-response source")
    if d.groups:
        if not isinstance(source, (SingleChoice, Likert, BinnedNumeric, MultipleResponse)):
            raise ValueError(f"derived variable {d.id!r}: groups need a single-choice, multiple-response, "
                             "Likert or binned source")
        codes = {o.code for o in source.options}
        for g in d.groups:
            unknown = [c for c in g.from_codes if c not in codes]
            if unknown:
                raise ValueError(f"derived variable {d.id!r}: {d.source!r} has no option(s) {unknown}")


def slug(text: str) -> str:
    """An identifier made from free text (for inferred option codes)."""
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s or "x"
