"""Turn a chunk of text cells into typed answers, collecting every problem on the way.

Work is done per column and per distinct value, never per respondent, so a
chunk of 50,000 rows costs a handful of vectorised pandas operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..study.types import question_type
from ..study.model import BinnedNumeric, ChoiceQuestion, Numeric, Question, StudyConfig
from .mapping import Mapping, QuestionSource
from .readers import FileInfo
from ..text import normalize, number_text

if TYPE_CHECKING:
    import pandas as pd

TICKED = frozenset({"1", "y", "yes", "true", "x", "checked", "selected", "si", "sí", "oui", "ja"})
UNTICKED = frozenset({"0", "n", "no", "false", "", "not selected", "unchecked"})


def store_columns(config: StudyConfig) -> dict[str, str]:
    """Column name -> SQL type of the wide responses table, in instrument order."""
    columns: dict[str, str] = {}
    for q in config.questions:
        columns |= question_type(q).store_columns(q)
    return columns


def mr_column(question_id: str, code: str) -> str:
    return f"{question_id}__{code}"


@dataclass
class ChunkResult:
    frame: pd.DataFrame
    problems: list[Problem]


class ChunkConverter:
    """Converts chunks of one file under one mapping.

    Each question's type converts its columns (:meth:`QuestionType.convert`) with the helpers here:
    cells as text, option codes, numbers, and problems reported against the file's rows.
    """

    def __init__(self, config: StudyConfig, info: FileInfo, mapping: Mapping, source_name: str) -> None:
        self.config = config
        self.info = info
        self.mapping = mapping
        self.source_name = source_name
        self.missing = {normalize(v) for v in config.missing_values}
        self.missing_folded = {v.strip().casefold() for v in config.missing_values}
        self._lookups: dict[str, dict[str, str]] = {}

    def convert(self, chunk: pd.DataFrame) -> ChunkResult:
        import pandas as pd

        problems: list[Problem] = []
        out = pd.DataFrame(index=chunk.index)
        out["respondent_id"] = self._respondent_ids(chunk, problems)
        out["_row"] = chunk.index.to_numpy() + self.info.header_rows + 1
        for q in self.config.questions:
            src = self.mapping.questions.get(q.id)
            if src is None or any(c not in chunk.columns for c in src.columns()):
                continue
            for name, series in question_type(q).convert(q, src, chunk, self, problems).items():
                out[name] = series
        self._check_conditions(out, problems)
        return ChunkResult(out, problems)

    # --- identity -------------------------------------------------------------------------

    def _respondent_ids(self, chunk: pd.DataFrame, problems: list[Problem]) -> pd.Series:
        import pandas as pd

        col = self.mapping.respondent_id
        if col is None:
            stem = self.source_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            return pd.Series([f"{stem}-{self.info.row_number(int(i))}" for i in chunk.index], index=chunk.index)
        ids = chunk[col].astype(str).str.strip().str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
        for idx in ids.index[ids == ""]:
            problems.append(Problem(self.info.name, self.info.row_number(int(idx)), col, "", "a respondent id"))
        return ids

    # --- helpers for question types ------------------------------------------------------

    def cells(self, chunk: pd.DataFrame, column: str) -> pd.Series:
        """Stripped text; None where the cell is empty or a declared missing value."""
        import pandas as pd

        text = chunk[column].astype(str).str.strip()
        missing = text.eq("")
        if self.missing_folded:
            missing |= text.str.casefold().isin(self.missing_folded)
        for lo, hi in self.info.user_missing.get(column, []):
            missing |= pd.to_numeric(text, errors="coerce").between(lo, hi).fillna(False).astype(bool)
        return text.astype(object).where(~missing.astype(bool), None)

    def is_missing(self, column: str, key: str) -> bool:
        """Whether a cell's key (:func:`value_key`) is a declared or user-missing value."""
        return self._user_missing(column, key) or key in self.missing

    def _user_missing(self, column: str, value: str) -> bool:
        ranges = self.info.user_missing.get(column)
        if not ranges:
            return False
        try:
            number = float(value)
        except ValueError:
            return False
        return any(lo <= number <= hi for lo, hi in ranges)

    def codes(
        self, q: ChoiceQuestion | BinnedNumeric, src: QuestionSource, column: str, raw: pd.Series,
        problems: list[Problem],
    ) -> pd.Series:
        """Option codes of a column's cells (by code, label, alias or value label); a problem for each unknown one."""
        codes = _translate(raw, self.lookup(q, src, column))
        bad = raw.notna() & codes.isna()
        if bad.any():
            expected = "one of " + ", ".join(f"{o.code} ({o.label})" for o in q.options)
            for idx, value in raw[bad].items():
                problems.append(self.problem(idx, column, value, expected))
        return codes

    def lookup(self, q: ChoiceQuestion | BinnedNumeric, src: QuestionSource, column: str) -> dict[str, str]:
        """Matching key (:func:`value_key`) of every spelling of an option in this column -> its code."""
        key = f"{q.id}:{column}"
        if key not in self._lookups:
            table: dict[str, str] = {}
            for o in q.options:
                for name in (o.code, o.label, *o.aliases):
                    table[value_key(name)] = o.code
            labels = self.info.value_labels.get(column, {})
            for raw_value, label in labels.items():
                code = table.get(value_key(label))
                if code is not None:
                    table.setdefault(value_key(raw_value), code)
            for raw_value, code in src.values.items():
                table[value_key(raw_value)] = code
            self._lookups[key] = table
        return self._lookups[key]

    def numbers(self, q: Numeric | BinnedNumeric, column: str, raw: pd.Series, problems: list[Problem]) -> pd.Series:
        """Numbers of a column's cells (in the file's decimal mark); problems for text and for fractions of integers."""
        import pandas as pd

        text = raw
        if self.info.decimal_comma:
            text = raw.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(text, errors="coerce").astype("Float64")
        self.flag(raw.notna() & numbers.isna(), raw, column, "a number", problems)
        if q.integer:
            self.flag(numbers.notna() & (numbers % 1 != 0), raw, column, "a whole number", problems)
        return numbers

    def flag(self, mask: pd.Series, raw: pd.Series, column: str, expected: str, problems: list[Problem]) -> None:
        """A problem for each row of the mask."""
        mask = mask.fillna(False).astype(bool)
        for idx in mask.index[mask]:
            problems.append(self.problem(idx, column, raw[idx], expected))

    def problem(self, index: Any, column: str, value: Any, expected: str) -> Problem:
        """A problem in a cell, by the chunk's index of its row."""
        return Problem(self.info.name, self.info.row_number(int(index)), column, value, expected)

    # --- conditions -----------------------------------------------------------------------

    def _check_conditions(self, out: pd.DataFrame, problems: list[Problem]) -> None:
        for q in self.config.questions:
            if q.ask_if is None or not _present(q, out):
                continue
            asked = asked_mask(self.config, q.ask_if.question, q.ask_if.any_of, out)
            if asked is None:
                continue
            answered = _answered(q, out)
            wrong = answered & ~asked
            src = self.mapping.questions[q.id]
            column = src.columns()[0] if src.columns() else q.id
            for idx in wrong.index[wrong]:
                problems.append(
                    Problem(
                        self.info.name, int(out.at[idx, "_row"]), column, None,
                        f"no answer: question {q.id!r} is asked only if {q.ask_if.question!r} "
                        f"is one of {list(q.ask_if.any_of)}",
                    )
                )


