"""Repositories of the participants area: people, consents and probable duplicates, through the visibility rule.
They never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    Row,
    Select,
    Uuid,
    bindparam,
    cast,
    delete,
    false,
    insert,
    null,
    or_,
    select,
    true,
    union_all,
)

from emprende.adapters.sql.participants import lookalikes
from emprende.adapters.sql.participants import tables as participant_tables
from emprende.adapters.sql.participants.mapping import PARTICIPANTS
from emprende.adapters.sql.participants.visibility import visible_to
from emprende.adapters.sql.shared.repository import AreaRepositories, TenantRepository, repository
from emprende.domain.participants.consent import Consent
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.matching import PersonSketch
from emprende.domain.participants.participant import Participant, identifier_keys
from emprende.services.participants.ports import Lookalikes


# Statements of the duplicate checks, built once: only their parameters change from one registration to the next.
def _holders(visible: ColumnElement[bool]) -> Select[Any, Any, Any, Any, Any, Any]:
    """Whoever holds one of the `keys` (exact duplicates), whichever partner owns them, and whether the tenant sees
    them; in the columns of `_block`, so that the two can be read together."""
    people = lookalikes.people
    return (
        select(
            true().label("holder"),
            visible.label("visible"),
            lookalikes.identifiers.participant_id.label("id"),
            cast(null(), people.name_key.type).label("name_key"),
            cast(null(), people.birth_date.type).label("birth_date"),
            cast(null(), people.phone.type).label("phone"),
        )
        .join_from(
            participant_tables.participant_identifiers,
            participant_tables.participants,
            people.id == lookalikes.identifiers.participant_id,
        )
        .where(lookalikes.holding(lookalikes.among(bindparam("keys", expanding=True))))
    )


def _block(visible: ColumnElement[bool], *same: ColumnElement[bool]) -> Select[Any, Any, Any, Any, Any, Any]:
    """Candidates for probable duplicates (`lookalikes`): live people with the same birth date or phone, never a
    scan; with whether the tenant sees them, as for the holders."""
    return (
        select(false().label("holder"), visible.label("visible"), *lookalikes.SKETCH)
        .where(or_(*same), lookalikes.people.id != bindparam("exclude"), lookalikes.LIVE)
        .limit(500)
    )


_VISIBLE = {  # by whether the tenant is the operator, who sees everyone
    True: lookalikes.seen_by(None),
    False: lookalikes.seen_by(bindparam("tenant", type_=Uuid)),
}


_HOLDERS = {operator: _holders(visible) for operator, visible in _VISIBLE.items()}


_SAME_BIRTH_DATE = lookalikes.born_on(lookalikes.equal_to(bindparam("birth_date")))


_SAME_PHONE = lookalikes.with_phone(lookalikes.equal_to(bindparam("phone")))


_SAME = {  # by (has a birth date, has a phone)
    (True, True): (_SAME_BIRTH_DATE, _SAME_PHONE),
    (True, False): (_SAME_BIRTH_DATE,),
    (False, True): (_SAME_PHONE,),
}


_BLOCKS = {  # by (is the operator, (has a birth date, has a phone))
    (operator, has): _block(visible, *same) for operator, visible in _VISIBLE.items() for has, same in _SAME.items()
}


# Both checks in one round trip. The block goes first, as a subquery: the union's result types are its columns'
# (dates come back as dates on SQLite too) and its LIMIT stays its own.
_LOOKALIKES = {
    (operator, has): union_all(select(*block.subquery().c), _HOLDERS[operator])
    for (operator, has), block in _BLOCKS.items()
}


class SqlParticipantRepository(TenantRepository):
    """Participants the tenant owns or that were shared with it; identifiers kept unique in their own table."""

    _c = participant_tables.participants.c

    def add(self, participant: Participant) -> None:
        self._new_rows.add(participant)

    async def get(self, participant_id: uuid.UUID) -> Participant | None:
        statement = select(Participant).where(self._c.id == participant_id)
        if self._tenant is not None:
            statement = statement.where(visible_to(self._tenant))
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def owned_by_tenant(self, participant: Participant) -> bool:
        return self._tenant is None or participant.owner_partner_id == self._tenant

    async def save_identifiers(self, participant: Participant) -> None:
        """Make the identifier index match the participant's documents and external identifiers."""
        if self._new_rows.holds(participant):
            # Inserted with the person at commit: a new person has no keys to delete yet.
            key_rows = [{"key": key, "participant_id": participant.id} for key in identifier_keys(participant)]
            self._new_rows.set_rows(participant_tables.participant_identifiers, participant.id, key_rows)
            return
        await self._session.flush()
        ids = participant_tables.participant_identifiers
        await self._session.execute(delete(ids).where(ids.c.participant_id == participant.id))
        keys = identifier_keys(participant)
        if keys:
            await self._session.execute(insert(ids), [{"key": key, "participant_id": participant.id} for key in keys])

    async def holders_of(self, keys: Sequence[str]) -> list[tuple[uuid.UUID, bool]]:
        """(participant id, whether the tenant may see it) of whoever holds any of these identifier keys, across all
        tenants."""
        if not keys:
            return []
        rows = await self._rows(_HOLDERS[self._tenant is None], keys=list(keys), tenant=self._tenant)
        return [(pid, bool(visible)) for _, visible, pid, *_ in rows]

    async def lookalikes(
        self, keys: Sequence[str], birth_date: date | None, phone: str | None, exclude: uuid.UUID
    ) -> Lookalikes:
        blocking = (birth_date is not None, phone is not None)
        if not any(blocking):
            return Lookalikes(await self.holders_of(keys), [])
        statement: Executable = (_LOOKALIKES if keys else _BLOCKS)[self._tenant is None, blocking]
        holders: list[tuple[uuid.UUID, bool]] = []
        sketches: list[tuple[uuid.UUID, PersonSketch, bool]] = []
        rows = await self._rows(
            statement, keys=list(keys), tenant=self._tenant, birth_date=birth_date, phone=phone, exclude=exclude
        )
        for holder, visible, pid, other_name_key, other_birth_date, other_phone in rows:  # unpacked: a block is ~60
            if holder:
                holders.append((pid, bool(visible)))
            else:
                sketches.append((pid, PersonSketch(other_name_key, other_birth_date, other_phone), bool(visible)))
        return Lookalikes(holders, sketches)

    async def _rows(self, statement: Executable, **parameters: object) -> Sequence[Row[*tuple[Any, ...]]]:
        """Run a prebuilt Core statement on the session's connection (the ORM has nothing to add to a plain read)."""
        connection = await self._session.connection()
        return (await connection.execute(statement, parameters)).all()


