"""report.yaml: what the study report holds and in which order (a sensible default when absent)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..study.load import Study, _read_yaml, _validated

REPORT_FILE = "report.yaml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuoteRule(Strict):
    """How exemplar quotes are chosen: per value of an attribute, the longest under a word limit."""

    per: str | None = Field(default="career_stage", description="One quote per value of this attribute.")
    max_words: int = Field(default=45, ge=5)
    per_code: int = Field(default=2, ge=0, le=10)
    context: int = Field(default=0, ge=0, le=50, description="Words of the speaker's turn shown each side of a quote "
                         "(\"…\" marks a sentence cut, there or in the coded words).")
    coder: str | None = None
    pinned: dict[str, list[int]] = Field(default_factory=dict, description="Code key -> coding ids chosen by hand.")


class JointDisplay(Strict):
    """A topic both strands measured: a survey question beside the codes that speak to it.

    `codes` maps each code key to the option codes of the question it corresponds to.
    """

    topic: str
    question: str
    codes: dict[str, tuple[str, ...]] = Field(min_length=1)
    by: str | None = Field(default=None, description="Split both strands by this variable (a derived variable of the "
                           "survey and a participant attribute with the same name and codes).")
    participants_by: str | None = Field(
        default=None, description="The focus-group side of `by` when it has another name: a roster attribute or a "
        "quantitised variable with rule 'predominant', whose codes are those of `by`.")


class Section(Strict):
    kind: Literal["participants", "question", "subgroups", "joint", "alignment", "appendix"]
    title: str
    intro: str = ""
    tables: tuple[str, ...] = ()
    themes: tuple[str, ...] = Field(default=(), description="Code keys whose sub-codes are reported with quotes.")
    by: str | None = Field(default=None, description="Subgroups sections: the variable the tables are split by.")
    summarise: tuple[str, ...] = Field(default=(), description="Subgroups sections: binned questions shown as numbers "
                                       "(n, mean, SD, median, IQR by group, with a test) rather than by band; "
                                       "numeric questions always are.")


class ReportConfig(Strict):
    title: str | None = None
    sections: tuple[Section, ...] = ()
    attribution: tuple[str, ...] = Field(default=("career_stage", "gender"), description="Attributes shown with a quote.")
    k: int = Field(default=3, ge=1, description="Smallest group an attribution or small cell may describe.")
    personal: tuple[str, ...] = Field(default=(), description="Variables that describe a person (age, gender…): "
                                      "cells under k in a table crossing two of them are suppressed or merged.")
    small_cells: Literal["suppress", "merge"] = Field(
        default="suppress", description="suppress: show '<k'; merge: join neighbouring categories until no cell is under k.")
    numeric_test: Literal["auto", "parametric", "rank"] = Field(
        default="auto", description="Numbers by subgroup: auto (rank tests for ordered scales and skewed data, "
        "Welch's otherwise and with weights), parametric (Welch's t / ANOVA) or rank (Mann-Whitney / Kruskal-Wallis).")
    quotes: QuoteRule = QuoteRule()
    joint_displays: tuple[JointDisplay, ...] = ()
    published: str | None = Field(default=None, description="CSV of a published table to audit in the appendix.")
    catalogue: str | None = Field(default=None, description="A catalogue of offers: the report gains an Alignment "
                                  "section (before the appendix, unless report.yaml places one).")


def load_report_config(study: Study) -> ReportConfig:
    path = study.folder / REPORT_FILE
    if not path.is_file():
        return default_config(study)
    data = _read_yaml(path) or {}
    config = _validated(ReportConfig, data, path)
    return config if config.sections else config.model_copy(update={"sections": default_config(study).sections})


def default_config(study: Study) -> ReportConfig:
    """Every question in one section, themes of every top-level code, and the methods appendix."""
    from ..qual.codebook import load_codebook

    ids = tuple(q.id for q in study.config.questions) + tuple(v.id for v in study.config.quantitised)
    themes = tuple(c.key for c in load_codebook(study).codes)
    return ReportConfig(sections=(
        Section(kind="question", title="Results", tables=ids, themes=themes),
        Section(kind="appendix", title="Methods appendix"),
    ))
