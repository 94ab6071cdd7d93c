"""Probable duplicates never reveal people the caller may not see: registration answers, import reports (every mode,
JSON and CSV) and the review queue name only records the caller may read, while every pair is still queued for the
reviewers who see both records (administrators, and a partner once a sharing consent names it)."""

from __future__ import annotations

import csv
import io
import itertools
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.bootstrap import Container
from emprende.domain.identity.user import Role
from emprende.domain.partners.agreement import AgreementRole
from emprende.services.partners.agreements import CreateAgreement, create_agreement
from emprende.services.shared.principal import Principal, PrincipalKind
from tests.conftest import PARTICIPANTS, PartnerSide, World, person, share_with_b, withdraw_sharing

CANDIDATES = "/api/v1/duplicate-candidates"
IMPORTS = "/api/v1/participants/imports"
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
IMPORT_HEADER = [
    "given_names",
    "family_names",
    "birth_date",
    "sex",
    "population_group",
    "nationality",
    "phone",
    "consent_notice_version",
    "consent_method",
]
MODES = ("dry_run", "atomic", "per_record")
_groups = itertools.count()


@pytest.fixture
async def both_register(container: Container, world: World) -> World:
    """The `world`, where partner B (which evaluates) may also refer people, so that both partners register."""
    admin = Principal(kind=PrincipalKind.USER, id=world.admin.id, role=Role.ADMIN)
    today = container.clock.now().date()
    await create_agreement(
        admin,
        world.b.partner_id,
        CreateAgreement(
            code="CONV-BETA-2",
            title="Convenio de derivación Fundación Beta",
            roles=frozenset({AgreementRole.REFERRAL}),
            start_date=today - timedelta(days=1),
            end_date=today + timedelta(days=365),
            data_sharing=False,
            activate=True,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )
    return world


@dataclass
class Group:
    """People alike enough to be probable duplicates of each other: one birth date and one phone, similar names; a
    group of its own for every test and example, so that they never meet another's people."""

    birth_date: str
    phone: str | None
    owners: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # person → owner partner

    @classmethod
    def new(cls, *, phone: bool = True) -> Group:
        """A group alike by phone (as well as by name and birth date), or by name and birth date only."""
        n = next(_groups)
        return cls((date(1950, 1, 1) + timedelta(days=n)).isoformat(), f"+59399{n:07d}" if phone else None)

    def body(self, index: int, **changes: object) -> dict[str, object]:
        names = ("Rosa Elena", "Rosa Elena", "Rossa Elena", "Rosa Helena")
        return person(
            given_names=names[index % len(names)],
            family_names="Quispe Mamani",
            birth_date=self.birth_date,
            phone=self.phone,
            documents=[],
            external_ids=[],
            **changes,
        )

    def row(self, index: int) -> dict[str, str]:
        body = self.body(index)
        return {
            "given_names": str(body["given_names"]),
            "family_names": str(body["family_names"]),
            "birth_date": self.birth_date,
            "sex": "female",
            "population_group": "migrant",
            "nationality": "VEN",
            "phone": self.phone or "",
            "consent_notice_version": "2026-01",
            "consent_method": "in_person",
        }

    def ids(self) -> set[str]:
        return {str(pid) for pid in self.owners}


def ids_in(text: str) -> set[str]:
    return set(UUID_TEXT.findall(text))


async def register(
    client: httpx.AsyncClient, headers: dict[str, str], group: Group, owner: uuid.UUID, **changes: object
) -> httpx.Response:
    response = await client.post(PARTICIPANTS, headers=headers, json=group.body(len(group.owners), **changes))
    assert response.status_code == 201, response.text
    group.owners[uuid.UUID(response.json()["id"])] = owner
    return response


def import_file(group: Group, count: int = 1) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=IMPORT_HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(group.row(index) for index in range(count))
    return out.getvalue().encode()


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], group: Group, mode: str, *, report: str = "json", **form: str
) -> httpx.Response:
    response = await client.post(
        IMPORTS,
        headers=headers,
        files={"file": ("people.csv", import_file(group), "text/csv")},
        data={"mode": mode, **form},
        params={"report": report},
    )
    assert response.status_code == 200, response.text
    return response


def noted(response: httpx.Response) -> set[str]:
    """The probable duplicates an import report (JSON or CSV) names."""
    if response.headers["content-type"].startswith("text/csv"):
        return {other for line in csv.DictReader(io.StringIO(response.text)) for other in line["duplicates"].split()}
    return {other for row in response.json()["rows"] for other in row.get("duplicates", ())}


