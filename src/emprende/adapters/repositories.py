"""Repositories: load and add aggregates within a unit of work, through the tenant filter. They never commit.

`tenant` None is the operator (every partner's rows); a partner id restricts every read to that partner's rows,
so another partner's object looks exactly like a missing one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
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
    exists,
    false,
    func,
    insert,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from emprende.adapters import tables
from emprende.adapters.visibility import visible_to
from emprende.domain.identity.session import LoginSession
from emprende.domain.identity.user import User
from emprende.domain.participants.consent import Consent
from emprende.domain.participants.duplicate import DuplicateCandidate
from emprende.domain.participants.matching import PersonSketch
from emprende.domain.participants.participant import Participant, identifier_keys
from emprende.domain.partners.agreement import CooperationAgreement
from emprende.domain.partners.client import ApiClient
from emprende.domain.partners.partner import InstitutionalPartner
from emprende.services.participants.ports import Lookalikes


class NewRows:
    """People, consents and duplicate pairs created in a unit of work, inserted when it commits.

    They are written with one `INSERT` per table, parents first, instead of through the ORM: the ORM does not order
    tables that have no relationship between them (a registration needed two flushes to insert the person before
    their consent) and its flush costs several times the CPU of the statements themselves. The unit of work audits
    them and writes their events exactly as it does for what the session flushes; a flush does not write them."""

    def __init__(self) -> None:
        self.entities: list[object] = []
        self.identifier_keys: dict[uuid.UUID, list[str]] = {}

    def add(self, entity: object) -> None:
        self.entities.append(entity)

    def holds(self, entity: object) -> bool:
        return any(item is entity for item in self.entities)

    def clear(self) -> None:
        self.entities.clear()
        self.identifier_keys.clear()


class _TenantRepository:
    def __init__(self, session: AsyncSession, tenant: uuid.UUID | None) -> None:
        self._session = session
        self._tenant = tenant


class _InsertingRepository(_TenantRepository):
    """A repository whose new entities go to the unit of work's `NewRows`."""

    def __init__(self, session: AsyncSession, tenant: uuid.UUID | None, new_rows: NewRows) -> None:
        super().__init__(session, tenant)
        self._new_rows = new_rows


class SqlUserRepository(_TenantRepository):
    _c = tables.users.c

    def add(self, user: User) -> None:
        self._session.add(user)

    async def get(self, user_id: uuid.UUID) -> User | None:
        user = await self._session.get(User, user_id)
        if user is None or (self._tenant is not None and user.partner_id != self._tenant):
            return None
        return user

    async def get_by_email(self, email: str) -> User | None:
        statement = select(User).where(self._c.email == email)
        if self._tenant is not None:
            statement = statement.where(self._c.partner_id == self._tenant)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def email_taken(self, email: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(self._c.email == email))))

    async def linked_to(self, participant_id: uuid.UUID) -> User | None:
        statement = select(User).where(self._c.participant_id == participant_id)
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def count(self) -> int:
        statement = select(func.count()).select_from(tables.users)
        if self._tenant is not None:
            statement = statement.where(self._c.partner_id == self._tenant)
        return int(await self._session.scalar(statement) or 0)


class SqlLoginSessionRepository(_TenantRepository):
    def add(self, login_session: LoginSession) -> None:
        self._session.add(login_session)

    async def get(self, session_id: uuid.UUID) -> LoginSession | None:
        return await self._session.get(LoginSession, session_id)

    async def active_for_user(self, user_id: uuid.UUID) -> Sequence[LoginSession]:
        c = tables.login_sessions.c
        statement = select(LoginSession).where(c.user_id == user_id, c.revoked_at.is_(None))
        return list((await self._session.execute(statement)).scalars())


class SqlPartnerRepository(_TenantRepository):
    _c = tables.partners.c

    def add(self, partner: InstitutionalPartner) -> None:
        self._session.add(partner)

    async def get(self, partner_id: uuid.UUID) -> InstitutionalPartner | None:
        if self._tenant is not None and partner_id != self._tenant:
            return None
        return await self._session.get(InstitutionalPartner, partner_id)

    async def get_with_agreements(
        self, partner_id: uuid.UUID
    ) -> tuple[InstitutionalPartner, list[CooperationAgreement]] | None:
        if self._tenant is not None and partner_id != self._tenant:
            return None
        rows = (await self._session.execute(_partner_with_agreements(), {"partner_id": partner_id})).all()
        if not rows:
            return None
        return rows[0][0], [row[1] for row in rows if row[1] is not None]  # outer join: None without agreements

    async def exists(self, partner_id: uuid.UUID) -> bool:
        return bool(await self._session.scalar(select(exists().where(self._c.id == partner_id))))

    async def ruc_taken(self, ruc: str, *, other_than: uuid.UUID | None = None) -> bool:
        condition = self._c.ruc == ruc
        if other_than is not None:
            condition = condition & (self._c.id != other_than)
        return bool(await self._session.scalar(select(exists().where(condition))))


@cache
def _partner_with_agreements() -> Select[InstitutionalPartner, CooperationAgreement]:
    """Built once, on first use (the entities are mapped at start-up, after this module is imported)."""
    partners, agreements = tables.partners.c, tables.cooperation_agreements.c
    return (
        select(InstitutionalPartner, CooperationAgreement)
        .outerjoin(CooperationAgreement, agreements.partner_id == partners.id)
        .where(partners.id == bindparam("partner_id"))
        .order_by(agreements.id)
    )


