"""A catalogue of micro-credential offers: the EU Council Recommendation (2022) standard elements
plus what learners in the study asked about (duration, synchronous share, schedule, weekly hours,
level, credential, price). Read from CSV or YAML, every problem named by file, row and field.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import CatalogueError

WEEKS_PER_MONTH = 52 / 12
PARTICIPATION = ("online", "onsite", "blended")
SCHEDULES = ("morning", "afternoon", "night", "weekend")
LEVELS = ("basic", "intermediate", "advanced")
LIST_FIELDS = ("learning_outcomes", "participation", "schedule", "level")
MAX_CATALOGUE_BYTES = 20 * 1024 * 1024


class Offer(BaseModel):
    """One micro-credential offer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    title: str = Field(min_length=1)
    awarding_body: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{2,3}$", description="ISO 3166 code (ES, IRL…).")
    learning_outcomes: tuple[str, ...] = ()
    ects: float | None = Field(default=None, ge=0, le=60)
    hours: float | None = Field(default=None, ge=0, description="Notional workload in hours.")
    eqf_level: int | None = Field(default=None, ge=1, le=8)
    assessment: str | None = None
    participation: tuple[Literal["online", "onsite", "blended"], ...] = Field(default=(), description="Tracks offered.")
    quality_assurance: str | None = None
    prerequisites: str | None = None
    stackable: bool | None = None
    duration_weeks: float | None = Field(default=None, gt=0, le=520)
    sync_share: float | None = Field(default=None, ge=0, le=1, description="Share of the course held live (0–1).")
    schedule: tuple[Literal["morning", "afternoon", "night", "weekend"], ...] = ()
    hours_per_week: float | None = Field(default=None, gt=0, le=80)
    level: tuple[Literal["basic", "intermediate", "advanced"], ...] = ()
    credential: str | None = None
    price: float | None = Field(default=None, ge=0, description="In the catalogue's currency.")

    @field_validator(*LIST_FIELDS, mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(";") if part.strip())
        return value

    @model_validator(mode="before")
    @classmethod
    def _months(cls, data: Any) -> Any:
        """A duration may be given in months (converted to weeks, 52/12 a month)."""
        if isinstance(data, dict) and data.get("duration_months") not in (None, ""):
            data = dict(data)
            months = data.pop("duration_months")
            if data.get("duration_weeks") in (None, ""):
                try:
                    data["duration_weeks"] = round(float(months) * WEEKS_PER_MONTH, 1)
                except (TypeError, ValueError):
                    data["duration_weeks"] = months
        elif isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != "duration_months"}
        return data

    @property
    def duration_months(self) -> float | None:
        return None if self.duration_weeks is None else self.duration_weeks / WEEKS_PER_MONTH


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True)

    offers: tuple[Offer, ...]
    source: str = ""

    def offer(self, offer_id: str) -> Offer:
        for o in self.offers:
            if o.id == offer_id:
                return o
        raise CatalogueError(f"no offer {offer_id!r} in the catalogue")


def read_catalogue(path: Path) -> Catalogue:
    """A catalogue from CSV (one offer per row; lists separated by ';') or YAML (a list under `offers:`)."""
    if not path.is_file():
        raise CatalogueError(f"{path}: no such file")
    if path.stat().st_size > MAX_CATALOGUE_BYTES:
        raise CatalogueError(f"{path}: larger than 20 MB; is this a catalogue?")
    if path.suffix.lower() in (".yaml", ".yml"):
        records = _yaml_records(path)
    elif path.suffix.lower() == ".json":
        return Catalogue(offers=(elm_offer(path),), source=path.name)
    else:
        records = _csv_records(path)
    offers: list[Offer] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for where, record in records:
        cleaned = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in record.items() if k is not None}
        cleaned = {k: v for k, v in cleaned.items() if v not in ("", None)}
        try:
            offer = Offer.model_validate(cleaned)
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"] if not isinstance(p, int)) or "(row)"
                given = error.get("input")
                shown = f" (found {given!r})" if not isinstance(given, (dict, list, tuple)) else ""
                problems.append(f"{path.name}, {where}, field {field!r}: {_plain(error)}{shown}")
            continue
        if offer.id in seen:
            problems.append(f"{path.name}, {where}, field 'id': {offer.id!r} is used twice (first {seen[offer.id]})")
            continue
        seen[offer.id] = where
        offers.append(offer)
    if problems:
        raise CatalogueError(f"{len(problems)} problem(s) in the catalogue:\n  - " + "\n  - ".join(problems[:100]))
    if not offers:
        raise CatalogueError(f"{path}: no offers")
    return Catalogue(offers=tuple(offers), source=path.name)


def _plain(error: Any) -> str:
    message = str(error["msg"])
    if error["type"] == "literal_error":
        return message.replace("Input should be", "should be one of")
    return message.replace("Input should be", "should be").replace("Value error, ", "")


def _csv_records(path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueError(f"{path}: not UTF-8 text; save the catalogue as UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text))
    unknown = [c for c in (reader.fieldnames or []) if c.strip() not in Offer.model_fields and c.strip() != "duration_months"]
    if unknown:
        raise CatalogueError(f"{path}, row 1: unknown column(s) {unknown}; the columns are "
                             + ", ".join([*Offer.model_fields, "duration_months"]))
    return [(f"row {n}", dict(rec)) for n, rec in enumerate(reader, start=2)]


def _yaml_records(path: Path) -> list[tuple[str, dict[str, Any]]]:
    from ..study.load import _read_yaml, line_of

    data = _read_yaml(path)
    items = data.get("offers") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise CatalogueError(f"{path}: expected a list of offers (under `offers:`)")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise CatalogueError(f"{path}, offer {i + 1}: expected a mapping of fields")
        line = line_of(items, (i,))
        out.append((f"line {line}" if line else f"offer {i + 1}", dict(item)))
    return out


def write_catalogue_yaml(catalogue: Catalogue, path: Path) -> None:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    offers = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in o.model_dump().items() if v not in (None, ())}
              for o in catalogue.offers]
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        yaml.dump({"offers": offers}, fh)
    tmp.replace(path)


def elm_offer(path: Path) -> Offer:
    """The offer a European Digital Credential (ELM v3 JSON-LD) describes."""
    from ..exchange.elm import read_elm

    return Offer.model_validate(read_elm(path))