class SqlConsentRepository(TenantRepository):
    _c = participant_tables.consents.c

    def add(self, consent: Consent) -> None:
        self._new_rows.add(consent)

    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Consent]:
        statement = select(Consent).where(self._c.participant_id == participant_id).order_by(self._c.id)
        return list((await self._session.execute(statement)).scalars())

    async def get(self, consent_id: uuid.UUID) -> Consent | None:
        return await self._session.get(Consent, consent_id)


class SqlDuplicateRepository(TenantRepository):
    _c = participant_tables.duplicate_candidates.c

    def add(self, candidate: DuplicateCandidate) -> None:
        self._new_rows.add(candidate)

    async def get(self, candidate_id: uuid.UUID) -> DuplicateCandidate | None:
        return await self._session.get(DuplicateCandidate, candidate_id)

    async def open_involving_any(self, participant_ids: Sequence[uuid.UUID]) -> Sequence[DuplicateCandidate]:
        ids = list(participant_ids)
        statement = select(DuplicateCandidate).where(
            self._c.status == "open", (self._c.participant_id.in_(ids)) | (self._c.other_id.in_(ids))
        )
        return list((await self._session.execute(statement)).scalars())

    async def involving(self, participant_id: uuid.UUID) -> Sequence[DuplicateCandidate]:
        statement = select(DuplicateCandidate).where(
            (self._c.participant_id == participant_id) | (self._c.other_id == participant_id)
        )
        return list((await self._session.execute(statement)).scalars())


class SqlParticipantRepositories(AreaRepositories):
    """The participants area's repositories on the unit of work."""

    sql_area = PARTICIPANTS
    participants = repository(SqlParticipantRepository)
    consents = repository(SqlConsentRepository)
    duplicates = repository(SqlDuplicateRepository)
