"""One kind of problem: its HTTP status and its words in English and Spanish."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    """A problem kind: its status, and (title, detail) in English and in Spanish. A detail may name `{placeholders}`,
    filled from the raising error's parameters; the Spanish detail names the same ones."""

    status: int
    en: tuple[str, str]
    es: tuple[str, str]
