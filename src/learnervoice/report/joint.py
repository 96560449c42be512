"""Joint displays: a survey distribution beside the focus-group codes on the same topic, with a note.

The note is machine-made and says what it compares: the survey's share of
answers in the options a code corresponds to, against the share of focus-group
participants who voiced the code. Where the two strands' leading answers
differ, the note says so: divergence is a finding, not an error. Exemplar
quotes are chosen as for themes (`report/themes.py`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..errors import ReportError
from ..stats.frequencies import FrequencyTable
from ..stats.tables import CrossTab
from ..study.load import Study
from .blocks import Block
from .config import JointDisplay, ReportConfig
from ..stats.rounding import Rounding
from .numbers import fmt_percent
from .themes import SPEAKING

if TYPE_CHECKING:
    import pandas as pd

    from ..store import QualStore


def joint_displays(
    study: Study, store: QualStore, config: ReportConfig, by_id: dict[str, Any], comma: bool, disclosure: list[str],
    *, screen: bool = False,
) -> list[Block]:
    """The blocks of a joint section: one per joint display of report.yaml, overall or by subgroup. On a `screen`,
    a display split by a personal variable leaves its small groups out (`small_groups.py`)."""
    from ..qual.queries import code_names, coded_segments
    from ..mixed.tables import crosstab_tables
    from .themes import participants, pick_quotes

    segments = coded_segments(study, store, coder=config.quotes.coder)
    labels = code_names(store)
    people = participants(study, store)
    one = config.model_copy(update={"quotes": config.quotes.model_copy(update={"per_code": 1})})

    def quote_of(code: str) -> str:
        picked = pick_quotes(study, store, segments[(segments["code"] == code) & segments["role"].isin(SPEAKING)],
                             one, people, disclosure)
        return f"“{picked[0].text}” ({picked[0].attribution})" if picked else ""

    rounding = study.config.tables.rounding
    blocks = []
    for display in config.joint_displays:
        if display.question not in by_id:
            raise ReportError(f"joint display {display.topic!r}: no question or quantitised variable {display.question!r}")
        if display.by is None:
            blocks.append(joint_block(display, by_id[display.question], segments, labels, quote_of, comma, rounding))
        else:
            crosstab = crosstab_tables(study, display.by, questions=[display.question], qual=store).crosstabs[0]
            grouped = _participants_grouped(study, store, display, segments, {code for code, _ in crosstab.groups})
            crosstab, hidden = _screened(study, store, config, crosstab) if screen else (crosstab, "")
            block = subgroup_block(display, crosstab, grouped, labels, comma, rounding)
            blocks.append(replace(block, notes=block.notes + (hidden,)) if hidden else block)
    return blocks


def _screened(study: Study, store: QualStore, config: ReportConfig, crosstab: CrossTab) -> tuple[CrossTab, str]:
    """A joint display's cross-tab on a screen: a personal split without its small groups (and the note saying so)."""
    from .small_groups import split_hidden

    hidden = split_hidden(study, crosstab.by.id, config.personal, config.k, store)
    if hidden is None or not hidden.codes:
        return crosstab, ""
    keep = [i for i, (code, _) in enumerate(crosstab.groups) if code not in hidden.codes]
    note = hidden.note() + ("" if hidden.shown >= 2 else " Fewer than two groups are left, so none is shown.")
    keep = keep if hidden.shown >= 2 else []
    return replace(crosstab, groups=tuple(crosstab.groups[i] for i in keep),
                   columns=tuple(crosstab.columns[i] for i in keep)), note


def _participants_grouped(
    study: Study, store: QualStore, display: JointDisplay, segments: pd.DataFrame, survey_codes: set[str]
) -> pd.DataFrame:
    """Segments with the focus-group side of a joint display's `by` in a column named `by`."""
    from ..qual.quantitise import participant_groups, respondent_values

    assert display.by is not None
    source = display.participants_by or display.by
    variable = next((v for v in study.config.quantitised if v.id == source), None)
    if variable is not None and variable.question is not None:  # people by their open answer's codes
        values = segments["participant"].map(respondent_values(study, store, variable)[0])
    elif variable is not None:
        if variable.rule != "predominant":
            raise ReportError(f"joint display {display.topic!r}: {source!r} must have rule 'predominant' to group participants")
        groups = participant_groups(study, store, variable)
        values = segments["participant"].map(groups)
    elif source in segments.columns:
        values = segments[source]
    else:
        raise ReportError(f"joint display {display.topic!r}: participants have no attribute or quantitised variable {source!r}")
    foreign = sorted(set(values.dropna()) - survey_codes - {""})
    if foreign:
        raise ReportError(f"joint display {display.topic!r}: participant group(s) {foreign} are not codes of {display.by!r} "
                          f"({', '.join(sorted(survey_codes))})")
    return segments.assign(**{display.by: values})