def created(response: httpx.Response) -> list[uuid.UUID]:
    """The people an import report (JSON or CSV) created."""
    if response.headers["content-type"].startswith("text/csv"):
        lines = csv.DictReader(io.StringIO(response.text))
        return [uuid.UUID(line["participant_id"]) for line in lines if line["outcome"] == "created"]
    return [uuid.UUID(row["participant_id"]) for row in response.json()["rows"] if row["outcome"] == "created"]


async def every_candidate(
    client: httpx.AsyncClient, headers: dict[str, str], *, limit: int = 1, **params: str
) -> list[dict[str, Any]]:
    """Every pair the caller is shown, `limit` a page (one by default: a hidden pair would show as a short page)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {"limit": str(limit), **params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(CANDIDATES, headers=headers, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) == limit or not body.get("next_cursor"), "a short page that leads on"
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items


def without_request(response: httpx.Response) -> dict[str, Any]:
    """A problem's body without what names the request itself."""
    return {k: v for k, v in response.json().items() if k not in ("instance", "request_id")}


def pair_ids(items: list[dict[str, Any]]) -> set[frozenset[str]]:
    return {frozenset((item["participant"]["id"], item["other"]["id"])) for item in items}


async def queued(container: Container, ids: set[str]) -> set[frozenset[str]]:
    """The pairs stored among these people, whoever may see them."""
    d = participant_tables.duplicate_candidates.c
    people = [uuid.UUID(pid) for pid in ids]
    async with container.engine.connect() as connection:
        rows = await connection.execute(
            select(d.participant_id, d.other_id).where(d.participant_id.in_(people), d.other_id.in_(people))
        )
        return {frozenset((str(one), str(other))) for one, other in rows}


def seen_by(side: PartnerSide | None, group: Group) -> set[str]:
    """The group's people this partner owns (None: the administrator, who sees everyone); nothing is shared."""
    if side is None:
        return group.ids()
    return {str(pid) for pid, owner in group.owners.items() if owner == side.partner_id}


# ---------------------------------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------------------------------


async def test_registration_names_only_the_duplicates_the_caller_may_see(
    client: httpx.AsyncClient, container: Container, both_register: World
) -> None:
    world, group = both_register, Group.new()
    first_a = (await register(client, world.a.manager_headers, group, world.a.partner_id)).json()["id"]

    # B registers the same person: the pair is queued, but B is not told of A's record, not even that there is one.
    answer = await register(client, world.b.manager_headers, group, world.b.partner_id)
    first_b = answer.json()["id"]
    assert answer.json()["probable_duplicates"] == []
    assert first_a not in answer.text
    assert (await client.get(f"{PARTICIPANTS}/{first_a}", headers=world.b.manager_headers)).status_code == 404
    assert await queued(container, group.ids()) == {frozenset((first_a, first_b))}

    # The administrator, registering for B, sees both; A sees its own record and not B's.
    by_admin = await register(
        client, world.admin_headers, group, world.b.partner_id, owner_partner_id=str(world.b.partner_id)
    )
    assert set(by_admin.json()["probable_duplicates"]) == {first_a, first_b}
    second_a = await register(client, world.a.staff_headers, group, world.a.partner_id)
    assert second_a.json()["probable_duplicates"] == [first_a]
    assert ids_in(second_a.text) & seen_by(world.b, group) == set()
    second_b = await register(client, world.b.manager_headers, group, world.b.partner_id)
    assert set(second_b.json()["probable_duplicates"]) == {first_b, by_admin.json()["id"]}
    assert ids_in(second_b.text) & seen_by(world.a, group) == set()
    # Every pair is queued all the same.
    assert len(await queued(container, group.ids())) == 1 + 2 + 3 + 4


async def test_sharing_consent_lets_the_recipient_see_the_duplicate_until_withdrawn(
    client: httpx.AsyncClient, both_register: World
) -> None:
    world, group = both_register, Group.new()
    of_a = (await register(client, world.a.manager_headers, group, world.a.partner_id)).json()["id"]
    consent = await share_with_b(client, world, of_a)
    while_shared = await register(client, world.b.manager_headers, group, world.b.partner_id)
    assert while_shared.json()["probable_duplicates"] == [of_a]
    pairs = await every_candidate(client, world.b.manager_headers)
    assert frozenset((while_shared.json()["id"], of_a)) in pair_ids(pairs)

    await withdraw_sharing(client, world, of_a, consent)
    after = await register(client, world.b.manager_headers, group, world.b.partner_id)
    assert after.json()["probable_duplicates"] == [while_shared.json()["id"]]
    assert of_a not in after.text
    assert of_a not in str(await every_candidate(client, world.b.manager_headers))