def asked_mask(config: StudyConfig, question_id: str, codes: tuple[str, ...], out: pd.DataFrame) -> pd.Series | None:
    source = config.question(question_id)
    return question_type(source).condition_mask(source, codes, out)


def _present(q: Question, out: pd.DataFrame) -> bool:
    return question_type(q).answer_column(q) in out.columns


def _answered(q: Question, out: pd.DataFrame) -> pd.Series:
    return out[question_type(q).answer_column(q)].notna().astype(bool)


def split_ticks(cell: str, lookup: dict[str, str], separator: str | None) -> frozenset[str] | None:
    """Split a cell of joined ticks into option codes; None when some part matches no option.

    Labels may hold the separator themselves (Google Forms joins labels with ", "),
    so adjacent pieces are joined back greedily until they make a known label.

    >>> split_ticks("Online, mixed", {"online": "on", "mixed": "mx"}, None) == frozenset({"on", "mx"})
    True
    """
    candidates: tuple[str, ...] = (separator,) if separator else (";", ",", " ")
    for sep in candidates:
        codes = _greedy_split(cell.split(sep), sep, lookup)
        if codes is not None:
            return codes
    return None


def _greedy_split(pieces: list[str], sep: str, lookup: dict[str, str]) -> frozenset[str] | None:
    codes: set[str] = set()
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            candidate = sep.join(pieces[i:j]).strip()
            if not candidate:
                code: str | None = ""
            else:
                code = lookup.get(value_key(candidate))
            if code is not None:
                if code:
                    codes.add(code)
                i = j
                break
        else:
            return None
    return frozenset(codes)


def _translate(raw: pd.Series, lookup: dict[str, str]) -> pd.Series:
    """Option codes for raw cells, looked up once per distinct value (None: missing or unknown)."""
    table = {v: lookup.get(value_key(v)) for v in raw.dropna().unique()}
    return raw.map(table).astype(object).where(raw.notna(), None)


def value_key(value: str) -> str:
    """The form in which a raw value is matched against codes, labels and aliases."""
    return normalize(number_text(value))
