"""A REFI-QDA project from another tool becomes a new learnervoice study folder, and back.

The new folder is built beside its final place and moved in only when everything was read and stored,
so a refused project leaves nothing behind. What the study's own files and tables cannot hold (users'
GUIDs, codes' isCodable, variables' types, cases' GUIDs and sources, sets, notes' names, descriptions)
is kept in the store's exchange objects for the next export; what learnervoice cannot hold at all is
counted in the report, which is also the import's audit record.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ExchangeError
from ..privacy.gate import Gate, gate_for
from ..store import QualStore
from ..study.load import Study, open_study
from ..study.roster import CONTACT_COLUMN, CONTACT_VALUE, FIXED, PSEUDONYM, load_roster
from .codebooks import import_qdc
from .codetree import Keys, repeated_names, yaml_tree
from .project_store import fill
from .refi import ImportedProject, export_qdc, export_qdpx, open_qdpx
from .refi_write_project import participants_of


__all__ = ["ProjectImportReport", "export_study_qdc", "export_study_qdpx", "import_qdc", "import_qdpx"]


@dataclass
class ProjectImportReport:
    folder: Path
    origin: str
    documents: int
    codes: int
    codings: int
    memos: int
    cases: int
    sets: int = 0
    adjustments: list[str] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)


def export_study_qdpx(study: Study, out: Path | str, *, gate: Gate | None = None) -> Path:
    """The study's coding project as .qdpx: pseudonymised sources, participants as cases with their
    declared attributes only (no names, no private columns), every text through the disclosure gate."""
    participants = participants_of(load_roster(study).participants)
    store = QualStore.for_study(study)
    try:
        return export_qdpx(store, Path(out), project=study.config.title, participants=participants,
                           gate=gate or gate_for(study))
    finally:
        store.close()


def export_study_qdc(study: Study, out: Path | str, *, gate: Gate | None = None) -> Path:
    """The study's codebook as .qdc (names and definitions through the disclosure gate)."""
    store = QualStore.for_study(study)
    try:
        return export_qdc(store, Path(out), gate=gate or gate_for(study))
    finally:
        store.close()


def import_qdpx(file: Path | str, folder: Path | str) -> ProjectImportReport:
    """Make a new study folder from a .qdpx project (ATLAS.ti, NVivo, MAXQDA, QualCoder, learnervoice)."""
    path, target = Path(file), Path(folder)
    if target.exists() and any(target.iterdir()):
        raise ExchangeError(f"{target}: the folder exists and is not empty; import into a new folder")
    project = open_qdpx(path)
    work = target.with_name(f".{target.name}.{os.getpid()}.importing")
    shutil.rmtree(work, ignore_errors=True)
    try:
        work.mkdir(parents=True)
        report = _build(project, work)
        if target.exists():
            target.rmdir()
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    report.folder = target
    return report


def _build(project: ImportedProject, folder: Path) -> ProjectImportReport:
    from ruamel.yaml import YAML

    yaml = YAML()
    attributes, private = _case_variables(project)
    config: dict[str, object] = {"title": project.name or "Imported project",
                                 "consent": "Consent as recorded in the original project.", "questions": []}
    if attributes:
        config["roster"] = {"attributes": attributes}
    with (folder / "study.yaml").open("w", encoding="utf-8") as fh:
        fh.write(f"# Imported from a REFI-QDA project written by {project.origin or 'an unnamed tool'}.\n")
        yaml.dump(config, fh)
    tree, keys = yaml_tree(project.codes, Keys(set()), ours=project.origin.lower().startswith("learnervoice"))
    with (folder / "codebook.yaml").open("w", encoding="utf-8") as fh:
        quick = YAML(typ="safe", pure=True)  # plain data: the safe dumper is several times faster than round-trip
        quick.default_flow_style = False
        quick.dump({"codes": tree}, fh)
    pseudonyms = _write_cases(project, folder)
    report = project.report
    if private:
        report.notes.append(f"case variable(s) {', '.join(private)} look like contact details and are kept private "
                            "(private/participants.csv; not roster attributes, not exported)")
    duplicates = repeated_names(project.codes)
    if duplicates:
        report.notes.append(f"{len(duplicates)} code name(s) repeat under different parents (kept apart by key): "
                            + ", ".join(sorted(duplicates)[:10]))
    study = open_study(folder)
    from ..qual.codebook import CodebookSpec, sync_codebook

    store = QualStore.for_study(study)
    try:
        sync_codebook(study, store, who="import", spec=CodebookSpec.model_validate({"codes": tree}))
        counts = fill(store, project, keys, pseudonyms)
    finally:
        store.close()
    return ProjectImportReport(folder, project.origin, counts.documents, len(keys), counts.codings, counts.memos,
                               len(project.cases), report.sets_kept, report.lines(), report.record())


def _case_variables(project: ImportedProject) -> tuple[list[str], list[str]]:
    """The cases' variables: analysis attributes, and those that hold contact details (kept private)."""
    names = sorted({k for c in project.cases for k in c.variables})
    private = [n for n in names if CONTACT_COLUMN.search(n)
               or any(CONTACT_VALUE.search(str(c.variables.get(n, "")).strip()) for c in project.cases)]
    return [n for n in names if n not in private and n not in FIXED], private


def _write_cases(project: ImportedProject, folder: Path) -> list[str]:
    """private/participants.csv from the cases (their names kept private); each case's pseudonym."""
    if not project.cases:
        return []
    attributes = sorted({k for c in project.cases for k in c.variables})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["pseudonym", "names", "role", "respondent_id", *attributes])
    pseudonyms: list[str] = []
    taken: set[str] = set()
    for i, case in enumerate(project.cases, start=1):
        name = case.name or f"Case {i}"
        pseudonym, n = (name, i) if PSEUDONYM.match(name) and name not in taken else (f"P{i:02d}", i)
        while pseudonym in taken:
            n += len(project.cases)
            pseudonym = f"P{n:02d}"
        taken.add(pseudonym)
        pseudonyms.append(pseudonym)
        writer.writerow([pseudonym, name, "participant", "", *[case.variables.get(a, "") for a in attributes]])
    (folder / "private").mkdir()
    (folder / "private" / "participants.csv").write_text(buffer.getvalue(), encoding="utf-8")
    renamed = sum(p != (c.name or "") for p, c in zip(pseudonyms, project.cases))
    if renamed:
        project.report.notes.append(f"{renamed} case name(s) kept as private names; the cases go by pseudonyms "
                                    "(P01…) in the study and in its exports")
    return pseudonyms