# ---------------------------------------------------------------------------------------------------------------------
# Import, in every mode, with JSON and CSV reports
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by_phone", [True, False], ids=["by-phone", "by-name-and-birth-date"])
@pytest.mark.parametrize("report", ["json", "csv"])
@pytest.mark.parametrize("mode", MODES)
async def test_import_reports_name_only_the_duplicates_the_caller_may_see(
    client: httpx.AsyncClient, container: Container, both_register: World, mode: str, report: str, by_phone: bool
) -> None:
    world, group = both_register, Group.new(phone=by_phone)
    await register(client, world.a.manager_headers, group, world.a.partner_id)
    await register(client, world.b.manager_headers, group, world.b.partner_id)
    callers: list[tuple[PartnerSide | None, dict[str, str], dict[str, str]]] = [
        (world.a, world.a.manager_headers, {}),
        (world.b, world.b.manager_headers, {}),
        (None, world.admin_headers, {"owner_partner_id": str(world.b.partner_id)}),  # the administrator, for B
    ]
    for side, headers, form in callers:
        before = group.ids()
        response = await upload(client, headers, group, mode, report=report, **form)
        visible = seen_by(side, group)
        assert noted(response) == visible, side
        assert ids_in(response.text) & (before - visible) == set(), "an id the caller may not see"
        if report == "json":
            assert response.json()["counts"]["probable_duplicates"] == len(visible)
        owner = world.b.partner_id if side is None else side.partner_id
        new = created(response)
        assert len(new) == (0 if mode == "dry_run" else 1)
        # Whatever the report says, every pair of a written person is queued, hidden ones included.
        for pid in new:
            group.owners[pid] = owner
            assert {pair for pair in await queued(container, group.ids()) if str(pid) in pair} == {
                frozenset((str(pid), other)) for other in before
            }


async def test_import_report_names_a_shared_duplicate_until_the_consent_is_withdrawn(
    client: httpx.AsyncClient, both_register: World
) -> None:
    world, group = both_register, Group.new()
    of_a = (await register(client, world.a.manager_headers, group, world.a.partner_id)).json()["id"]
    assert noted(await upload(client, world.b.manager_headers, group, "dry_run")) == set()
    consent = await share_with_b(client, world, of_a)
    for mode in MODES:
        assert of_a in noted(await upload(client, world.b.manager_headers, group, mode)), mode
    await withdraw_sharing(client, world, of_a, consent)
    for mode in MODES:
        response = await upload(client, world.b.manager_headers, group, mode)
        assert of_a not in response.text, mode


# ---------------------------------------------------------------------------------------------------------------------
# The review queue
# ---------------------------------------------------------------------------------------------------------------------


async def test_review_queue_shows_and_resolves_only_pairs_of_records_the_caller_sees(
    client: httpx.AsyncClient, container: Container, both_register: World
) -> None:
    world, group = both_register, Group.new()
    of_a = (await register(client, world.a.manager_headers, group, world.a.partner_id)).json()["id"]
    of_b = (await register(client, world.b.manager_headers, group, world.b.partner_id)).json()["id"]
    also_b = (await register(client, world.b.manager_headers, group, world.b.partner_id)).json()["id"]
    stored = await queued(container, group.ids())
    assert stored == {frozenset(pair) for pair in ((of_b, of_a), (also_b, of_a), (also_b, of_b))}

    everything = {item["id"]: item for item in await every_candidate(client, world.admin_headers)}
    ids_of = {frozenset((item["participant"]["id"], item["other"]["id"])): item["id"] for item in everything.values()}
    crossing = ids_of[frozenset((of_b, of_a))]
    own_b = ids_of[frozenset((also_b, of_b))]
    assert stored <= set(ids_of)
    for side, status in itertools.product((world.a, world.b), ("open", "distinct", "merged")):
        shown = await every_candidate(client, side.manager_headers, status=status)
        assert ids_in(str(shown)) & (group.ids() - seen_by(side, group)) == set()
    assert crossing not in {item["id"] for item in await every_candidate(client, world.b.manager_headers)}
    assert own_b in {item["id"] for item in await every_candidate(client, world.b.manager_headers)}
    assert crossing not in {item["id"] for item in await every_candidate(client, world.a.manager_headers)}

    # Resolving a pair with a record the caller may not see is answered exactly as resolving no pair at all.
    missing = await client.post(
        f"{CANDIDATES}/{uuid.uuid4()}/resolution", headers=world.b.manager_headers, json={"decision": "distinct"}
    )
    for side in (world.a, world.b):
        for body in ({"decision": "distinct"}, {"decision": "merge", "survivor_id": of_b}):
            response = await client.post(f"{CANDIDATES}/{crossing}/resolution", headers=side.manager_headers, json=body)
            assert response.status_code == 404
            assert without_request(response) == without_request(missing)
            assert of_a not in response.text
    assert await queued(container, group.ids()) == stored

    # The administrator sees the pair and settles it; B then finds it under no status either.
    settled = await client.post(
        f"{CANDIDATES}/{crossing}/resolution", headers=world.admin_headers, json={"decision": "distinct"}
    )
    assert settled.status_code == 200, settled.text
    for status in ("open", "distinct"):
        listed = await every_candidate(client, world.b.manager_headers, status=status)
        assert crossing not in {item["id"] for item in listed}
    # B resolves its own pair.
    mine = await client.post(
        f"{CANDIDATES}/{own_b}/resolution", headers=world.b.manager_headers, json={"decision": "distinct"}
    )
    assert mine.status_code == 200, mine.text


