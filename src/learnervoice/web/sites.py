"""The studies a server serves: each with its folder, its store and a lock for publishing answers."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..errors import StudyError
from ..store import QualStore
from ..study.load import Study
from ..study.model import slug
from ..workspace import open_workspace


@dataclass
class Site:
    slug: str
    study: Study
    store: QualStore
    publish_lock: threading.Lock = field(default_factory=threading.Lock)


def slug_of(study: Study) -> str:
    """The study's address: its folder name in lower case, with hyphens."""
    return slug(study.folder.name).replace("_", "-")


def open_sites(studies: list[Study], database_url: str | None) -> dict[str, Site]:
    """One site per study; with a team database, one study per server (its tables have no study column)."""
    if database_url and len(studies) > 1:
        raise StudyError("a team database serves one study; start one server per study")
    sites: dict[str, Site] = {}
    for study in studies:
        slug = slug_of(study)
        if slug in sites:
            raise StudyError(f"two studies would have the address /s/{slug}/; rename one folder")
        workspace = open_workspace(study, database_url=database_url)  # the study made current, once, at start
        sites[slug] = Site(slug, study, workspace.qual)
    return sites
