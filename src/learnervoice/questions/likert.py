"""Likert: one point of an ordered scale, stored and asked as a single choice, tabulated with its median."""

from __future__ import annotations

from typing import ClassVar

from ..study.model import Likert
from ..study.types import register
from .single import OneOption


@register(Likert)
class LikertType(OneOption[Likert]):
    """Options are listed from the lowest point to the highest."""

    kind: ClassVar[str] = "likert"
    widget: ClassVar[str] = "scale"
    ordinal: ClassVar[bool] = True
