"""The methods appendix, built from what the study has: per-item bases, weights, rounding, tests of association,
how participants were drawn, the instrument, transcripts, coders and their agreement, the codebook, the audit
of published tables, the disclosure rules that applied, software and inputs. Nothing is named that the study
lacks (an attribute its roster does not declare, a weight, a test or a coder it does not have).

Nothing here depends on time or machine beyond the versions of the software used, so the same study
gives the same appendix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from ..stats.rounding import RULE_WORDS, Rounding, rounded_text
from ..study.load import Study
from ..study.model import MultipleResponse
from .blocks import Block
from .config import ReportConfig
from .model import Section
from .themes import codebook_block

if TYPE_CHECKING:
    from ..store import QualStore


def appendix(study: Study, section: Section, tables: Any, qual: QualStore | None, config: ReportConfig) -> None:
    """What the study has, in order: survey methods, sampling, instrument, qualitative methods, audit, disclosure,
    software and inputs."""
    section.paragraphs += _survey_paragraphs(study, tables, config)
    section.paragraphs += _sampling_paragraphs(study)
    if study.config.questions:
        section.tables.append(_instrument_block(study))
    if qual is not None:
        section.paragraphs += _qual_paragraphs(study, qual)
        if _has_codes(qual):
            section.tables.append(codebook_block(qual))
    if config.published:
        section.paragraphs += _audit_paragraphs(study, config.published)
    section.paragraphs += _disclosure_paragraphs(study, config, quotes=qual is not None)
    section.paragraphs.append("Software: " + ", ".join(f"{p} {_version(p)}" for p in (
        "learnervoice", "duckdb", "pandas", "scipy", "sqlalchemy")) + ".")
    section.paragraphs.append("Inputs (SHA-256, first 12): " + ", ".join(_input_hashes(study)) + ".")


def _survey_paragraphs(study: Study, tables: Any, config: ReportConfig) -> list[str]:
    """Bases per item; the weight, rounding and tests the tables used (each only when the study has it)."""
    if not tables.frequencies:
        return []
    bases = [f"{t.label}: {t.base_label.removeprefix('Base: ')}" + (f"; no answer {t.missing}" if t.missing else "")
             + (f"; not asked {t.not_asked}" if t.not_asked else "") for t in tables.frequencies]
    out = ["Per-item bases. " + " · ".join(bases)]
    weight = study.config.weight
    if weight is not None and tables.weighted:
        text = study.config.question(weight).text
        out.append(f"Weights: answers are weighted by “{text}” ({weight}); tables give the weighted % beside "
                   "the unweighted counts and %, with Kish's effective n, and intervals from the effective n.")
    out.append(f"Percentages are rounded {RULE_WORDS[study.config.tables.rounding]} to one decimal.")
    if any(s.kind == "subgroups" for s in config.sections):
        out.append("Subgroup tables give column percentages and a test of association: Pearson's chi-square; for a "
                   "2×2 table, Fisher's exact test; where more than a fifth of the expected counts are under 5, a "
                   "permutation test (9,999 tables with the same margins, seeded); Cramér's V as the effect size. "
                   "Items where a respondent may tick several options are not tested.")
    return out


def _qual_paragraphs(study: Study, qual: QualStore) -> list[str]:
    """Transcripts, the coders and, for two or more, their agreement."""
    from ..qual.queries import coded_segments, document_counts

    documents = document_counts(qual)
    out = []
    if documents:
        out.append(f"Transcripts: {len(documents)} document(s), {sum(d.turns for d in documents):,} speaker turns.")
    codings = coded_segments(study, qual)
    coders = sorted(str(c) for c in codings["coder"].dropna().unique()) if "coder" in codings else []
    if len(coders) >= 2:
        out += _agreement_paragraphs(qual, study.config.tables.rounding)
    elif coders:
        out.append(f"Coded by one coder ({coders[0]}): no agreement between coders to report.")
    elif documents:
        out.append("No codings yet.")
    return out


def _has_codes(qual: QualStore) -> bool:
    from ..qual.queries import codebook_rows

    return bool(codebook_rows(qual))


def _disclosure_paragraphs(study: Study, config: ReportConfig, *, quotes: bool) -> list[str]:
    """The disclosure rules that applied: quote attributions (only the roster's attributes), small cells."""
    declared = set(study.config.roster.attributes)
    shown = [a for a in config.attribution if a in declared]
    rules = []
    if quotes:
        rules.append(f"quotes are attributed to pseudonyms, with {', '.join(shown)} shown only when at least "
                     f"{config.k} participants share them" if shown else "quotes are attributed to pseudonyms only")
    variables = {q.id for q in study.config.questions} | {d.id for d in study.config.derived} | declared
    personal = [p for p in config.personal if p in variables]
    crossed = [s for s in config.sections if s.kind == "subgroups" and s.by in personal
               and any(t in personal for t in s.tables)]
    if crossed:
        how = f"shown as <{config.k}" if config.small_cells == "suppress" else "merged with a neighbouring category"
        rules.append(f"in tables crossing two variables that describe a person ({', '.join(personal)}), counts under "
                     f"{config.k} are {how}")
    if quotes:
        rules.append("participants' names, e-mail addresses and phone numbers are replaced on import and checked "
                     "for again before the report is written")
    return ["Disclosure control: " + "; ".join(rules) + "."] if rules else []


def _sampling_paragraphs(study: Study) -> list[str]:
    """How the participants were drawn, when `learnervoice sample` left its record in the study."""
    from ..study.load import _read_yaml
    from ..survey.sampling import RECORD_FILE, record_lines

    path = study.folder / RECORD_FILE
    return [record_lines(_read_yaml(path))] if path.is_file() else []


def _audit_paragraphs(study: Study, published: str) -> list[str]:
    """What `learnervoice audit` finds in the published tables this study re-analyses."""
    from ..stats.audit import audit_table

    results = audit_table(study.resolve(published), rounding=study.config.tables.rounding,
                          decimal_comma=study.config.decimal_comma)
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


def _agreement_paragraphs(store: QualStore, rule: Rounding = "half_up") -> list[str]:
    """Agreement on the transcripts (unit: the speaker turn) and, apart, on the open answers (unit: the answer)."""
    from ..qual.open_answers import PREFIX
    from ..qual.queries import document_listing

    names = [row[0] for row in document_listing(store)]
    opened = [n for n in names if n.startswith(PREFIX)]
    if not opened:
        return [_agreement_paragraph(store, None, "speaker turn", "Agreement between coders", rule)]
    out = [_agreement_paragraph(store, [n for n in names if not n.startswith(PREFIX)], "speaker turn",
                                "Agreement between coders on the transcripts", rule)] if len(opened) < len(names) else []
    return out + [_agreement_paragraph(store, opened, "the answer", "Agreement between coders on the open answers "
                                       f"({', '.join(opened)})", rule)]


def _agreement_paragraph(store: QualStore, documents: list[str] | None, unit: str, lead: str, rule: Rounding) -> str:
    from ..errors import CodingError
    from ..qual.agreement import agreement

    try:
        frame = agreement(store, unit="turn", bootstrap=1000, documents=documents)
    except CodingError:
        return f"{lead}: fewer than two coders' codings."
    pooled = frame[frame["code"] == "(all codes)"].iloc[0]

    def num(value: float, decimals: int = 3) -> str:
        return rounded_text(value, decimals, rule) or "–"

    return (
        f"{lead} ({', '.join(frame.attrs['coders'])}), unit: {unit}, each code × {unit.split()[-1]} a "
        f"unit ({int(pooled['units']):,} units): percent agreement {num(100 * pooled['percent'], 1)}%, Krippendorff's "
        f"alpha {num(pooled['alpha'])} (95% bootstrap interval {num(pooled['alpha_low'])}–{num(pooled['alpha_high'])}, "
        f"1,000 draws, seeded), {_kappa(pooled, num)}. Per code: "
        + "; ".join(f"{r.code} α={num(r.alpha, 2)}" for r in frame.itertuples() if r.code != "(all codes)") + "."
    )


def _kappa(pooled: Any, num: Callable[[float], str]) -> str:
    """Cohen's kappa for two coders, Fleiss' kappa for more (Cohen's is defined for pairs only)."""
    for column, name in (("cohen", "Cohen's kappa"), ("fleiss", "Fleiss' kappa")):
        value = pooled.get(column)
        if value is not None and value == value:
            return f"{name} {num(value)}"
    return "no kappa (too few units)"


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
