"""Ecuador's political-administrative division (INEC DPA): provinces, cantons and parishes, looked up by code."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from emprende.domain.shared.errors import InvalidInput, RuleChecks

_DATA_PACKAGE = "emprende.domain.participants.data"
_DATA_FILE = "ecuador-dpa.csv"

# Names the file writes without the accents Spanish spelling requires (upper case, as in the file).
_ACCENTS: dict[str, str] = {
    # provinces
    "BOLIVAR": "BOLÍVAR",
    "LOS RIOS": "LOS RÍOS",
    "MANABI": "MANABÍ",
    "GALAPAGOS": "GALÁPAGOS",
    "SUCUMBIOS": "SUCUMBÍOS",
    "SANTO DOMINGO DE LOS TSACHILAS": "SANTO DOMINGO DE LOS TSÁCHILAS",
    # cantons
    "PUCARA": "PUCARÁ",
    "SIGSIG": "SÍGSIG",
    "PUJILI": "PUJILÍ",
    "ALAUSI": "ALAUSÍ",
    "MEJIA": "MEJÍA",
}

# Words written in lower case unless they open the name (or a parenthesis).
_SMALL_WORDS = frozenset({"de", "del", "la", "las", "los", "el", "y", "en"})


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Canton:
    code: str
    province_code: str
    name: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Parish:
    code: str
    canton_code: str
    name: str
    display_name: str

    @property
    def urban(self) -> bool:
        """Whether the parish is urban (INEC codes ending 01-49) rather than rural (50-99)."""
        return int(self.code[-2:]) < 50


@dataclass(frozen=True, slots=True)
class _Division:
    provinces: dict[str, Province]
    cantons: dict[str, Canton]
    parishes: dict[str, Parish]
    cantons_by_province: dict[str, list[Canton]]


def _capitalize(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def _display_name(name: str) -> str:
    """The name in Spanish title case with its accents: "LOS RIOS" -> "Los Ríos"."""
    upper = unicodedata.normalize("NFC", name).strip().upper()
    words: list[str] = []
    opening = True
    for word in _ACCENTS.get(upper, upper).split():
        core = word.lstrip("(")
        lower = core.lower()
        if not opening and core == word and lower in _SMALL_WORDS:
            words.append(lower)
        else:
            words.append(word[: len(word) - len(core)] + _capitalize(core))
        opening = False
    return " ".join(words)


@cache
def _division() -> _Division:
    text = resources.files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    provinces: dict[str, Province] = {}
    cantons: dict[str, Canton] = {}
    parishes: dict[str, Parish] = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        province_code = row["province_code"].strip()
        canton_code = row["canton_code"].strip()
        parish_code = row["parish_code"].strip()
        if province_code not in provinces:
            name = unicodedata.normalize("NFC", row["province_name"].strip())
            provinces[province_code] = Province(province_code, name, _display_name(name))
        if canton_code not in cantons:
            name = unicodedata.normalize("NFC", row["canton_name"].strip())
            cantons[canton_code] = Canton(canton_code, province_code, name, _display_name(name))
        name = unicodedata.normalize("NFC", row["parish_name"].strip()).upper()
        parishes[parish_code] = Parish(parish_code, canton_code, name, _display_name(name))
    by_province: dict[str, list[Canton]] = {code: [] for code in provinces}
    for canton_ in sorted(cantons.values(), key=lambda c: c.code):
        by_province[canton_.province_code].append(canton_)
    return _Division(
        provinces=dict(sorted(provinces.items())),
        cantons=dict(sorted(cantons.items())),
        parishes=dict(sorted(parishes.items())),
        cantons_by_province=by_province,
    )


def province(code: str) -> Province | None:
    """The province with this two-digit INEC code, or None."""
    return _division().provinces.get(code)


def canton(code: str) -> Canton | None:
    """The canton with this four-digit INEC code, or None."""
    return _division().cantons.get(code)


def parish(code: str) -> Parish | None:
    """The parish with this six-digit INEC code, or None."""
    return _division().parishes.get(code)


def provinces() -> list[Province]:
    """Every province, sorted by code."""
    return list(_division().provinces.values())


def cantons(province_code: str | None = None) -> list[Canton]:
    """Every canton, or those of one province, sorted by code (an unknown province has none)."""
    division = _division()
    if province_code is None:
        return list(division.cantons.values())
    return list(division.cantons_by_province.get(province_code, ()))


def check_residence(province_code: str | None, canton_code: str | None) -> tuple[str | None, str | None]:
    """Normalised (province, canton) codes of a place of residence; unknown or mismatched codes are refused."""
    province_code = (province_code or "").strip() or None
    canton_code = (canton_code or "").strip() or None
    checks = RuleChecks()
    if province_code is not None and province(province_code) is None:
        checks.issues.append(InvalidInput("unknown province code", field="province_code", code="unknown_place"))
    found = canton(canton_code) if canton_code is not None else None
    if canton_code is not None and found is None:
        checks.issues.append(InvalidInput("unknown canton code", field="canton_code", code="unknown_place"))
    checks.raise_broken()
    if found is None:
        return province_code, None
    # Whether the canton lies in the province is asked of two known codes only.
    if province_code is not None and found.province_code != province_code:
        raise InvalidInput("canton is not in the given province", field="canton_code", code="unknown_place")
    return found.province_code, canton_code
