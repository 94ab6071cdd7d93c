"""Cursor pagination: bounded pages, every row exactly once, cursors opaque, signed and bound to their query."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from emprende.adapters.sql.identity import tables as identity_tables
from emprende.adapters.sql.partners import tables as partner_tables
from emprende.adapters.sql.shared import schema
from emprende.api.pagination import MAX_CURSOR_LENGTH, CursorCodec
from emprende.api.problems import ProblemError
from emprende.bootstrap import Container
from emprende.domain.identity.user import Language, Role
from emprende.domain.partners.partner import PartnerKind, PartnerStatus
from emprende.domain.shared.ids import new_id
from tests.conftest import TEST_SECRET, Account

USERS = "/api/v1/users"
AUDIT = "/api/v1/audit-events"


async def seed_users(engine: AsyncEngine, count: int, *, role: Role = Role.FACILITATOR) -> list[str]:
    """Rows written straight to the table: pagination is about reading, and hashing 120 passwords is slow."""
    now = datetime.now(UTC)
    partner = {
        "id": new_id(),
        "name": f"Socio {uuid.uuid4().hex[:6]}",
        "kind": PartnerKind.NGO,
        "country": "ECU",
        "status": PartnerStatus.ACTIVE,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    rows = [
        {
            "id": new_id(),
            "partner_id": None if role is Role.ADMIN else partner["id"],
            "email": f"seed{index:03d}.{uuid.uuid4().hex[:6]}@emprende.test",
            "full_name": f"Persona {index}",
            "password_hash": "$argon2id$not-a-real-hash",
            "role": role,
            "is_active": index % 3 != 0,
            "preferred_language": Language.ES,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for index in range(count)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(partner_tables.partners), [partner])
        await connection.execute(insert(identity_tables.users), rows)
    return [str(row["id"]) for row in rows]


async def seed_audit(engine: AsyncEngine, count: int) -> list[str]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        {
            "id": new_id(),
            "occurred_at": start + timedelta(minutes=index),
            "actor_type": "system",
            "actor_id": None,
            "action": "update",
            "entity_type": "seed_odd" if index % 2 else "seed_even",
            "entity_id": str(uuid.uuid4()),
            "changes": {},
            "request_id": None,
        }
        for index in range(count)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(schema.audit_events), rows)
    return [str(row["id"]) for row in rows]


async def get_page(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def walk(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any
) -> tuple[list[str], list[int]]:
    ids: list[str] = []
    sizes: list[int] = []
    cursor: str | None = None
    for _ in range(1000):
        page = await get_page(client, path, headers, **params, **({"cursor": cursor} if cursor else {}))
        ids.extend(item["id"] for item in page["items"])
        sizes.append(len(page["items"]))
        if "next_cursor" not in page:
            return ids, sizes
        cursor = page["next_cursor"]
        assert isinstance(cursor, str)
        assert cursor
    raise AssertionError("pagination never ended")


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if code:
        assert response.json()["code"] == code


async def test_default_limit_is_20(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    await seed_users(container.engine, 30)
    page = await get_page(client, USERS, admin_headers)
    assert len(page["items"]) == 20
    assert "next_cursor" in page
    await seed_audit(container.engine, 25)
    assert len((await get_page(client, AUDIT, admin_headers))["items"]) == 20


@pytest.mark.parametrize("limit", [101, 1000, 999_999, 10**12, 10**30])
async def test_large_limits_are_clamped_to_100(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str], limit: int
) -> None:
    await seed_users(container.engine, 120)
    page = await get_page(client, USERS, admin_headers, limit=limit)
    assert len(page["items"]) == 100
    assert "next_cursor" in page


@pytest.mark.parametrize("path", [USERS, AUDIT])
@pytest.mark.parametrize("limit", ["0", "-1", "abc", "1.5", "", "1e2", "NaN", "-99999999999999999999999999"])
async def test_bad_limits_are_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], path: str, limit: str
) -> None:
    response = await client.get(path, params={"limit": limit}, headers=admin_headers)
    assert_problem(response, 422, "validation_failed")
    assert [error["field"] for error in response.json()["errors"]] == ["query.limit"]


@pytest.mark.parametrize("limit", [1, 7, 20, 100])
async def test_walking_users_returns_each_row_once_in_order(
    client: httpx.AsyncClient, container: Container, admin: Account, admin_headers: dict[str, str], limit: int
) -> None:
    seeded = await seed_users(container.engine, 42)
    ids, sizes = await walk(client, USERS, admin_headers, limit=limit)
    assert ids == [str(admin.id), *seeded]  # oldest first
    assert len(ids) == len(set(ids))
    assert all(size == limit for size in sizes[:-1])
    assert sizes[-1] <= limit


async def test_walking_filtered_users(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    await seed_users(container.engine, 30)
    evaluators = await seed_users(container.engine, 11, role=Role.EVALUATOR)
    ids, _ = await walk(client, USERS, admin_headers, limit=4, role="evaluator")
    assert ids == evaluators
    active, _ = await walk(client, USERS, admin_headers, limit=4, role="evaluator", is_active="false")
    assert active == [evaluators[index] for index in range(11) if index % 3 == 0]


@pytest.mark.parametrize("limit", [1, 6, 20])
async def test_walking_audit_events_newest_first(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str], limit: int
) -> None:
    seeded = await seed_audit(container.engine, 33)
    ids, _ = await walk(client, AUDIT, admin_headers, limit=limit, entity_type="seed_odd")
    expected = [seeded[index] for index in range(33) if index % 2][::-1]
    assert ids == expected


@pytest.mark.parametrize("limit", [5, 20])
async def test_a_last_page_filled_exactly_has_no_cursor(
    client: httpx.AsyncClient, container: Container, admin: Account, admin_headers: dict[str, str], limit: int
) -> None:
    """With the administrator plus 19 seeded accounts there are exactly 20 rows: no extra, empty page follows."""
    await seed_users(container.engine, 19, role=Role.ADMIN)
    seen: list[str] = []
    params: dict[str, object] = {"limit": limit}
    pages = 0
    while True:
        page = await get_page(client, USERS, admin_headers, **params)
        pages += 1
        assert page["items"], "no page is ever empty"
        seen += [item["id"] for item in page["items"]]
        if "next_cursor" not in page:
            break
        params = {"limit": limit, "cursor": page["next_cursor"]}
    assert len(seen) == len(set(seen)) == 20
    assert pages == 20 // limit


async def test_last_page_has_no_next_cursor_key(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    await seed_users(container.engine, 3)
    response = await client.get(USERS, params={"limit": 10}, headers=admin_headers)
    assert set(response.json()) == {"items"}
    assert b"next_cursor" not in response.content
    empty = await client.get(USERS, params={"role": "participant"}, headers=admin_headers)
    assert empty.json() == {"items": []}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"role": "facilitator"}, {"role": "evaluator"}),
        ({"role": "facilitator"}, {}),
        ({}, {"is_active": "true"}),
        ({"email_contains": "seed"}, {"email_contains": "seed0"}),
    ],
)
async def test_cursor_is_bound_to_its_filters(
    client: httpx.AsyncClient,
    container: Container,
    admin_headers: dict[str, str],
    first: dict[str, str],
    second: dict[str, str],
) -> None:
    await seed_users(container.engine, 10)
    page = await get_page(client, USERS, admin_headers, limit=2, **first)
    cursor = page["next_cursor"]
    assert (await client.get(USERS, params={**first, "limit": 2, "cursor": cursor}, headers=admin_headers)).is_success
    # A different page size is fine: the position does not depend on it.
    assert (await client.get(USERS, params={**first, "limit": 5, "cursor": cursor}, headers=admin_headers)).is_success
    response = await client.get(USERS, params={**second, "limit": 2, "cursor": cursor}, headers=admin_headers)
    assert_problem(response, 400, "invalid_cursor")


async def test_audit_cursor_is_bound_to_its_filters(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    await seed_audit(container.engine, 10)
    frm = "2024-01-01T00:00:00+00:00"
    page = await get_page(client, AUDIT, admin_headers, limit=2, occurred_from=frm)
    ok = await client.get(
        AUDIT, params={"limit": 2, "occurred_from": frm, "cursor": page["next_cursor"]}, headers=admin_headers
    )
    assert ok.status_code == 200
    moved = await client.get(
        AUDIT,
        params={"limit": 2, "occurred_from": "2024-01-01T00:01:00+00:00", "cursor": page["next_cursor"]},
        headers=admin_headers,
    )
    assert_problem(moved, 400, "invalid_cursor")


async def test_cursor_of_one_collection_is_refused_by_another(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    await seed_users(container.engine, 5)
    await seed_audit(container.engine, 5)
    users_cursor = (await get_page(client, USERS, admin_headers, limit=2))["next_cursor"]
    audit_cursor = (await get_page(client, AUDIT, admin_headers, limit=2))["next_cursor"]
    assert_problem(await client.get(AUDIT, params={"cursor": users_cursor}, headers=admin_headers), 400)
    assert_problem(await client.get(USERS, params={"cursor": audit_cursor}, headers=admin_headers), 400)


async def test_cursor_signed_with_another_secret_is_refused(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    await seed_users(container.engine, 5)
    foreign = CursorCodec("another-deployment-secret-0123456789abcdef").encode(
        "users", {"role": None, "is_active": None, "email_contains": None}, [str(uuid.UUID(int=0))]
    )
    assert_problem(await client.get(USERS, params={"cursor": foreign}, headers=admin_headers), 400, "invalid_cursor")


def _forge(payload: bytes, signature: str) -> str:
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode() + "." + signature


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        ".",
        "..",
        "a.b.c",
        "!!!!.????",
        "eyJ9.AAAA",
        "%00",
        "\u00f1and\u00fa.x",
        _forge(b'{"b":"x","p":["1"]}', "AAAAAAAAAAAAAAAAAAAAAA"),
        _forge(b"[]", "AAAAAAAAAAAAAAAAAAAAAA"),
        " ",
        "\x00",
    ],
)
@pytest.mark.parametrize("path", [USERS, AUDIT])
async def test_garbage_cursors_are_400(
    client: httpx.AsyncClient, admin_headers: dict[str, str], cursor: str, path: str
) -> None:
    response = await client.get(path, params={"cursor": cursor}, headers=admin_headers)
    assert_problem(response, 400, "invalid_cursor")
    assert len(cursor) < 4 or cursor not in response.text


async def test_tampered_cursor_is_400(
    client: httpx.AsyncClient, container: Container, admin_headers: dict[str, str]
) -> None:
    await seed_users(container.engine, 6)
    cursor: str = (await get_page(client, USERS, admin_headers, limit=2))["next_cursor"]
    encoded, signature = cursor.split(".")
    payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    moved = payload.replace(b'"p":["', b'"p":["0')
    for tampered in (
        _forge(moved, signature),
        cursor[:-1] + ("A" if cursor[-1] != "A" else "B"),
        cursor + "A",
        cursor[1:],
        encoded,
        "." + signature,
        cursor.replace(".", ".."),
    ):
        response = await client.get(USERS, params={"cursor": tampered}, headers=admin_headers)
        assert_problem(response, 400, "invalid_cursor")


async def test_over_long_cursor_is_refused(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    response = await client.get(USERS, params={"cursor": "A" * (MAX_CURSOR_LENGTH + 1)}, headers=admin_headers)
    assert_problem(response, 422, "validation_failed")
    assert [error["field"] for error in response.json()["errors"]] == ["query.cursor"]
    huge = await client.get(USERS, params={"cursor": "A" * 20_000}, headers=admin_headers)
    assert 400 <= huge.status_code < 500


# --- CursorCodec properties ---

CODEC = CursorCodec(TEST_SECRET)
scopes = st.sampled_from(["users", "audit-events", "partners"])
filter_values = st.one_of(st.none(), st.text(max_size=20), st.booleans(), st.integers(), st.uuids())
filter_maps = st.dictionaries(st.sampled_from(["role", "is_active", "email_contains", "entity_id"]), filter_values)
positions = st.lists(st.text(max_size=40), min_size=1, max_size=3)
CURSOR_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/!~% \x00"


@settings(max_examples=300, deadline=None)
@given(scope=scopes, filters=filter_maps, position=positions)
def test_codec_round_trip(scope: str, filters: dict[str, object], position: list[str]) -> None:
    cursor = CODEC.encode(scope, filters, position)
    assert len(cursor) <= MAX_CURSOR_LENGTH or sum(map(len, position)) > 60
    assert all(char.isascii() and (char.isalnum() or char in "-_.") for char in cursor)
    assert CODEC.decode(cursor, scope, dict(filters)) == position
    # Filters are compared by value, not by mapping order; a None filter is the same as an absent one.
    assert CODEC.decode(cursor, scope, {**dict(reversed(list(filters.items()))), "unset": None}) == position


def _mutations(cursor: str) -> st.SearchStrategy[str]:
    index = st.integers(min_value=0, max_value=len(cursor) - 1)
    char = st.sampled_from(CURSOR_ALPHABET)
    return st.one_of(
        st.tuples(index, char).map(lambda t: cursor[: t[0]] + t[1] + cursor[t[0] + 1 :]),
        st.tuples(st.integers(min_value=0, max_value=len(cursor)), char).map(
            lambda t: cursor[: t[0]] + t[1] + cursor[t[0] :]
        ),
        index.map(lambda i: cursor[:i] + cursor[i + 1 :]),
        st.tuples(index, index).map(lambda t: cursor[: min(t)] + cursor[max(t) :]),
    )


@settings(max_examples=500, deadline=None)
@given(data=st.data(), scope=scopes, filters=filter_maps, position=positions)
def test_codec_rejects_any_mutation(
    data: st.DataObject, scope: str, filters: dict[str, object], position: list[str]
) -> None:
    cursor = CODEC.encode(scope, filters, position)
    mutated = data.draw(_mutations(cursor))
    assume(mutated != cursor)
    with pytest.raises(ProblemError) as raised:
        CODEC.decode(mutated, scope, filters)
    assert raised.value.code == "invalid_cursor"


@settings(max_examples=300, deadline=None)
@given(scope=scopes, filters=filter_maps, other=filter_maps, position=positions, other_scope=scopes)
def test_codec_binds_scope_and_filters(
    scope: str, filters: dict[str, object], other: dict[str, object], position: list[str], other_scope: str
) -> None:
    def canonical(values: dict[str, object]) -> dict[str, str]:
        return {key: str(value) for key, value in values.items() if value is not None}

    assume(canonical(filters) != canonical(other) or scope != other_scope)
    cursor = CODEC.encode(scope, filters, position)
    with pytest.raises(ProblemError):
        CODEC.decode(cursor, other_scope, other)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=600))
def test_codec_never_crashes_on_arbitrary_text(text: str) -> None:
    with pytest.raises(ProblemError) as raised:
        CODEC.decode(text, "users", {})
    assert raised.value.code == "invalid_cursor"
