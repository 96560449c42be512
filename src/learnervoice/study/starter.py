"""`learnervoice init`: a commented starter study; the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import StudyError
from .load import STUDY_FILE
from .model import StudyConfig

STARTER = """\
# A learnervoice study. Everything here is plain text: keep it under version control.
# Schema: docs/study.schema.json in the learnervoice repository.
title: My learner-voice study
language: en            # ca, es, de… print decimals with a comma
# locale: ca_ES
consent: |
  I have read the information about this study and agree that my anonymised
  answers are used for research.

# Raw values in response files that mean "no answer" (SPSS user-missing codes, "N/A"…)
missing_values: ["-99", "N/A"]

questions:
  # single choice: one answer; codes are stored, labels are printed
  - id: gender
    text: Gender
    type: single
    options:
      - {code: man, label: Man}
      - {code: woman, label: Woman}
      - {code: other, label: Other}
      - {code: no_say, label: I prefer not to say}

  # binned numeric: the respondent types a number; tables show explicit bands (both ends inclusive)
  - id: age
    text: Age (years)
    type: binned
    integer: true
    bands:
      - {code: le35, label: 35 or less, min: null, max: 35}
      - {code: b36_55, label: 36-55, min: 36, max: 55}
      - {code: ge56, label: 56 or more, min: 56, max: null}

  # multiple response: base is `cases` (% of respondents) or `responses` (% of all ticks)
  - id: mode
    text: Do you prefer a course...
    type: multiple
    base: cases
    options:
      - {code: online, label: Online}
      - {code: onsite, label: Face-to-face}

  # conditional: asked only if `mode` includes online; "not asked" is kept apart from "no answer"
  - id: sync
    text: If online, do you prefer a course...
    type: single
    ask_if: {question: mode, any_of: [online]}
    options:
      - {code: async, label: Asynchronous}
      - {code: sync, label: Synchronous}

  # Likert: options from the lowest point to the highest
  - id: satisfied
    text: I was satisfied with my last course
    type: likert
    options:
      - {code: "1", label: Strongly disagree}
      - {code: "2", label: Disagree}
      - {code: "3", label: Neither}
      - {code: "4", label: Agree}
      - {code: "5", label: Strongly agree}

  # grid (a Likert battery): several items on one scale, one table of items with means, top-2-box and
  # a diverging bar chart; `sort: mean` lists the items highest first (docs/questions.md)
  # - id: importance
  #   text: How important is each of these to you?
  #   type: grid
  #   items: [{id: price, text: Price}, {id: flexibility, text: Flexibility}]
  #   options: [{code: "1", label: Not important}, {code: "2", label: Slightly}, {code: "3", label: Moderately},
  #             {code: "4", label: Very}, {code: "5", label: Extremely important}]

  # ranking: options put in order (1 = first); tables give the mean rank and % ranked first
  # - id: favourite
  #   text: Put these formats in order of preference
  #   type: ranking
  #   options: [{code: online, label: Online}, {code: mixed, label: Mixed}, {code: onsite, label: On site}]

  - id: hours
    text: Hours a week you could study
    type: numeric
    min: 0
    max: 80

  - id: comments
    text: Anything else you want to tell us?
    type: text

# Subgroup variables computed from answers, for `learnervoice tables --by`
derived:
  - id: age_group
    label: Age group
    source: age
    groups:
      - {code: younger, label: 55 or less, from: [le35, b36_55]}
      - {code: older, label: 56 or more, from: [ge56]}

# Response files this study reads (imported into .learnervoice/ on first use)
responses: []
#  - {file: data/responses.csv, respondent_id: respondent}
"""


def init_study(folder: Path | str) -> Path:
    """Write a commented starter study.yaml into `folder` (created if needed).

    >>> init_study("/tmp/my-study")  # doctest: +SKIP
    PosixPath('/tmp/my-study/study.yaml')
    """
    folder = Path(folder)
    target = folder / STUDY_FILE
    if target.exists():
        raise StudyError("a study.yaml is already here; nothing was written", file=target)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(STARTER, encoding="utf-8")
    tmp.replace(target)
    return target


def json_schema() -> dict[str, Any]:
    """The JSON Schema of study.yaml, as published in docs/study.schema.json."""
    schema = StudyConfig.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "learnervoice study.yaml"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
