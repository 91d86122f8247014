"""juesuan (决算): reads, checks and generates Chinese government budget and final-accounts
disclosures. See README.md; the public API is :mod:`juesuan.api`."""

__version__ = "0.1.0"
