"""juesuan (决算): reads, checks and generates Chinese government budget and final-accounts
disclosures. See README.md; the public API is :mod:`juesuan.api`."""

__version__ = "0.1.0"

# Start-up: the methods dataclasses generates are compiled once and cached (juesuan._dccache).
from . import _dccache  # noqa: E402

_dccache.install()
