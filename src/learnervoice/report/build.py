"""Assemble the study report: survey tables, themes with attributed quotes, and the methods appendix.

The result is a plain document model (sections of paragraphs, tables and
quotes) that the HTML, Markdown and DOCX writers render. Nothing here depends
on time or machine, so the same study gives the same report.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from ..study.load import Study
from ..study.model import MultipleResponse
from .blocks import Block, table_blocks
from .charts import Chart, bar_chart
from .config import QuoteRule, ReportConfig, load_report_config

if TYPE_CHECKING:
    import pandas as pd

    from ..qual.store import QualStore


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    description: str
    participants: int
    by_group: str
    quotes: tuple[Quote, ...]
    level: int


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Block] = field(default_factory=list)
    charts: list[Chart | None] = field(default_factory=list)  # one per table (None: no chart)
    themes: list[Theme] = field(default_factory=list)


@dataclass
class Report:
    title: str
    sections: list[Section]
    disclosure: list[str]


def build_report(study: Study) -> Report:
    """The report of a study, as report.yaml (or the default) lays it out.

    >>> build_report(open_study("examples/microcredentials-2023")).sections[0].title  # doctest: +SKIP
    'Participants'
    """
    from ..mixed.tables import frequency_tables

    config = load_report_config(study)
    tables = frequency_tables(study)
    by_id = {t.variable_id: t for t in tables.frequencies}
    qual = _qual(study)
    disclosure: list[str] = []
    sections = []
    for spec in _with_alignment(config):
        section = Section(spec.title, [spec.intro] if spec.intro else [])
        if spec.kind == "appendix":
            _appendix(study, section, tables, qual, config)
        elif spec.kind == "subgroups":
            _subgroups(study, section, spec.by, spec.tables, config, disclosure)
        elif spec.kind == "alignment":
            section.tables = _alignment_blocks(study, config, tables.decimal_comma)
        elif spec.kind == "joint":
            if qual is not None:
                section.tables = _joint_displays(study, qual, config, by_id, tables.decimal_comma, disclosure)
        else:
            chosen = [by_id[i] for i in spec.tables if i in by_id]
            subset = type(tables)(tables.title, tables.decimal_comma, tuple(chosen))
            section.tables = table_blocks(subset)
            section.charts = [bar_chart(t, tables.decimal_comma) if t.rows else None for t in chosen]
            if qual is not None:
                section.themes = _themes(study, qual, spec.themes, config, disclosure)
        sections.append(section)
    if qual is not None:
        qual.close()
    return Report(config.title or study.config.title, sections, disclosure)


def _with_alignment(config: ReportConfig) -> tuple[Any, ...]:
    """The sections, with an Alignment section before the appendix when a catalogue is given and none is placed."""
    from .config import Section as SectionSpec

    specs = tuple(config.sections)
    if config.catalogue is None or any(s.kind == "alignment" for s in specs):
        return specs
    spec = SectionSpec(kind="alignment", title="Alignment of the offers with what learners asked for",
                       intro="How well each offer of the catalogue fits the respondents' stated preferences, "
                             "and the change that would fit them better.")
    at = next((i for i, s in enumerate(specs) if s.kind == "appendix"), len(specs))
    return (*specs[:at], spec, *specs[at:])


def _alignment_blocks(study: Study, config: ReportConfig, comma: bool) -> list[Block]:
    from ..align.catalogue import read_catalogue
    from ..align.fit import align
    from ..align.present import groups_block, ranking_block
    from ..errors import ReportError

    if config.catalogue is None:
        raise ReportError("an alignment section needs `catalogue:` in report.yaml")
    result = align(study, read_catalogue(study.resolve(config.catalogue)))
    return [ranking_block(result, comma), groups_block(result, comma)]


def qual_store(study: Study) -> QualStore | None:
    """The study's coding store, brought up to date with its declared files (None for a survey-only study)."""
    return _qual(study)


