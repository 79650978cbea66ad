"""The W3C Data Privacy Vocabulary (DPV 2.3) terms the register may cite.

Entities carry optional ``dpv_term`` values (``dpv:Child``, ``pd:BirthDate``,
``eu-gdpr:A6-1-c``). A value in one of the DPV namespaces must be a real
term of DPV 2.3, so that exports never emit an IRI that does not exist.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DPV_PREFIXES = ("dpv:", "pd:", "eu-gdpr:")
TERMS_FILE = Path(__file__).parent / "dpv-terms.txt"


@cache
def dpv_terms() -> frozenset[str]:
    text = TERMS_FILE.read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def check_dpv_term(value: str | None) -> str | None:
    if value is not None and value.startswith(DPV_PREFIXES) and value not in dpv_terms():
        raise ValueError(f"{value!r} is not a term of DPV 2.3")
    return value
