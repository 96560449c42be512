"""Write a :class:`Draft` as study.yaml text, with comments that say where everything came from.

The text is written line by line (not dumped) so that every question can carry its notes,
questions that could not be typed appear as commented-out YAML, and ignored columns say why.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from .draft import Draft, DraftOption, DraftQuestion, LeftOut

PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "nan", "inf", "infinity"}
CONSENT = "I agree that my answers are used for research, as the study's information sheet explains."


def q(text: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted with escapes (YAML reads JSON strings).

    Everything YAML 1.1 or 1.2 would read as another type is quoted: ``false``, ``No``, ``null``, ``~``,
    numbers in any notation (``1e3``, ``0x10``, ``.inf``, ``1_000``) start with no letter and are quoted anyway.

    >>> q("gender"), q("1"), q("yes"), q('He said "hi"\\n')
    ('gender', '"1"', '"yes"', '"He said \\\\"hi\\\\"\\\\n"')
    >>> [q(v) for v in ("false", "No", "null", "1e3", "0x10", ".inf", "NaN", "y")]
    ['"false"', '"No"', '"null"', '"1e3"', '"0x10"', '".inf"', '"NaN"', '"y"']
    """
    if PLAIN.match(text) and text.lower() not in YAML_WORDS:
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return re.sub(r"[\u0080-\u009f\u2028\u2029\ufeff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", quoted)