def _qual(study: Study) -> QualStore | None:
    if not study.config.transcripts and not (study.folder / "qual.sqlite").exists():
        return None
    from ..qual.store import QualStore
    from ..qual.sync import sync_declared

    store = QualStore.for_study(study)
    sync_declared(study, store)
    return store


# --- themes and quotes ----------------------------------------------------------------------


def _themes(study: Study, store: QualStore, roots: tuple[str, ...], config: ReportConfig, disclosure: list[str]) -> list[Theme]:
    import sqlalchemy as sa

    from ..qual.queries import coded_segments
    from ..study.roster import load_roster
    from ..qual.store import codes

    with store.read() as conn:
        rows = conn.execute(sa.select(codes).order_by(codes.c.position, codes.c.id)).all()
    children: dict[int | None, list[Any]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    segments = coded_segments(study, store, coder=config.quotes.coder)
    roster = load_roster(study)
    people = [dict(p.attributes, pseudonym=p.pseudonym) for p in roster.participants if not p.is_moderator]
    out: list[Theme] = []

    def walk(row: Any, level: int) -> None:
        keys = _descendants(row, children)
        mine = segments[segments["code"].isin(keys) & (segments["role"] == "participant")]
        quotes = _pick_quotes(study, store, mine[mine["code"] == row.key], config, people, disclosure)
        out.append(Theme(row.key, row.name, row.description, int(mine["participant"].nunique()),
                         _by_group(mine, config.quotes.per), quotes, level))
        for child in children.get(row.id, []):
            walk(child, level + 1)

    for r in rows:
        if r.key in roots:
            walk(r, 0)
    return out


def _subgroups(
    study: Study, section: Section, by: str | None, ids: tuple[str, ...], config: ReportConfig, disclosure: list[str]
) -> None:
    """Cross-tabs by a subgroup, with grouped charts; small cells of person-describing tables suppressed."""
    from ..errors import ReportError
    from ..stats.tables import crosstab_tables
    from .charts import grouped_chart

    if by is None:
        raise ReportError(f"section {section.title!r}: a subgroups section needs 'by'")
    result = crosstab_tables(study, by, questions=list(ids))
    blocks = table_blocks(result)
    for ct, block in zip(result.crosstabs, blocks):
        if by in config.personal and ct.variable.id in config.personal and config.small_cells == "merge":
            block, merged = merge_small_rows(ct, config.k, result.decimal_comma, _bands_of(study, ct.variable.id))
            if merged:
                disclosure.append(f"{ct.variable.label} by {ct.by.label}: categories merged ({'; '.join(merged)}) so "
                                  f"that no cell is under {config.k}; no chart drawn.")
                section.tables.append(block)
                section.charts.append(None)
                continue
        elif by in config.personal and ct.variable.id in config.personal:
            block, hidden = suppress_small_cells(block, len(ct.groups), config.k, [c.respondents for c in ct.columns])
            if hidden:
                disclosure.append(f"{ct.variable.label} by {ct.by.label}: {hidden} cell(s) under {config.k} "
                                  "suppressed (the table crosses two personal attributes); no chart drawn.")
                section.tables.append(block)
                section.charts.append(None)
                continue
        section.tables.append(block)
        section.charts.append(grouped_chart(ct, result.decimal_comma))


def _bands_of(study: Study, variable_id: str) -> dict[str, Any]:
    """Option code -> band (min, max) of a binned question or a banded derived variable; empty otherwise."""
    from ..study.model import BinnedNumeric

    for q in study.config.questions:
        if q.id == variable_id and isinstance(q, BinnedNumeric):
            return {b.code: b for b in q.bands}
    for d in study.config.derived:
        if d.id == variable_id:
            return {b.code: b for b in d.bands}
    return {}


def _span_label(labels: list[str], codes: list[str], bands: dict[str, Any]) -> str:
    """The label of merged categories: a numeric span when they are bands ("36 or more"), else joined labels."""
    if not all(c in bands for c in codes):
        return " + ".join(labels)
    low, high = bands[codes[0]].min, bands[codes[-1]].max
    def number(x: float) -> str:
        return f"{x:g}"
    if low is None and high is None:
        return "All"
    if low is None:
        return f"{number(high)} or less"
    if high is None:
        return f"{number(low)} or more"
    return f"{number(low)}-{number(high)}"


def merge_small_rows(ct: Any, k: int, comma: bool, bands: dict[str, Any] | None = None) -> tuple[Block, list[str]]:
    """Join each category holding a count from 1 to k-1 with its neighbour (the next, or the one before for
    the last) until no cell is under k; percentages are recomputed on the same column bases. Merged bands
    are labelled by the span they cover ("36 or more"), other categories by their joined labels."""
    from .numbers import fmt_percent

    groups: list[tuple[list[str], list[str], list[int]]] = [
        ([o.code], [o.label], [col.rows[i].count for col in ct.columns] + [ct.total.rows[i].count])
        for i, o in enumerate(ct.variable.options)
    ]
    merged: list[str] = []

    def small(counts: list[int]) -> bool:
        return any(0 < n < k for n in counts[:-1])

    i = 0
    while i < len(groups) and len(groups) > 1:
        if small(groups[i][2]):
            j = i + 1 if i + 1 < len(groups) else i - 1
            a, b = sorted((i, j))
            codes, names = groups[a][0] + groups[b][0], groups[a][1] + groups[b][1]
            counts = [x + y for x, y in zip(groups[a][2], groups[b][2])]
            groups[a:b + 1] = [(codes, names, counts)]
            merged.append(_span_label(names, codes, bands or {}))
            i = max(a - 1, 0)
        else:
            i += 1
    labelled = [(_span_label(names, codes, bands or {}) if len(codes) > 1 else names[0], counts)
                for codes, names, counts in groups]
    bases = [col.base for col in ct.columns] + [ct.total.base]
    rows = []
    for label, counts in labelled:
        cells: tuple[str, ...] = (label,)
        for n, base in zip(counts, bases):
            cells += (str(n), fmt_percent(100 * n / base if base else float("nan"), decimal_comma=comma))
        rows.append(cells)
    header: tuple[str, ...] = (ct.variable.label,)
    for _, label in ct.groups:
        header += (f"{label} n", f"{label} %")
    header += ("Total n", "Total %")
    final = [m for m in merged if any(m == g[0] for g in labelled)] or merged
    notes = (f"Categories merged so that no cell is under {k}: " + "; ".join(final) + ".",) if merged else ()
    return Block(f"{ct.variable.label} by {ct.by.label}", header, tuple(rows), notes), final


def suppress_small_cells(block: Block, groups: int, k: int, bases: list[int] | None = None) -> tuple[Block, int]:
    """Replace group counts from 1 to k-1 (and their %) by '<k', with one more count of the row hidden so the
    row total cannot give it back; totals stay, as they describe one attribute only.

    A group smaller than k (`bases`) is hidden whole, zeros included: otherwise its base, less the
    counts shown, would tell where its few members are.
    """
    tiny = {g for g, base in enumerate(bases or []) if 0 < base < k}
    hidden = 0
    rows = []
    for row in block.rows:
        cells = list(row)

        def count(g: int) -> int:
            return int(cells[1 + 2 * g]) if cells[1 + 2 * g].isdigit() else 0

        small = sorted(tiny | {g for g in range(groups) if 0 < count(g) < k})
        if len(small) == 1 and groups > 1:  # the row total would give it away: hide the next smallest count too
            others = [g for g in range(groups) if g not in small and count(g) > 0]
            small += sorted(others, key=count)[:1]
        for g in small:
            cells[1 + 2 * g], cells[2 + 2 * g] = f"<{k}" if 0 < count(g) < k else "·", ""
            hidden += 1
        rows.append(tuple(cells))
    notes = block.notes
    if tiny:
        names = ", ".join(block.header[1 + 2 * g].removesuffix(" n") for g in sorted(tiny))
        notes = tuple(_hide_bases(n, names, k) for n in notes)
        notes += (f"{names}: fewer than {k} respondents, so every count of the group is hidden.",)
    if hidden:
        notes += (f"Counts from 1 to {k - 1} are shown as <{k}, and one more count in the same row as ·, "
                  "so that the row total does not reveal them.",)
    return Block(block.title, block.header, tuple(rows), notes), hidden


def _hide_bases(note: str, names: str, k: int) -> str:
    """The bases note with the base of each group smaller than k shown as '<k'."""
    for name in names.split(", "):
        note = re.sub(rf"(Bases: (?:.*?, )?){re.escape(name)} \d+", rf"\g<1>{name} <{k}", note)
    return note


def _joint_displays(
    study: Study, store: QualStore, config: ReportConfig, by_id: dict[str, Any], comma: bool, disclosure: list[str]
) -> list[Block]:
    import sqlalchemy as sa

    from ..errors import ReportError
    from ..qual.queries import coded_segments
    from ..study.roster import load_roster
    from ..qual.store import codes
    from ..stats.tables import crosstab_tables
    from .joint import joint_block, subgroup_block

    segments = coded_segments(study, store, coder=config.quotes.coder)
    with store.read() as conn:
        labels = dict(conn.execute(sa.select(codes.c.key, codes.c.name)).all())
    people = [dict(p.attributes, pseudonym=p.pseudonym) for p in load_roster(study).participants if not p.is_moderator]
    one = config.model_copy(update={"quotes": config.quotes.model_copy(update={"per_code": 1})})

    def quote_of(code: str) -> str:
        picked = _pick_quotes(study, store, segments[(segments["code"] == code) & (segments["role"] == "participant")],
                              one, people, disclosure)
        return f"“{picked[0].text}” ({picked[0].attribution})" if picked else ""

    blocks = []
    for display in config.joint_displays:
        if display.question not in by_id:
            raise ReportError(f"joint display {display.topic!r}: no question or quantitised variable {display.question!r}")
        if display.by is None:
            blocks.append(joint_block(display, by_id[display.question], segments, labels, quote_of, comma))
        else:
            crosstab = crosstab_tables(study, display.by, questions=[display.question]).crosstabs[0]
            grouped = _participants_grouped(study, store, display, segments, {code for code, _ in crosstab.groups})
            blocks.append(subgroup_block(display, crosstab, grouped, labels, comma))
    return blocks


def _participants_grouped(
    study: Study, store: QualStore, display: Any, segments: pd.DataFrame, survey_codes: set[str]
) -> pd.DataFrame:
    """Segments with the focus-group side of a joint display's `by` in a column named `by`."""
    from ..errors import ReportError
    from ..qual.quantitise import participant_groups

    source = display.participants_by or display.by
    variable = next((v for v in study.config.quantitised if v.id == source), None)
    if variable is not None:
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


def _descendants(row: Any, children: dict[int | None, list[Any]]) -> list[str]:
    keys = [row.key]
    for child in children.get(row.id, []):
        keys += _descendants(child, children)
    return keys


def _by_group(frame: pd.DataFrame, attribute: str | None) -> str:
    if attribute is None or attribute not in frame.columns or frame.empty:
        return ""
    counts = frame.drop_duplicates("participant").groupby(attribute)["participant"].count()
    return ", ".join(f"{value} {n}" for value, n in counts.items() if value)


def _pick_quotes(
    study: Study, store: QualStore, frame: pd.DataFrame, config: ReportConfig, people: list[dict[str, str]],
    disclosure: list[str],
) -> tuple[Quote, ...]:
    from ..qual.queries import quote_texts

    rule: QuoteRule = config.quotes
    if frame.empty or rule.per_code == 0:
        return ()
    texts = quote_texts(store, [int(i) for i in frame["coding_id"]], 0).set_index("coding_id")["quote"]
    candidates = frame.assign(quote=[texts.get(int(i), "") for i in frame["coding_id"]])
    candidates = candidates.assign(words=candidates["quote"].str.split().str.len())
    pinned = rule.pinned.get(str(frame["code"].iloc[0]), [])
    chosen = [r for _, r in candidates[candidates["coding_id"].isin(pinned)].iterrows()]
    short = candidates[candidates["words"] <= rule.max_words].sort_values(
        ["words", "document", "start"], ascending=[False, True, True])
    groups = [None] if rule.per is None or rule.per not in short.columns else sorted(short[rule.per].dropna().unique())
    for value in groups:
        pool = short if value is None else short[short[rule.per] == value]
        pool = pool[~pool["participant"].isin([c["participant"] for c in chosen])]
        if len(chosen) < rule.per_code and not pool.empty:
            chosen.append(pool.iloc[0])
    return tuple(Quote(_sentence(str(c["quote"])), attribute_label(c, config, people, disclosure)) for c in chosen[: rule.per_code])


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] if text else text