class SqlAgreementRepository(_TenantRepository):
    _c = tables.cooperation_agreements.c

    def add(self, agreement: CooperationAgreement) -> None:
        self._session.add(agreement)

    async def get(self, agreement_id: uuid.UUID) -> CooperationAgreement | None:
        agreement = await self._session.get(CooperationAgreement, agreement_id)
        if agreement is None or (self._tenant is not None and agreement.partner_id != self._tenant):
            return None
        return agreement

    async def for_partner(self, partner_id: uuid.UUID) -> Sequence[CooperationAgreement]:
        if self._tenant is not None and partner_id != self._tenant:
            return []
        statement = select(CooperationAgreement).where(self._c.partner_id == partner_id).order_by(self._c.id)
        return list((await self._session.execute(statement)).scalars())

    async def code_taken(self, code: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(self._c.code == code))))

    async def expiring(self, today: date, within_days: int) -> Sequence[CooperationAgreement]:
        statement = (
            select(CooperationAgreement)
            .where(
                self._c.is_draft.is_(False),
                self._c.start_date <= today,
                self._c.current_end_date >= today,
                self._c.current_end_date <= today + timedelta(days=within_days),
                (self._c.terminated_on.is_(None)) | (self._c.terminated_on > today),
            )
            .order_by(self._c.current_end_date, self._c.id)
            .limit(1000)
        )
        if self._tenant is not None:
            statement = statement.where(self._c.partner_id == self._tenant)
        return list((await self._session.execute(statement)).scalars())


class SqlApiClientRepository(_TenantRepository):
    _c = tables.api_clients.c

    def add(self, client: ApiClient) -> None:
        self._session.add(client)

    async def get(self, client_id: uuid.UUID) -> ApiClient | None:
        client = await self._session.get(ApiClient, client_id)
        if client is None or (self._tenant is not None and client.partner_id != self._tenant):
            return None
        return client

    async def visible(self) -> Sequence[ApiClient]:
        statement = select(ApiClient).order_by(self._c.id).limit(1000)
        if self._tenant is not None:
            statement = statement.where(self._c.partner_id == self._tenant)
        return list((await self._session.execute(statement)).scalars())


# Statements of the duplicate checks, built once: only their parameters change from one registration to the next.
_people, _ids = tables.participants.c, tables.participant_identifiers.c


def _holders(visible: ColumnElement[bool]) -> Select[Any, Any, Any, Any, Any, Any]:
    """Whoever holds one of the `keys` (exact duplicates), whichever partner owns them, and whether the tenant sees
    them; in the columns of `_block`, so that the two can be read together."""
    return (
        select(
            true().label("holder"),
            _ids.participant_id.label("id"),
            visible.label("visible"),
            cast(null(), _people.name_key.type).label("name_key"),
            cast(null(), _people.birth_date.type).label("birth_date"),
            cast(null(), _people.phone.type).label("phone"),
        )
        .join_from(tables.participant_identifiers, tables.participants, _people.id == _ids.participant_id)
        .where(_ids.key.in_(bindparam("keys", expanding=True)))
    )


def _block(visible: ColumnElement[bool], *same: ColumnElement[bool]) -> Select[Any, Any, Any, Any, Any, Any]:
    """Blocking for probable duplicates: live people with the same birth date or phone (both indexed), never a scan;
    with whether the tenant sees them, as for the holders."""
    return (
        select(
            false().label("holder"),
            _people.id,
            visible.label("visible"),
            _people.name_key,
            _people.birth_date,
            _people.phone,
        )
        .where(
            or_(*same),
            _people.id != bindparam("exclude"),
            _people.erased_at.is_(None),
            _people.merged_into_id.is_(None),
        )
        .limit(500)
    )


_VISIBLE = {  # by whether the tenant is the operator, who sees everyone
    True: true(),
    False: visible_to(bindparam("tenant", type_=Uuid)),
}
_HOLDERS = {operator: _holders(visible) for operator, visible in _VISIBLE.items()}
_SAME_BIRTH_DATE = _people.birth_date == bindparam("birth_date")
_SAME_PHONE = _people.phone == bindparam("phone")
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


class SqlParticipantRepository(_InsertingRepository):
    """Participants the tenant owns or that were shared with it; identifiers kept unique in their own table."""

    _c = tables.participants.c

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
            self._new_rows.identifier_keys[participant.id] = identifier_keys(participant)
            return
        await self._session.flush()
        ids = tables.participant_identifiers
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
        return [(pid, bool(visible)) for _, pid, visible, *_ in rows]

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
        for holder, pid, visible, other_name_key, other_birth_date, other_phone in rows:  # unpacked: a block is ~60
            if holder:
                holders.append((pid, bool(visible)))
            else:
                sketches.append((pid, PersonSketch(other_name_key, other_birth_date, other_phone), bool(visible)))
        return Lookalikes(holders, sketches)

    async def _rows(self, statement: Executable, **parameters: object) -> Sequence[Row[*tuple[Any, ...]]]:
        """Run a prebuilt Core statement on the session's connection (the ORM has nothing to add to a plain read)."""
        connection = await self._session.connection()
        return (await connection.execute(statement, parameters)).all()


class SqlConsentRepository(_InsertingRepository):
    _c = tables.consents.c

    def add(self, consent: Consent) -> None:
        self._new_rows.add(consent)

    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Consent]:
        statement = select(Consent).where(self._c.participant_id == participant_id).order_by(self._c.id)
        return list((await self._session.execute(statement)).scalars())

    async def get(self, consent_id: uuid.UUID) -> Consent | None:
        return await self._session.get(Consent, consent_id)


class SqlDuplicateRepository(_InsertingRepository):
    _c = tables.duplicate_candidates.c

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
