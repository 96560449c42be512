"""Turn a chunk of text cells into typed answers, collecting every problem on the way.

Work is done per column and per distinct value, never per respondent, so a
chunk of 50,000 rows costs a handful of vectorised pandas operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Problem
from ..study.model import (
    BinnedNumeric,
    ChoiceQuestion,
    MultipleResponse,
    Numeric,
    OpenText,
    Question,
    StudyConfig,
)
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
        if isinstance(q, MultipleResponse):
            for o in q.options:
                columns[mr_column(q.id, o.code)] = "BOOLEAN"
        elif isinstance(q, (Numeric, BinnedNumeric)):
            columns[q.id] = "DOUBLE"
        else:
            columns[q.id] = "VARCHAR"
    return columns


def mr_column(question_id: str, code: str) -> str:
    return f"{question_id}__{code}"


@dataclass
class ChunkResult:
    frame: pd.DataFrame
    problems: list[Problem]


class ChunkConverter:
    """Converts chunks of one file under one mapping."""

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
            for name, series in self._convert_question(q, src, chunk, problems).items():
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

    # --- one question ---------------------------------------------------------------------

    def _convert_question(
        self, q: Question, src: QuestionSource, chunk: pd.DataFrame, problems: list[Problem]
    ) -> dict[str, pd.Series]:
        if isinstance(q, MultipleResponse):
            return self._multiple(q, src, chunk, problems)
        assert src.column is not None
        raw = self._cells(chunk, src.column)
        if isinstance(q, (Numeric, BinnedNumeric)):
            return {q.id: self._number(q, src.column, raw, problems)}
        if isinstance(q, OpenText):
            return {q.id: raw.where(raw.notna(), None)}
        return {q.id: self._choice(q, src, raw, problems)}

    def _cells(self, chunk: pd.DataFrame, column: str) -> pd.Series:
        """Stripped text; None where the cell is empty or a declared missing value."""
        import pandas as pd

        text = chunk[column].astype(str).str.strip()
        missing = text.eq("")
        if self.missing_folded:
            missing |= text.str.casefold().isin(self.missing_folded)
        for lo, hi in self.info.user_missing.get(column, []):
            missing |= pd.to_numeric(text, errors="coerce").between(lo, hi).fillna(False).astype(bool)
        return text.astype(object).where(~missing.astype(bool), None)

    def _user_missing(self, column: str, value: str) -> bool:
        ranges = self.info.user_missing.get(column)
        if not ranges:
            return False
        try:
            number = float(value)
        except ValueError:
            return False
        return any(lo <= number <= hi for lo, hi in ranges)

    def _choice(self, q: ChoiceQuestion, src: QuestionSource, raw: pd.Series, problems: list[Problem]) -> pd.Series:
        assert src.column is not None
        lookup = self._lookup(q, src, src.column)
        codes = _translate(raw, lookup)
        self._report_unknown(raw, codes, src.column, q, problems)
        return codes

    def _lookup(self, q: ChoiceQuestion | BinnedNumeric, src: QuestionSource, column: str) -> dict[str, str]:
        key = f"{q.id}:{column}"
        if key not in self._lookups:
            table: dict[str, str] = {}
            for o in q.options:
                for name in (o.code, o.label, *o.aliases):
                    table[_key(name)] = o.code
            labels = self.info.value_labels.get(column, {})
            for raw_value, label in labels.items():
                code = table.get(_key(label))
                if code is not None:
                    table.setdefault(_key(raw_value), code)
            for raw_value, code in src.values.items():
                table[_key(raw_value)] = code
            self._lookups[key] = table
        return self._lookups[key]

    def _report_unknown(
        self, raw: pd.Series, codes: pd.Series, column: str, q: ChoiceQuestion, problems: list[Problem]
    ) -> None:
        bad = raw.notna() & codes.isna()
        if bad.any():
            expected = "one of " + ", ".join(f"{o.code} ({o.label})" for o in q.options)
            for idx, value in raw[bad].items():
                problems.append(Problem(self.info.name, self.info.row_number(int(idx)), column, value, expected))

    def _number(
        self, q: Numeric | BinnedNumeric, column: str, raw: pd.Series, problems: list[Problem]
    ) -> pd.Series:
        import pandas as pd

        text = raw
        if self.info.decimal_comma:
            text = raw.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(text, errors="coerce").astype("Float64")
        self._flag(raw.notna() & numbers.isna(), raw, column, "a number", problems)
        if q.integer:
            self._flag(numbers.notna() & (numbers % 1 != 0), raw, column, "a whole number", problems)
        if isinstance(q, Numeric) and q.id == self.config.weight:
            self._flag(raw.isna(), raw.fillna(""), column, "a survey weight (every respondent needs one)", problems)
            self._flag(numbers < 0, raw, column, "a weight of zero or more", problems)
        if isinstance(q, Numeric):
            if q.min is not None:
                self._flag(numbers < q.min, raw, column, f"a number of at least {q.min:g}", problems)
            if q.max is not None:
                self._flag(numbers > q.max, raw, column, f"a number of at most {q.max:g}", problems)
        else:
            inside = pd.Series(False, index=raw.index)
            for band in q.bands:
                low = numbers >= band.min if band.min is not None else numbers.notna()
                high = numbers <= band.max if band.max is not None else numbers.notna()
                inside |= (low & high).fillna(False).astype(bool)
            bands = ", ".join(b.label for b in q.bands)
            self._flag(numbers.notna() & ~inside, raw, column, f"a number inside one of the bands ({bands})", problems)
        return numbers

    def _flag(self, mask: pd.Series, raw: pd.Series, column: str, expected: str, problems: list[Problem]) -> None:
        mask = mask.fillna(False).astype(bool)
        for idx in mask.index[mask]:
            problems.append(Problem(self.info.name, self.info.row_number(int(idx)), column, raw[idx], expected))

    # --- multiple response ----------------------------------------------------------------

    def _multiple(
        self, q: MultipleResponse, src: QuestionSource, chunk: pd.DataFrame, problems: list[Problem]
    ) -> dict[str, pd.Series]:
        import pandas as pd

        if src.option_columns:
            ticks = {code: self._dichotomy(q, src, code, col, chunk, problems) for code, col in src.option_columns.items()}
        elif src.category_columns:
            ticks = self._category_set(q, src, chunk, problems)
        else:
            assert src.column is not None
            ticks = self._joined(q, src, self._cells(chunk, src.column), problems)
        frame = pd.DataFrame({mr_column(q.id, o.code): ticks.get(o.code, False) for o in q.options}, index=chunk.index)
        frame = frame.fillna(False).astype(bool)
        answered = frame.any(axis=1)  # SPSS convention: no tick at all is a missing answer
        return {name: frame[name].astype("boolean").where(answered, None) for name in frame.columns}

    def _dichotomy(
        self, q: MultipleResponse, src: QuestionSource, code: str, column: str, chunk: pd.DataFrame,
        problems: list[Problem],
    ) -> pd.Series:
        option = next(o for o in q.options if o.code == code)
        ticked_values = set(TICKED) | {_key(option.code), _key(option.label)}
        if src.counted_value is not None:
            ticked_values = {_key(src.counted_value)}
        raw = chunk[column].astype(str).str.strip()
        keys = raw.map({v: _key(v) for v in raw.unique()})
        ticked = keys.isin(ticked_values)
        known = ticked | keys.isin(UNTICKED) | keys.map(lambda k: self._user_missing(column, k) or k in self.missing)
        if src.counted_value is not None:
            known = known | raw.map(_is_number_text)
        self._flag(~known, raw, column, f"a tick for {option.label!r} (1/0, Y/empty or the option's label)", problems)
        return ticked

    def _category_set(
        self, q: MultipleResponse, src: QuestionSource, chunk: pd.DataFrame, problems: list[Problem]
    ) -> dict[str, pd.Series]:
        import pandas as pd

        ticks = {o.code: pd.Series(False, index=chunk.index) for o in q.options}
        for column in src.category_columns:
            raw = self._cells(chunk, column)
            lookup = self._lookup(q, src, column)
            codes = _translate(raw, lookup)
            self._report_unknown(raw, codes, column, q, problems)
            for code in ticks:
                ticks[code] |= (codes == code).fillna(False).astype(bool)
        return ticks

    def _joined(
        self, q: MultipleResponse, src: QuestionSource, raw: pd.Series, problems: list[Problem]
    ) -> dict[str, pd.Series]:
        assert src.column is not None
        lookup = self._lookup(q, src, src.column)
        parsed: dict[str, frozenset[str] | None] = {}
        for value in raw.dropna().unique():
            parsed[value] = split_ticks(value, lookup, src.separator)
        sets = raw.map(lambda v: parsed[v] if isinstance(v, str) else frozenset()).astype(object)
        bad = sets.isna()
        if bad.any():
            expected = "ticks separated by , ; or spaces, each one of " + ", ".join(o.label for o in q.options)
            for idx, value in raw[bad].items():
                problems.append(Problem(self.info.name, self.info.row_number(int(idx)), src.column, value, expected))
        sets = sets.where(~bad, frozenset())
        return {o.code: sets.map(lambda s, c=o.code: c in s).astype(bool) for o in q.options}

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
    if isinstance(source, MultipleResponse):
        cols = [mr_column(source.id, c) for c in codes if mr_column(source.id, c) in out.columns]
        if not cols:
            return None
        return out[cols].fillna(False).astype(bool).any(axis=1)
    if source.id not in out.columns:
        return None
    return out[source.id].isin(list(codes)).fillna(False).astype(bool)


def _present(q: Question, out: pd.DataFrame) -> bool:
    if isinstance(q, MultipleResponse):
        return mr_column(q.id, q.options[0].code) in out.columns
    return q.id in out.columns


def _answered(q: Question, out: pd.DataFrame) -> pd.Series:
    if isinstance(q, MultipleResponse):
        return out[mr_column(q.id, q.options[0].code)].notna().astype(bool)
    return out[q.id].notna().astype(bool)


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
                code = lookup.get(_key(candidate))
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
    table = {v: lookup.get(_key(v)) for v in raw.dropna().unique()}
    return raw.map(table).astype(object).where(raw.notna(), None)


def _key(value: str) -> str:
    return normalize(number_text(value))


def _is_number_text(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True