def joint_block(
    display: JointDisplay, table: FrequencyTable, segments: pd.DataFrame, labels: dict[str, str],
    quote_of: Any, decimal_comma: bool, rounding: Rounding = "half_up",
) -> Block:
    """One joint display as a table: code, survey options and share, participants, an exemplar quote."""
    options = {r.code: r for r in table.rows}
    unknown = [o for codes in display.codes.values() for o in codes if o not in options]
    if unknown:
        raise ReportError(f"joint display {display.topic!r}: {table.variable_id!r} has no option(s) {unknown}")
    voiced = segments[segments["code"].isin(list(display.codes)) & segments["role"].isin(SPEAKING)]
    speakers = voiced["participant"].nunique()
    rows = []
    survey_share: dict[str, float] = {}
    qual_share: dict[str, float] = {}
    for code, mapped in display.codes.items():
        share = sum(options[o].percent for o in mapped)
        people = voiced[voiced["code"] == code]["participant"].nunique()
        survey_share[code] = share
        qual_share[code] = people / speakers * 100 if speakers else 0.0
        rows.append((
            labels.get(code, code), ", ".join(options[o].label for o in mapped),
            fmt_percent(share, decimal_comma=decimal_comma, rounding=rounding), f"{people} of {speakers}", quote_of(code),
        ))
    notes = (f"Survey: {table.base_label.removeprefix('Base: ')}; focus groups: participants who voiced any of these codes.",
             note(display, survey_share, qual_share, labels, decimal_comma, rounding))
    header = ("Focus-group code", "Survey options", "Survey %", "Participants", "Exemplar quote")
    return Block(f"Joint display: {display.topic}", header, tuple(rows), notes)


def subgroup_block(
    display: JointDisplay, crosstab: CrossTab, segments: pd.DataFrame, labels: dict[str, str], decimal_comma: bool,
    rounding: Rounding = "half_up",
) -> Block:
    """One joint display split by subgroup: per group, the survey share and the participants voicing each code."""
    assert display.by is not None
    options = {o.code for o in crosstab.variable.options}
    unknown = [o for codes in display.codes.values() for o in codes if o not in options]
    if unknown:
        raise ReportError(f"joint display {display.topic!r}: {crosstab.variable.id!r} has no option(s) {unknown}")
    if display.by not in segments.columns:
        raise ReportError(f"joint display {display.topic!r}: participants have no attribute {display.by!r}")
    voiced = segments[segments["code"].isin(list(display.codes)) & segments["role"].isin(SPEAKING)]
    header: tuple[str, ...] = ("Focus-group code",)
    for _, label in crosstab.groups:
        header += (f"{label}: survey %", f"{label}: participants")
    rows = []
    notes = []
    for (group, label), column in zip(crosstab.groups, crosstab.columns):
        shares = {r.code: r.percent for r in column.rows}
        in_group = voiced[voiced[display.by] == group]
        speakers = in_group["participant"].nunique()
        survey = {c: sum(shares[o] for o in mapped) for c, mapped in display.codes.items()}
        qual = {c: (in_group[in_group["code"] == c]["participant"].nunique() / speakers * 100 if speakers else 0.0)
                for c in display.codes}
        notes.append(f"{label}: " + note(display, survey, qual, labels, decimal_comma, rounding))
    for code, mapped in display.codes.items():
        row: tuple[str, ...] = (labels.get(code, code),)
        for (group, _), column in zip(crosstab.groups, crosstab.columns):
            shares = {r.code: r.percent for r in column.rows}
            in_group = voiced[voiced[display.by] == group]
            people = in_group[in_group["code"] == code]["participant"].nunique()
            row += (fmt_percent(sum(shares[o] for o in mapped), decimal_comma=decimal_comma, rounding=rounding),
                    f"{people} of {in_group['participant'].nunique()}")
        rows.append(row)
    return Block(f"Joint display: {display.topic}, by {crosstab.by.label.lower()}", header, tuple(rows), tuple(notes))


def note(
    display: JointDisplay, survey: dict[str, float], qual: dict[str, float], labels: dict[str, str], comma: bool,
    rounding: Rounding = "half_up",
) -> str:
    def pct(value: float) -> str:
        return fmt_percent(value, decimal_comma=comma, rounding=rounding)

    lead_survey = max(survey, key=lambda c: (survey[c], c))
    lead_qual = max(qual, key=lambda c: (qual[c], c))
    s_name, q_name = labels.get(lead_survey, lead_survey), labels.get(lead_qual, lead_qual)
    if lead_survey == lead_qual:
        return (f"The strands agree on {display.topic.lower()}: '{s_name}' leads in the survey "
                f"({pct(survey[lead_survey])}) and in the focus groups "
                f"({pct(qual[lead_qual])} of participants).")
    return (f"The strands diverge on {display.topic.lower()}: the survey leans to '{s_name}' "
            f"({pct(survey[lead_survey])}), while in the focus groups '{q_name}' is voiced "
            f"most ({pct(qual[lead_qual])} of participants, against "
            f"{pct(qual[lead_survey])} for '{s_name}').")
