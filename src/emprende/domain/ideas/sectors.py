"""Economic sectors: ISIC Rev. 4 (CIIU Rev. 4 in Spanish), its 21 sections and 88 divisions, shipped with the package.

An idea's sector is a division ("47": retail trade); its section ("G") follows from it."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from emprende.domain.identity.user import Language

_DATA_PACKAGE = "emprende.domain.ideas.data"
_DATA_FILE = "isic_rev4.csv"


@dataclass(frozen=True, slots=True)
class Section:
    """An ISIC section: a letter from A to U."""

    code: str
    title_en: str
    title_es: str

    def title(self, language: Language) -> str:
        return self.title_es if language is Language.ES else self.title_en


@dataclass(frozen=True, slots=True)
class Sector:
    """An ISIC division: a two-digit code, within one section."""

    code: str
    section: Section
    title_en: str
    title_es: str

    def title(self, language: Language) -> str:
        return self.title_es if language is Language.ES else self.title_en


def _load() -> tuple[Mapping[str, Section], Mapping[str, Sector]]:
    text = resources.files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    sections: dict[str, Section] = {}
    sectors: dict[str, Sector] = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        letter, division = row["section"].strip(), row["division"].strip()
        if not division:
            sections[letter] = Section(letter, row["title_en"].strip(), row["title_es"].strip())
        else:
            sectors[division] = Sector(division, sections[letter], row["title_en"].strip(), row["title_es"].strip())
    return MappingProxyType(dict(sorted(sections.items()))), MappingProxyType(dict(sorted(sectors.items())))


SECTIONS, SECTORS = _load()
"""Every section by its letter, and every division by its code, in code order."""


def sector(code: str) -> Sector | None:
    """The division with this two-digit ISIC code, or None."""
    return SECTORS.get(code)
