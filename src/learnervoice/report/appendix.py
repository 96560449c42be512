"""The methods appendix: per-item bases, how participants were drawn, the instrument, agreement between
coders and the codebook, the audit of published tables, the disclosure rules, software and inputs.

Nothing here depends on time or machine beyond the versions of the software used, so the same study
gives the same appendix.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from ..study.load import Study
from ..study.model import MultipleResponse
from .blocks import Block
from .config import ReportConfig
from .model import Section
from .themes import codebook_block

if TYPE_CHECKING:
    from ..store import QualStore


def appendix(study: Study, section: Section, tables: Any, qual: QualStore | None, config: ReportConfig) -> None:
    """Bases, sampling, instrument, agreement and codebook, audit, disclosure rules, software and inputs."""
    bases = [f"{t.label}: {t.base_label.removeprefix('Base: ')}" + (f"; no answer {t.missing}" if t.missing else "")
             + (f"; not asked {t.not_asked}" if t.not_asked else "") for t in tables.frequencies]
    if bases:
        section.paragraphs.append("Per-item bases. " + " · ".join(bases))
    section.paragraphs += _sampling_paragraphs(study)
    if study.config.questions:
        section.tables.append(_instrument_block(study))
    if qual is not None:
        section.paragraphs += _agreement_paragraphs(qual)
        section.tables.append(codebook_block(qual))
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
    """Agreement on the transcripts (unit: the speaker turn) and, apart, on the open answers (unit: the answer)."""
    from ..qual.open_answers import PREFIX
    from ..qual.queries import document_listing

    names = [row[0] for row in document_listing(store)]
    opened = [n for n in names if n.startswith(PREFIX)]
    if not opened:
        return [_agreement_paragraph(store, None, "speaker turn", "Agreement between coders")]
    out = [_agreement_paragraph(store, [n for n in names if not n.startswith(PREFIX)], "speaker turn",
                                "Agreement between coders on the transcripts")] if len(opened) < len(names) else []
    return out + [_agreement_paragraph(store, opened, "the answer", "Agreement between coders on the open answers "
                                       f"({', '.join(opened)})")]


def _agreement_paragraph(store: QualStore, documents: list[str] | None, unit: str, lead: str) -> str:
    from ..errors import CodingError
    from ..qual.agreement import agreement

    try:
        frame = agreement(store, unit="turn", bootstrap=1000, documents=documents)
    except CodingError:
        return f"{lead}: fewer than two coders' codings."
    pooled = frame[frame["code"] == "(all codes)"].iloc[0]
    return (
        f"{lead} ({', '.join(frame.attrs['coders'])}), unit: {unit}, each code × {unit.split()[-1]} a "
        f"unit ({int(pooled['units'])} units): percent agreement {pooled['percent']:.1%}, Krippendorff's alpha "
        f"{pooled['alpha']:.3f} (95% bootstrap interval {pooled['alpha_low']:.3f}–{pooled['alpha_high']:.3f}, "
        f"1,000 draws, seeded), {_kappa(pooled)}. Per code: "
        + "; ".join(f"{r.code} α={r.alpha:.2f}" for r in frame.itertuples() if r.code != "(all codes)") + "."
    )


def _kappa(pooled: Any) -> str:
    """Cohen's kappa for two coders, Fleiss' kappa for more (Cohen's is defined for pairs only)."""
    for column, name in (("cohen", "Cohen's kappa"), ("fleiss", "Fleiss' kappa")):
        value = pooled.get(column)
        if value is not None and value == value:
            return f"{name} {value:.3f}"
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
