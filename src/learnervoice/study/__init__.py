"""The study folder: instrument, settings, starter template, JSON Schema."""

from .load import Study, open_study
from .model import StudyConfig
from .starter import init_study, json_schema

__all__ = ["Study", "StudyConfig", "init_study", "json_schema", "open_study"]