def attribute_label(row: Any, config: ReportConfig, people: list[dict[str, str]], disclosure: list[str]) -> str:
    """'P12, senior, woman', coarsened until at least k participants share the attributes shown."""
    shown = [a for a in config.attribution if str(row.get(a) or "")]
    while shown:
        same = [p for p in people if all(p.get(a) == row.get(a) for a in shown)]
        if len(same) >= config.k:
            break
        dropped = shown.pop()
        note = f"Attribution of {row['participant']}: '{dropped}' left out (fewer than {config.k} participants share it)."
        if note not in disclosure:
            disclosure.append(note)
    return ", ".join([str(row["participant"])] + [str(row[a]) for a in shown])


# --- methods appendix -----------------------------------------------------------------------


def _appendix(study: Study, section: Section, tables: Any, qual: QualStore | None, config: ReportConfig) -> None:
    bases = [f"{t.label}: {t.base_label.removeprefix('Base: ')}" + (f"; no answer {t.missing}" if t.missing else "")
             + (f"; not asked {t.not_asked}" if t.not_asked else "") for t in tables.frequencies]
    section.paragraphs.append("Per-item bases. " + " · ".join(bases))
    section.paragraphs += _sampling_paragraphs(study)
    section.tables.append(_instrument_block(study))
    if qual is not None:
        section.paragraphs += _agreement_paragraphs(qual)
        section.tables.append(_codebook_block(qual))
    if config.published:
        section.paragraphs += _audit_paragraphs(study, config.published)
    section.paragraphs.append(
        f"Disclosure control: quote attributions show {', '.join(config.attribution) or 'no attributes'} only when at "
        f"least {config.k} participants share them; participants' names, e-mail addresses and phone numbers are "
        "replaced on import and checked for again before the report is written."
    )
    section.paragraphs.append("Software: " + ", ".join(f"{p} {_version(p)}" for p in (
        "learnervoice", "duckdb", "pandas", "scipy", "sqlalchemy")) + ".")
    section.paragraphs.append("Inputs (SHA-256, first 12): " + ", ".join(_input_hashes(study)) + ".")


