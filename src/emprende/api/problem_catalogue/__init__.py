"""Everything the API says when something goes wrong, in English and Spanish: the problem kinds by stable `code` and
Spanish for the domain's and the API's own messages, shared ones here (`general`, `messages_es`) and each area's in
`api/v1/<area>/problems.py`, registered by `api/v1/__init__.py` from its list of areas; Spanish for pydantic's
validation errors is in `field_messages_es`. Tests walk all of it."""

from __future__ import annotations

from collections.abc import Mapping

from emprende.api.problem_catalogue.general import GENERAL
from emprende.api.problem_catalogue.kind import Kind
from emprende.api.problem_catalogue.messages_es import SHARED_SPANISH_MESSAGES

CATALOGUE: dict[str, Kind] = dict(GENERAL)
SPANISH_MESSAGES: dict[str, str] = dict(SHARED_SPANISH_MESSAGES)


def register_problems(problems: Mapping[str, Kind], spanish_messages: Mapping[str, str]) -> None:
    """Add an area's problem kinds and Spanish messages; a code or a message has one home."""
    codes = sorted(problems.keys() & CATALOGUE.keys())
    messages = sorted(spanish_messages.keys() & SPANISH_MESSAGES.keys())
    if codes or messages:
        raise ValueError(f"already in the catalogue: {codes + messages}")
    CATALOGUE.update(problems)
    SPANISH_MESSAGES.update(spanish_messages)


__all__ = ["CATALOGUE", "SPANISH_MESSAGES", "Kind", "register_problems"]
