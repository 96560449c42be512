"""Study.yaml from other tools' files (`learnervoice init STUDY --from FILE`): SPSS, Stata, Qualtrics,
LimeSurvey, KoboToolbox, Google Forms and plain tables.

Each tool has a module that turns its files into a :class:`~.draft.Draft`; :mod:`.reconcile` checks
the draft against the values in the response file so that importing it needs no edit, and
:mod:`.yamlout` writes it with comments.
"""

from .build import InitReport, init_from

__all__ = ["InitReport", "init_from"]