def _sampling_paragraphs(study: Study) -> list[str]:
    """How the participants were drawn, when `learnervoice sample` left its record in the study."""
    from ..study.load import _read_yaml
    from ..survey.sampling import RECORD_FILE, record_lines

    path = study.folder / RECORD_FILE
    return [record_lines(_read_yaml(path))] if path.is_file() else []


def _audit_paragraphs(study: Study, published: str) -> list[str]:
    """What `learnervoice audit` finds in the published tables this study re-analyses."""
    from ..stats.audit import audit_table

    results = audit_table(study.resolve(published))
    findings = [f"{a.question}: " + "; ".join(a.findings()) for a in results if not a.consistent]
    head = (f"Audit of the published tables ({len(results)} items): the percentages of every item were checked "
            "against the bases they imply.")
    if not findings:
        return [head + " All are consistent."]
    return [head + " Inconsistencies found in the published figures: "
            + " · ".join(findings) + "."]


def _instrument_block(study: Study) -> Block:
    """The questionnaire as asked: each item's type, options (or bands) and the condition it was asked under."""
    rows = []
    for q in study.config.questions:
        options = getattr(q, "options", ())
        detail = "; ".join(o.label for o in options) if options else ""
        kind = q.type + (f" (% of {q.base})" if isinstance(q, MultipleResponse) else "")
        asked = f"if {q.ask_if.question} is {' or '.join(q.ask_if.any_of)}" if q.ask_if else "everyone"
        rows.append((q.text, kind, detail, asked))
    return Block("Instrument", ("Question", "Type", "Options", "Asked"), tuple(rows), ())


