"""Small groups of a personal split, left out of what a screen shows.

The report's rule (`subgroups.py`) controls small cells only where a table crosses two personal variables: the
owner publishes the report and decides. A screen is read by every member of a study, so the workbench's results
page applies a stricter rule whenever the tables are split by a personal variable (report.yaml's `personal`):

- a group of fewer than k people (1 to k-1) is left out whole: its column, its count and its chart bars;
- if the people left out number fewer than k, the next smallest group is left out too (complementary
  suppression): the total, or the table of all respondents, less the groups shown would otherwise give them back;
- in each table, a group of whom fewer than k answered the item is left out in the same way;
- the test of a cross-tab compares the groups shown; numbers by group leave the hidden groups out of the total
  and the test (`stats.comparisons.numeric_by_group`'s `hide`);
- with fewer than two groups of people left, the split is not shown at all (`withheld`).

Each table's note says in words how many groups are not shown and why, without naming them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..stats.comparisons import NumericByGroup
from ..stats.significance import association
from ..stats.tables import CrossTab
from ..study.load import Study

if TYPE_CHECKING:
    from ..store import QualStore


@dataclass(frozen=True)
class HiddenGroups:
    """The groups of a split that a screen leaves out (by code), and why."""

    k: int
    codes: frozenset[str]
    small: int  # groups of 1 to k-1 people
    more: int  # groups of k or more left out with them, so that the people left out number at least k
    shown: int  # groups with people that remain

    def note(self, what: str = "people") -> str:
        """'2 groups of fewer than 5 people are not shown; 1 more group is not shown so that…' ('' when none is)."""
        parts = []
        if self.small:
            parts.append(f"{_groups(self.small)} of fewer than {self.k} {what} {_are(self.small)} not shown")
        if self.more:
            parts.append(f"{_more(self.more)} {_are(self.more)} not shown so that the people left out number at "
                         f"least {self.k} (the figures of all respondents, less the groups shown, would otherwise "
                         "give them away)")
        return "; ".join(parts) + "." if parts else ""


def _groups(n: int) -> str:
    return f"{n} group" if n == 1 else f"{n} groups"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def hidden_groups(sizes: Sequence[tuple[str, int]], k: int, forced: Collection[str] = ()) -> HiddenGroups:
    """The groups to leave out given each group's size (code, people): those of 1 to k-1, those `forced`, then the
    smallest others until the people left out number 0 or at least k. `small` and `more` count beyond `forced`."""
    small = {code for code, n in sizes if 0 < n < k} - set(forced)
    hidden = small | set(forced)
    people = dict(sizes)
    while 0 < sum(people[c] for c in hidden) < k:
        rest = sorted((n, i, code) for i, (code, n) in enumerate(sizes) if code not in hidden and n > 0)
        if not rest:
            break
        hidden.add(rest[0][2])
    shown = sum(1 for code, n in sizes if code not in hidden and n > 0)
    return HiddenGroups(k, frozenset(hidden), len(small), len(hidden) - len(small) - len(set(forced)), shown)


def group_sizes(study: Study, by: str, qual: QualStore | None = None) -> list[tuple[str, int]]:
    """Each group of `by` with its number of respondents (unweighted), in the variable's order."""
    from ..mixed.tables import frequency_tables

    table = frequency_tables(study, questions=[by], qual=qual, weighted=False).frequencies[0]
    return [(row.code, row.count) for row in table.rows]


def split_hidden(study: Study, by: str, personal: Collection[str], k: int,
                 qual: QualStore | None = None) -> HiddenGroups | None:
    """The groups a screen leaves out of a split by `by`: None when `by` is not personal (nothing is left out)."""
    if by not in personal:
        return None
    return hidden_groups(group_sizes(study, by, qual), k)


def withheld_message(label: str, hidden: HiddenGroups) -> str | None:
    """Why a split is not shown at all (fewer than two groups of people left), or None when it is shown."""
    if hidden.shown >= 2:
        return None
    return (f"The tables are not shown by {label.lower()}: fewer than two of its groups have at least {hidden.k} "
            f"people (a smaller group would let anyone read how its few people answered). "
            "The study's owner can still split them on their own computer (learnervoice tables --by).")


def screened_crosstab(ct: CrossTab, page: HiddenGroups) -> tuple[CrossTab, str]:
    """The cross-tab without the groups the page leaves out, nor those of whom fewer than k answered the item
    (the total stays: all respondents); the test compares the groups shown. Also the table's note ('' if none)."""
    answered = [(code, column.respondents) for (code, _), column in zip(ct.groups, ct.columns)]
    table = hidden_groups(answered, page.k, forced=page.codes)
    keep = [i for i, (code, _) in enumerate(ct.groups) if code not in table.codes]
    if len(keep) == len(ct.groups):
        return ct, ""
    columns = tuple(ct.columns[i] for i in keep)
    test = ct.test
    if ct.test is not None:
        test = association([[r.count for r in c.rows] for c in columns]) if len(keep) >= 2 else None
    apart = sum(c.respondents for i, c in enumerate(ct.columns) if i not in keep)
    screened = replace(ct, groups=tuple(ct.groups[i] for i in keep), columns=columns, test=test, apart=apart)
    words = [page.note(), _table_more(table, page.k)]
    words.append("The total is of all respondents, those of the groups not shown included"
                 + ("; the test compares the groups shown." if test is not None else "."))
    return screened, " ".join(w for w in words if w)


def _table_more(table: HiddenGroups, k: int) -> str:
    """The groups left out of one table beyond the page's: too few of their people answered its item."""
    extra = table.small + table.more
    if not extra:
        return ""
    return (f"In this table {_more(extra)} {_are(extra)} not shown: fewer than {k} of their people answered it, "
            f"or the people left out would otherwise number fewer than {k}.")


def _more(n: int) -> str:
    return f"{n} more group" if n == 1 else f"{n} more groups"


def screened_numbers(nt: NumericByGroup, page: HiddenGroups) -> tuple[NumericByGroup, str]:
    """Numbers by group without the groups left out (hidden by `numeric_by_group`: the page's, and those with fewer
    than k answers), which are in neither the total nor the test; also the table's note ('' if none)."""
    if not nt.hidden:
        return nt, ""
    keep = [i for i in range(len(nt.groups)) if i not in nt.hidden]
    page_hidden = sum(1 for i in nt.hidden if nt.groups[i][0] in page.codes)
    screened = replace(nt, groups=tuple(nt.groups[i] for i in keep), columns=tuple(nt.columns[i] for i in keep),
                       hidden=(), untested=tuple(keep.index(i) for i in nt.untested))
    words = [page.note() if page_hidden else ""]
    extra = len(nt.hidden) - page_hidden
    if extra:
        words.append(f"In this table {_more(extra)} {_are(extra)} not shown: "
                     f"fewer than {page.k} of their people answered it.")
    words.append("The total and the test leave out the groups not shown.")
    return screened, " ".join(w for w in words if w)
