"""Google Forms CSV and plain CSV/XLSX: every question typed from its column's values.

Google Forms writes a ``Timestamp`` column first, the question texts as column names, and the
ticks of a checkbox question joined with ", " in one cell. Its e-mail column (and any other
personal column, in any file) is left out, never made a question.
"""

from __future__ import annotations

from pathlib import Path

from ...text import normalize
from .columns import not_a_question
from .draft import Draft, Ids, LeftOut, short_id
from .infer import infer_question
from .profile import FileProfile

TIMESTAMPS = {"timestamp", "marca temporal", "horodateur", "zeitstempel", "informazioni cronologiche",
              "carimbo de data/hora", "tijdstempel", "marca de temps", "sygnatura czasowa"}


def is_google_forms(columns: list[str]) -> bool:
    """Google Forms exports start with a Timestamp column (in the form's language)."""
    return bool(columns) and normalize(columns[0]) in TIMESTAMPS


def draft_table(path: Path, profile: FileProfile, ids: Ids, respondent_id: str | None, *, google: bool) -> Draft:
    info = profile.info
    kind = "Google Forms export" if google else f"{info.format.upper()} table"
    draft = Draft(title=path.stem, sources=[f"{path.name} ({kind}: questions typed from the values)"],
                  data_file=path, respondent_id=respondent_id)
    tool = "google-forms" if google else "any"
    for column in info.columns:
        if column == respondent_id:
            continue
        why = not_a_question(column, "", tool)
        if why is not None:
            draft.ignore(column, why)
            continue
        name = short_id(column) if google or len(column) > 30 else column
        found = infer_question(ids, column, column, profile.columns[column], name=name)
        if isinstance(found, LeftOut):
            draft.left.append(found)
        else:
            draft.questions.append(found)
    return draft
