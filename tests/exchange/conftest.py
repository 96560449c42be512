"""The qualitative fixtures serve the exchange tests too."""

from ..qual.conftest import qual_study, store  # noqa: F401
