"""Question types: what each kind of question does, found through one registry.

One module per type (``single``, ``multiple``, ``likert``, ``numeric``, ``binned``, ``text``)
subclasses :class:`learnervoice.questions.base.QuestionType` and registers it for its model.
"""

from ..study.types import question_type, register, registered

__all__ = ["question_type", "register", "registered"]