async def test_review_queue_shows_a_pair_once_both_records_are_shared(
    client: httpx.AsyncClient, both_register: World
) -> None:
    world, group = both_register, Group.new()
    one = (await register(client, world.a.manager_headers, group, world.a.partner_id)).json()["id"]
    two = (await register(client, world.a.manager_headers, group, world.a.partner_id)).json()["id"]
    mine = (await register(client, world.b.manager_headers, group, world.b.partner_id)).json()["id"]

    def b_pairs(items: list[dict[str, Any]]) -> set[frozenset[str]]:
        return pair_ids(items) & {frozenset(pair) for pair in itertools.combinations((one, two, mine), 2)}

    assert b_pairs(await every_candidate(client, world.b.manager_headers)) == set()
    consent = await share_with_b(client, world, one)
    assert b_pairs(await every_candidate(client, world.b.manager_headers)) == {frozenset((mine, one))}
    await share_with_b(client, world, two)
    assert b_pairs(await every_candidate(client, world.b.manager_headers)) == {
        frozenset((mine, one)),
        frozenset((mine, two)),
        frozenset((two, one)),
    }
    await withdraw_sharing(client, world, one, consent)
    assert b_pairs(await every_candidate(client, world.b.manager_headers)) == {frozenset((mine, two))}


# ---------------------------------------------------------------------------------------------------------------------
# Property: whatever the ownership and sharing, nothing B receives names a person B may not see
# ---------------------------------------------------------------------------------------------------------------------

people_of = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["kept", "shared", "withdrawn"])), min_size=1, max_size=4
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=people_of, mode=st.sampled_from(MODES), by_phone=st.booleans())
async def test_nothing_partner_b_receives_names_a_person_it_may_not_see(
    client: httpx.AsyncClient, both_register: World, people: list[tuple[str, str]], mode: str, by_phone: bool
) -> None:
    world, group = both_register, Group.new(phone=by_phone)
    for owner, sharing in people:
        side = world.a if owner == "a" else world.b
        answer = await register(client, side.manager_headers, group, side.partner_id)
        if owner == "a" and sharing != "kept":
            consent = await share_with_b(client, world, answer.json()["id"])
            if sharing == "withdrawn":
                await withdraw_sharing(client, world, answer.json()["id"], consent)

    async def b_sees() -> set[str]:
        """What B's own reads answer for each of the group's people."""
        found = set()
        for pid in group.ids():
            response = await client.get(f"{PARTICIPANTS}/{pid}", headers=world.b.manager_headers)
            assert response.status_code in (200, 404)
            if response.status_code == 200:
                found.add(pid)
        return found

    visible = await b_sees()
    assert visible == {pid for pid in group.ids() if group.owners[uuid.UUID(pid)] == world.b.partner_id} | {
        pid
        for (owner, sharing), pid in zip(people, [str(p) for p in group.owners], strict=True)
        if owner == "a" and sharing == "shared"
    }
    hidden = group.ids() - visible

    registered = await register(client, world.b.manager_headers, group, world.b.partner_id)
    assert set(registered.json()["probable_duplicates"]) == visible
    imported = await upload(client, world.b.manager_headers, group, mode)
    assert noted(imported) == visible | {str(registered.json()["id"])}
    listed = await every_candidate(client, world.b.manager_headers, limit=100)
    for body in (registered.text, imported.text, str(listed)):
        assert ids_in(body) & hidden == set()
    assert {pid for item in listed for pid in (item["participant"]["id"], item["other"]["id"])} & group.ids() <= (
        visible | {str(registered.json()["id"]), *map(str, created(imported))}
    )
