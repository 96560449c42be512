"""`init --from`: tell the given files apart, read the instrument, check it against the data, write study.yaml."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ...errors import InvalidResponsesError, StudyError
from ...study.load import STUDY_FILE
from ..readers import FileInfo, open_response_file
from . import kobo, limesurvey, qualtrics, readstat, tabular
from .conditions import check_conditions
from .draft import Draft, Ids
from .profile import FileProfile, profile_file
from .qsf import read_qsf
from .reconcile import reconcile
from .yamlout import render, summary

DEFINITIONS = {".qsf": "qsf", ".lss": "lss", ".r": "r-syntax"}
GENERIC_IDS = ("respondent_id", "respondent", "participant_id", "participant", "response_id", "responseid", "id",
               "caseid", "case_id", "serial")


@dataclass
class InitReport:
    """What ``init --from`` wrote, for the CLI to say."""

    path: Path
    draft: Draft

    @property
    def summary(self) -> str:
        return summary(self.draft)


@dataclass
class Inputs:
    encoding: str | None = None  # the response file's text encoding, when guessing is wrong
    data: Path | None = None
    qsf: Path | None = None
    lss: Path | None = None
    ls_tsv: Path | None = None
    r_syntax: Path | None = None
    xlsform: Path | None = None


def init_from(folder: Path | str, files: list[Path], *, force: bool = False, encoding: str | None = None) -> InitReport:
    """Write ``folder/study.yaml`` from other tools' files: a response file and/or a survey definition.

    >>> init_from("my-study", [Path("survey.qsf"), Path("export.csv")]).summary  # doctest: +SKIP
    '12 questions (7 single, 3 multiple, 2 text), 17 columns ignored, 1 left as comments'
    """
    folder = Path(folder)
    target = folder / STUDY_FILE
    if target.exists() and not force:
        raise StudyError("a study.yaml is already here; nothing was written (--force replaces it)", file=target)
    inputs = classify(files)
    inputs.encoding = encoding
    try:
        draft = draft_from(inputs)
    except InvalidResponsesError as exc:
        first = exc.problems[0] if exc.problems else None
        where = first.file if first else "the file"
        raise StudyError(f"cannot be read: {first.expected if first else exc}; nothing was written", file=where) from None
    if draft.data_file is not None:
        draft.data_file = _declared_path(draft.data_file, folder)
        draft.encoding = draft.encoding or encoding
    text = render(draft, str(folder))
    _validate(text, target)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return InitReport(target, draft)


def _declared_path(path: Path, folder: Path) -> Path:
    """Relative to the study when the file is inside it (the study stays movable), else absolute."""
    resolved, base = path.resolve(), folder.resolve()
    if resolved.is_relative_to(base):
        return Path(os.path.relpath(resolved, base))
    return resolved


def classify(files: list[Path]) -> Inputs:
    """Which given file is the responses and which the survey definition(s)."""
    if not files:
        raise StudyError("give at least one file with --from (responses or a survey definition)")
    inputs = Inputs()
    for path in files:
        if not path.is_file():
            raise StudyError("no such file", file=path)
        kind = _kind(path)
        attribute = "data" if kind == "data" else kind.replace("-", "_")
        if getattr(inputs, attribute) is not None:
            what = "response file" if kind == "data" else f"{kind} file"
            raise StudyError(f"two {what}s given ({getattr(inputs, attribute).name} and {path.name}); give one "
                             "response file and its survey definition", file=path)
        setattr(inputs, attribute, path)
    return inputs


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in DEFINITIONS:
        return DEFINITIONS[suffix]
    if suffix in (".xlsx", ".xlsm", ".xls") and kobo.is_xlsform(path):
        return "xlsform"
    if suffix in (".txt", ".tsv") and limesurvey.is_structure_tsv(path):
        return "ls-tsv"
    return "data"


def draft_from(inputs: Inputs) -> Draft:
    """The draft of the given files, checked against the response file's values when there is one."""
    if inputs.data is None:
        return _definition_only(inputs)
    ids = Ids()
    path = inputs.data
    info = open_response_file(path, encoding=inputs.encoding).info
    checked = partial(_checked, encoding=inputs.encoding)
    if info.format in ("sav", "dta"):
        return checked(readstat.draft_readstat, path, info, ids, readstat.id_candidates(info))
    layout = qualtrics.sniff(path, info)
    if layout is not None or inputs.qsf is not None:
        return _qualtrics(inputs, path, info, ids, layout)
    if inputs.lss or inputs.ls_tsv or inputs.r_syntax or info.format == "limesurvey":
        return limesurvey.draft_from_files(inputs.lss, inputs.ls_tsv, inputs.r_syntax, path, info, ids, checked)
    if inputs.xlsform is not None or kobo.is_kobo_export(info):
        return kobo.draft_from_files(inputs.xlsform, path, info, ids, checked)
    google = tabular.is_google_forms(info.columns)
    candidates = tuple(c for c in info.columns if c.strip().lower() in GENERIC_IDS)
    return checked(lambda p, prof, i, rid: tabular.draft_table(p, prof, i, rid, google=google), path, info, ids,
                    candidates)


