"""Every date-time input the OpenAPI document describes (query, header, JSON body or form field, found in the document,
so that a new one is covered the day it appears), sent values from the whole range of `datetime` with any UTC offset
or none: never a server error; a value without an offset or outside 1900..2199 in UTC is a problem+json 422 that names
the field and does not repeat the value."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from emprende.api.app import create_app
from emprende.api.datetimes import EARLIEST, LATEST
from tests.api.calls_support import call_body
from tests.conftest import NIL, World, make_settings, person

DOCUMENT = create_app(make_settings("sqlite+aiosqlite:///:memory:", Path("unused"))).openapi()
METHODS = ("get", "post", "put", "patch", "delete")
REFUSED_CODES = {"timezone_required", "datetime_out_of_range"}


@dataclass(frozen=True)
class DateTimeInput:
    method: str
    path: str
    operation_id: str
    location: str
    """`query`, `header`, `json` or `form`."""
    names: tuple[str, ...]
    """The parameter's name, or the property's path within the body."""

    @property
    def field(self) -> str:
        """Where a problem document's `errors` place it."""
        return ".".join(
            ("query" if self.location == "query" else "header" if self.location == "header" else "body", *self.names)
        )

    def __str__(self) -> str:
        return f"{self.operation_id}:{'.'.join(self.names)}"


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _date_time_paths(schema: dict[str, Any], seen: frozenset[str] = frozenset()) -> Iterator[tuple[str, ...]]:
    """Paths to every `format: date-time` within a schema (through references, unions and nested objects)."""
    reference = schema.get("$ref")
    if reference in seen:
        return
    resolved = _resolve(schema)
    seen = seen | {reference} if reference else seen
    if resolved.get("format") == "date-time":
        yield ()
    for branch in (*resolved.get("anyOf", ()), *resolved.get("oneOf", ()), *resolved.get("allOf", ())):
        yield from _date_time_paths(branch, seen)
    for name, child in resolved.get("properties", {}).items():
        for rest in _date_time_paths(child, seen):
            yield (name, *rest)


def date_time_inputs(document: dict[str, Any]) -> list[DateTimeInput]:
    found: list[DateTimeInput] = []
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation_id = operation["operationId"]
            for parameter in operation.get("parameters", ()):
                if any(True for _ in _date_time_paths(parameter["schema"])):
                    location = parameter["in"]
                    assert location in ("query", "header"), f"{operation_id}: a date-time in the {location}"
                    found.append(DateTimeInput(method, path, operation_id, location, (parameter["name"],)))
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                location = "json" if media_type == "application/json" else "form"
                for names in dict.fromkeys(_date_time_paths(content["schema"])):
                    found.append(DateTimeInput(method, path, operation_id, location, names))
    return found


INPUTS = date_time_inputs(DOCUMENT)


def test_the_document_is_searched_through_parameters_bodies_and_nested_objects() -> None:
    """What the search finds today: if it finds less, it has stopped looking somewhere."""
    assert {str(item) for item in INPUTS} >= {
        "list_participants:registered_from",
        "list_participants:registered_to",
        "list_audit_events:occurred_from",
        "list_audit_events:occurred_to",
        "register_participant:registration_consent.given_at",
        "record_consent:given_at",
        "create_api_client:expires_at",
        "create_seed_capital_call:opens_at",
        "create_seed_capital_call:closes_at",
    }


# Bodies that are valid but for the date-time, for the operations that have one today, so that a date-time in range
# reaches the use case and the database. An operation not listed is sent only the date-time: it is refused for what
# is missing, which must still never be a server error (and the date-time is judged along with the rest).
VALID_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "register_participant": lambda world: person(
        owner_partner_id=str(world.a.partner_id),
        documents=[],
        external_ids=[],
        registration_consent={"notice_version": "2026-01", "method": "in_person"},
    ),
    "record_consent": lambda world: {"purpose": "training", "notice_version": "2026-01", "method": "in_person"},
    # The programme's own call (an administrator's, needing no funding agreement): the window reaches the domain.
    "create_seed_capital_call": lambda world: call_body(),
    "create_api_client": lambda world: {
        "name": "Sistema de prueba",
        "scopes": ["partners:read"],
        "partner_id": str(world.a.partner_id),
    },
}


def _path_values(world: World) -> dict[str, uuid.UUID]:
    return {
        "participant_id": world.a.participant_id,
        "consent_id": world.a.consent_id,
        "candidate_id": world.a.candidate_id,
        "partner_id": world.a.partner_id,
        "agreement_id": world.a.agreement_id,
        "user_id": world.a.staff.id,
        "client_id": world.a.client_id,
    }


def _request(item: DateTimeInput, world: World, value: str) -> dict[str, Any]:
    url = item.path.format_map(_Missing({name: str(id_) for name, id_ in _path_values(world).items()}))
    request: dict[str, Any] = {"method": item.method.upper(), "url": url, "headers": dict(world.admin_headers)}
    if item.location == "query":
        request["params"] = {item.names[0]: value}
    elif item.location == "header":
        request["headers"][item.names[0]] = value
    elif item.location == "form":
        request["data"] = {item.names[0]: value}
    else:
        body = copy.deepcopy(VALID_BODIES.get(item.operation_id, lambda _: {})(world))
        target = body
        for name in item.names[:-1]:
            target = target.setdefault(name, {})
        target[item.names[-1]] = value
        request["json"] = body
    return request


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return str(NIL)


def _refused(moment: datetime) -> bool:
    """What the API must refuse: no offset, or an instant outside 1900..2199 in UTC (or outside `datetime` there)."""
    if moment.utcoffset() is None:
        return True
    try:
        return not EARLIEST <= moment.astimezone(UTC) < LATEST
    except OverflowError:
        return True


offsets = st.one_of(
    st.none(),
    st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-14))]),
    st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes))),
)
moments = st.datetimes(min_value=datetime.min, max_value=datetime.max, timezones=offsets)


@pytest.mark.parametrize("item", INPUTS, ids=str)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moment=moments)
@example(moment=datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14))))
@example(moment=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))))
@example(moment=datetime.max.replace(tzinfo=UTC))
@example(moment=datetime.min.replace(tzinfo=UTC))
@example(moment=datetime(2026, 1, 1, 9, 30))
@example(moment=datetime(2020, 6, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5))))
async def test_a_date_time_input_never_ends_in_a_server_error(
    client: httpx.AsyncClient, world: World, item: DateTimeInput, moment: datetime
) -> None:
    value = moment.isoformat()
    response = await client.request(**_request(item, world, value))
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), response.text
    blamed = {error["code"] for error in response.json().get("errors") or () if error["field"] == item.field}
    if _refused(moment):
        assert response.status_code == 422, response.text
        assert blamed & REFUSED_CODES, response.text
        assert value not in response.text
    else:
        assert not blamed & REFUSED_CODES, response.text
