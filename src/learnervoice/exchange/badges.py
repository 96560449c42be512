"""Offers as Open Badges 3.0 `Achievement`s (achievementType MicroCredential), one JSON file each.

The Achievement is what a badge later awarded for the offer points to: name, description,
criteria, the awarding body as a Profile, credits, EQF level and learning outcomes as
alignments-free result descriptions, and the study-facing facts (duration, participation,
weekly hours) as tags.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from collections.abc import Sequence
from typing import Any, Protocol

from ..study.model import slug

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
COUNTRY_ALPHA2 = {"ESP": "ES", "IRL": "IE", "BEL": "BE", "FRA": "FR", "DEU": "DE", "ITA": "IT", "PRT": "PT",
                  "NLD": "NL", "GBR": "GB", "USA": "US", "AUT": "AT", "POL": "PL", "SWE": "SE", "FIN": "FI", "DNK": "DK"}


class Offer(Protocol):
    """What an Achievement is made from (learnervoice.align.catalogue.Offer has it all)."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def awarding_body(self) -> str: ...

    @property
    def country(self) -> str: ...

    @property
    def hours(self) -> float | None: ...

    @property
    def duration_weeks(self) -> float | None: ...

    @property
    def hours_per_week(self) -> float | None: ...

    @property
    def participation(self) -> tuple[str, ...]: ...

    @property
    def level(self) -> tuple[str, ...]: ...

    @property
    def schedule(self) -> tuple[str, ...]: ...

    @property
    def stackable(self) -> bool | None: ...

    @property
    def assessment(self) -> str | None: ...

    @property
    def quality_assurance(self) -> str | None: ...

    @property
    def prerequisites(self) -> str | None: ...

    @property
    def ects(self) -> float | None: ...

    @property
    def eqf_level(self) -> int | None: ...

    @property
    def learning_outcomes(self) -> tuple[str, ...]: ...


class Catalogue(Protocol):
    @property
    def offers(self) -> Sequence[Offer]: ...


def achievement(offer: Offer, base_url: str) -> dict[str, Any]:
    base = base_url.rstrip("/")
    facts = [f"{offer.hours:g} hours of learning" if offer.hours is not None else None,
             f"{offer.duration_weeks:g} weeks" if offer.duration_weeks is not None else None,
             f"{offer.hours_per_week:g} hours a week" if offer.hours_per_week is not None else None,
             ("participation: " + ", ".join(offer.participation)) if offer.participation else None,
             f"assessment: {offer.assessment}" if offer.assessment else None,
             f"quality assurance: {offer.quality_assurance}" if offer.quality_assurance else None]
    description = offer.title + (" — " + "; ".join(f for f in facts if f) if any(facts) else "")
    country = COUNTRY_ALPHA2.get(offer.country, offer.country) if len(offer.country) == 3 else offer.country
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"{base}/achievements/{offer.id}",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": offer.title,
        "description": description,
        "criteria": {"narrative": _criteria(offer)},
        "creator": {"id": f"{base}/issuers/{slug(offer.awarding_body).replace('_', '-')}", "type": ["Profile"], "name": offer.awarding_body,
                    "address": {"type": ["Address"], "addressCountryCode": country}},
        "humanCode": offer.id,
        "inLanguage": "en",
        "tag": [t for t in (*offer.participation, *offer.level, *offer.schedule, "stackable" if offer.stackable else None) if t],
    }
    if offer.ects is not None:
        out["creditsAvailable"] = offer.ects
    if offer.eqf_level is not None:
        out["alignment"] = [{"type": ["Alignment"], "targetName": f"EQF level {offer.eqf_level}",
                             "targetUrl": f"http://data.europa.eu/snb/eqf/{offer.eqf_level}", "targetFramework": "European Qualifications Framework",
                             "targetType": "ext:EQF"}]
    if offer.learning_outcomes:
        out["resultDescription"] = [{"id": f"{base}/achievements/{offer.id}/outcomes/{i}", "type": ["ResultDescription"],
                                     "name": text, "resultType": "LearningOutcome"}
                                    for i, text in enumerate(offer.learning_outcomes, start=1)]
    return out


def _criteria(offer: Offer) -> str:
    parts = ["Complete the course" + (f" ({offer.duration_weeks:g} weeks)" if offer.duration_weeks else "")]
    if offer.assessment:
        parts.append(f"pass its assessment ({offer.assessment})")
    if offer.prerequisites and offer.prerequisites.lower() != "none":
        parts.append(f"entry requirement: {offer.prerequisites}")
    return "; ".join(parts) + "."


def write_badges(catalogue: Catalogue, folder: Path, base_url: str) -> list[Path]:
    """One `<id>.json` per offer (written whole, or not at all)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for offer in catalogue.offers:
        path = folder / f"{offer.id}.json"
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(achievement(offer, base_url), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        written.append(path)
    return written