def _definition_only(inputs: Inputs) -> Draft:
    ids = Ids()
    if inputs.qsf is not None:
        return qualtrics.draft_definition(read_qsf(inputs.qsf), inputs.qsf, ids)
    if inputs.lss or inputs.ls_tsv or inputs.r_syntax:
        return limesurvey.draft_definition(inputs.lss, inputs.ls_tsv, inputs.r_syntax, ids)
    if inputs.xlsform is not None:
        return kobo.draft_definition(inputs.xlsform, ids)
    raise StudyError("no response file and no survey definition among the files given")


def _qualtrics(inputs: Inputs, path: Path, info: FileInfo, ids: Ids, layout: qualtrics.Layout | None) -> Draft:
    if layout is None:
        raise StudyError("not a Qualtrics export (no ResponseId and question-text header rows); export the "
                         "responses from Qualtrics as CSV or Excel with 'Export values' or choice text", file=path)
    qsf = read_qsf(inputs.qsf) if inputs.qsf is not None else None
    skip = max(layout.header_rows - info.header_rows, 0)
    draft, profile = _profiled(path, ids, skip, qualtrics.ID_COLUMNS, lambda prof, rid: qualtrics.draft_qualtrics(
        path, prof, layout, ids, rid, qsf), inputs.encoding)
    if qsf is not None and inputs.qsf is not None:
        draft.sources.append(f"{inputs.qsf.name} (Qualtrics survey definition)")
    _finish(draft, profile, ids, path, skip, inputs.encoding)
    return draft


def _checked(make, path: Path, info: FileInfo, ids: Ids, candidates: tuple[str, ...], skip: int = 0,  # type: ignore[no-untyped-def]
             encoding: str | None = None) -> Draft:
    """Profile the file, let ``make(path, profile, ids, respondent_id)`` draft it, reconcile it with the values."""
    draft, profile = _profiled(path, ids, skip, candidates, lambda prof, rid: make(path, prof, ids, rid), encoding)
    _finish(draft, profile, ids, path, skip, encoding)
    return draft


def _finish(draft: Draft, profile: FileProfile, ids: Ids, path: Path, skip: int, encoding: str | None = None) -> None:
    reconcile(draft, profile, ids)
    check_conditions(draft, path, skip, encoding)


def _profiled(path: Path, ids: Ids, skip: int, candidates: tuple[str, ...], make,  # type: ignore[no-untyped-def]
              encoding: str | None = None) -> tuple[Draft, FileProfile]:
    profile = profile_file(path, skip_records=skip, id_candidates=candidates, encoding=encoding)
    respondent_id = pick_respondent_id(profile, candidates)
    draft: Draft = make(profile, respondent_id)
    if respondent_id is None and candidates:
        draft.notes.append(f"No respondent id: {', '.join(candidates)} is not filled and unique in every row, "
                           "so responses are numbered by row.")
    return draft, profile


def pick_respondent_id(profile: FileProfile, candidates: tuple[str, ...]) -> str | None:
    """The first candidate column that is filled and unique in every row."""
    for column in candidates:
        col = profile.columns.get(column)
        if col is not None and col.unique_ids is not None and not col.duplicate and col.filled == profile.rows > 0:
            return column
    return None


def _validate(text: str, target: Path) -> None:
    """What is written must be a valid study.yaml (a failure here is a bug of ours: say so plainly)."""
    from ruamel.yaml import YAML

    from ...study.load import MAX_STUDY_FILE_BYTES, parse_config

    size = len(text.encode("utf-8"))
    if size > MAX_STUDY_FILE_BYTES:
        raise StudyError(f"the study.yaml drafted would hold {size / 1e6:.1f} MB, above the "
                         f"{MAX_STUDY_FILE_BYTES / 1e6:.0f} MB a study.yaml may hold (too many columns to describe one "
                         "by one); nothing was written. Give a copy of the file with only the columns you study",
                         file=target)

    try:
        parse_config(YAML(typ="rt").load(text), target)
    except StudyError as exc:
        raise StudyError(f"the study.yaml drafted does not validate ({exc}); nothing was written. "
                         "Please report this with the files given", file=target) from None