def flow(items: list[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


def render(draft: Draft, study_name: str) -> str:
    """The study.yaml text of a draft."""
    lines = _header(draft, study_name)
    lines += [f"title: {q(draft.title)}", f"language: {q(draft.language)}",
              "# The consent text participants read (a placeholder: write yours).", f"consent: {q(CONSENT)}", ""]
    lines += _missing_values(draft)
    lines += _questions(draft)
    lines += _responses(draft)
    return "\n".join(lines) + "\n"


def _missing_values(draft: Draft) -> list[str]:
    """Text values a file declares missing (SPSS string user-missing values), as study.yaml's missing_values.

    study.yaml has no missing values per question, so they are written for the whole study, and the comment
    says whose they are.
    """
    if not draft.missing_text:
        return []
    values = sorted({v for vs in draft.missing_text.values() for v in vs})
    whose = "; ".join(f"{c}: {', '.join(repr(v) for v in vs)}" for c, vs in draft.missing_text.items())
    return ["# Declared missing in the file (SPSS user-missing values of string variables): " + whose + ".",
            "# study.yaml has no missing values per question, so these mean 'no answer' in every column.",
            f"missing_values: {flow(values)}", ""]


def summary(draft: Draft) -> str:
    """'N questions (a single, b multiple…), M columns ignored, K left as comments'."""
    kinds = Counter(x.type for x in draft.questions)
    by_type = ", ".join(f"{n} {t}" for t, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    text = _count(len(draft.questions), "question") + (f" ({by_type})" if by_type else "")
    return f"{text}, {_count(len(draft.ignored), 'column')} ignored, {len(draft.left)} left as comments"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _header(draft: Draft, study_name: str) -> list[str]:
    lines = ["# study.yaml written by `learnervoice init --from` from:"]
    lines += [f"#   {s}" for s in draft.sources]
    lines.append(f"# {summary(draft)}.")
    lines += [f"# {n}" for n in draft.notes]
    lines += ["# Read it through: question texts, option labels and types are the file's own; finish what is",
              f"# left as comments, then `learnervoice check {study_name}` and `learnervoice tables {study_name}`.", ""]
    return lines


def _questions(draft: Draft) -> list[str]:
    if not draft.questions and not draft.left:
        return ["questions: []", ""]
    lines = ["questions:" if draft.questions else "questions: []"]
    for question in draft.questions:
        lines += _question(question)
    if draft.left:
        lines += ["", "  # ---- Left for you to finish: each is also in ignore_columns below; when you write the",
                  "  # ---- question, take its columns out of ignore_columns."]
        for left in draft.left:
            lines += _left_out(left)
    lines.append("")
    return lines


def _question(x: DraftQuestion) -> list[str]:
    lines = [""] + [f"  # {n}" for n in x.notes]
    lines += [f"  - id: {q(x.id)}", f"    text: {q(x.text)}", f"    type: {x.type}"]
    if x.column and not _mapping_entry(x):
        lines.append(f"    source: {q(x.column)}")
    if x.ask_if is not None:
        note = f"  # {x.ask_if_note}" if x.ask_if_note else ""
        lines.append(f"    ask_if: {{question: {q(x.ask_if[0])}, any_of: {flow(list(x.ask_if[1]))}}}{note}")
    elif x.ask_if_note:
        lines.append(f"    # {x.ask_if_note}")
    if x.type == "numeric" and x.integer:
        lines.append("    integer: true")
    if x.items:
        lines.append("    items:")
        lines += [f"      - {{id: {q(item)}, text: {q(text)}}}" for item, text in x.items]
    if x.options:
        lines.append("    options:")
        lines += [_option(o) for o in x.options]
    return lines


def _option(o: DraftOption) -> str:
    aliases = [r for r in o.raw if r not in (o.code, o.label)]
    extra = f", aliases: {flow(aliases)}" if aliases else ""
    note = f"  # {o.note}" if o.note else ""
    return f"      - {{code: {q(o.code)}, label: {q(o.label)}{extra}}}{note}"


def _left_out(left: LeftOut) -> list[str]:
    lines = ["", f"  # {left.name}: {left.reason}"]
    if left.text:
        lines.append(f"  #   text: {left.text}")
    if left.columns:
        shown = ", ".join(left.columns[:12]) + (f", … ({len(left.columns)} columns)" if len(left.columns) > 12 else "")
        lines.append(f"  #   columns: {shown}")
    lines += [f"  # {line}" for line in left.suggestion]
    return lines


def _responses(draft: Draft) -> list[str]:
    if draft.data_file is None:
        return ["# Response files this study reads (imported when the study is opened):",
                "responses: []", "#  - {file: data/responses.csv, respondent_id: respondent}"]
    lines = ["# The response file (imported when the study is opened, or by `learnervoice import`).", "responses:",
             f"  - file: {q(draft.data_file.as_posix())}"]
    if draft.format != "auto":
        lines.append(f"    format: {draft.format}")
    if draft.encoding:
        lines.append(f"    encoding: {q(draft.encoding)}")
    if draft.header_rows is not None:
        lines.append(f"    header_rows: {draft.header_rows}")
    if draft.respondent_id:
        lines.append(f"    respondent_id: {q(draft.respondent_id)}")
    lines += _filter_example(draft)
    lines += _ignored(draft)
    lines += _mapping(draft)
    return lines


def _filter_example(draft: Draft) -> list[str]:
    if draft.filter_column is None:
        return []
    return [f"    # To leave out unfinished responses, keep only the rows whose {draft.filter_column} is "
            f"{draft.filter_value}:",
            "    # filter:",
            f"    #   - {{column: {q(draft.filter_column)}, is: [{q(draft.filter_value)}]}}"]


def _ignored(draft: Draft) -> list[str]:
    if not draft.ignored:
        return []
    lines = ["    ignore_columns:"]
    width = min(max(len(q(c)) for c in draft.ignored), 40)
    for column, why in draft.ignored.items():
        lines.append(f"      - {q(column).ljust(width)}  # {why}")
    return lines


def _mapping(draft: Draft) -> list[str]:
    entries = [(x.id, _mapping_entry(x)) for x in draft.questions]
    entries = [(qid, e) for qid, e in entries if e]
    if not entries:
        return []
    lines = ["    mapping:", "      questions:"]
    for qid, entry in entries:
        lines.append(f"        {q(qid)}:")
        lines += [f"          {line}" for line in entry]
    return lines


def _mapping_entry(x: DraftQuestion) -> list[str]:
    lines: list[str] = []
    if x.column and (x.values or x.separator):
        lines.append(f"column: {q(x.column)}")
    elif x.option_columns:
        lines.append("columns:")
        lines += [f"  {q(code)}: {q(col)}" for code, col in x.option_columns.items()]
    elif x.category_columns:
        lines.append(f"category_columns: {flow(x.category_columns)}")
    else:
        return []
    if x.counted_value is not None:
        lines.append(f"counted_value: {q(x.counted_value)}")
    if x.separator:
        lines.append(f"separator: {q(x.separator)}")
    if x.values:
        lines.append("values:")
        lines += [f"  {q(raw)}: {q(code)}" for raw, code in x.values.items()]
    return lines