def _agreement_paragraphs(store: QualStore) -> list[str]:
    from ..errors import CodingError
    from ..qual.agreement import agreement

    try:
        frame = agreement(store, unit="turn", bootstrap=1000)
    except CodingError:
        return ["Agreement between coders: fewer than two coders' codings."]
    pooled = frame[frame["code"] == "(all codes)"].iloc[0]
    return [
        f"Agreement between coders ({', '.join(frame.attrs['coders'])}), unit: speaker turn, each code × turn a "
        f"unit ({int(pooled['units'])} units): percent agreement {pooled['percent']:.1%}, Krippendorff's alpha "
        f"{pooled['alpha']:.3f} (95% bootstrap interval {pooled['alpha_low']:.3f}–{pooled['alpha_high']:.3f}, "
        f"1,000 draws, seeded), Cohen's kappa {pooled['cohen']:.3f}. Per code: "
        + "; ".join(f"{r.code} α={r.alpha:.2f}" for r in frame.itertuples() if r.code != "(all codes)") + "."
    ]


def _codebook_block(store: QualStore) -> Block:
    import sqlalchemy as sa

    from ..qual.store import codes

    with store.read() as conn:
        rows = conn.execute(sa.select(codes).order_by(codes.c.position, codes.c.id)).all()
    depth: dict[int, int] = {}
    for r in rows:
        depth[r.id] = 0 if r.parent_id is None else depth.get(r.parent_id, 0) + 1
    ordered = _tree_order(list(rows))
    body = tuple(
        ("  " * depth[r.id] + r.name, r.key, " ".join(x for x in (r.description, _label("Includes", r.inclusion),
                                                                  _label("Excludes", r.exclusion)) if x))
        for r in ordered
    )
    return Block("Codebook", ("Code", "Key", "Definition"), body, ())


def _tree_order(rows: list[Any]) -> list[Any]:
    children: dict[int | None, list[Any]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    out: list[Any] = []

    def walk(parent: int | None) -> None:
        for r in children.get(parent, []):
            out.append(r)
            walk(r.id)

    walk(None)
    return out


def _label(label: str, text: str) -> str:
    return f"{label}: {text}" if text else ""


def _version(package: str) -> str:
    try:
        return version(package)
    except Exception:  # a package missing from the environment has no version to report
        return "?"


def _input_hashes(study: Study) -> list[str]:
    files = ["study.yaml", "codebook.yaml", "report.yaml"]
    files += [r.file for r in study.config.responses] + [t.file for t in study.config.transcripts] + list(study.config.codings)
    out = []
    for name in files:
        path = study.folder / name
        if path.is_file():
            out.append(f"{name} {hashlib.sha256(path.read_bytes()).hexdigest()[:12]}")
    return out
