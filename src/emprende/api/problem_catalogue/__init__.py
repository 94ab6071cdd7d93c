"""Everything the API says when something goes wrong, in English and Spanish: the problem kinds by stable `code`
(one module per group of areas; a new area adds its module here), Spanish for the domain's and the API's own
messages (`messages_es`) and for pydantic's validation errors (`field_messages_es`). Tests walk all of it."""

from __future__ import annotations

from emprende.api.problem_catalogue.general import GENERAL
from emprende.api.problem_catalogue.kind import Kind
from emprende.api.problem_catalogue.programme import PROGRAMME

CATALOGUE: dict[str, Kind] = {**GENERAL, **PROGRAMME}

__all__ = ["CATALOGUE", "Kind"]
