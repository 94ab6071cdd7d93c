"""Repositories: load and add aggregates within a unit of work, through the tenant filter. They never commit.

`tenant` None is the operator (every partner's rows); a partner id restricts every read to that partner's rows,
so another partner's object looks exactly like a missing one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import ColumnElement, delete, exists, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emprende.adapters import tables
from emprende.domain.agreements import CooperationAgreement
from emprende.domain.clients import ApiClient
from emprende.domain.duplicates import DuplicateCandidate
from emprende.domain.matching import PersonSketch
from emprende.domain.participants import Consent, ConsentPurpose, Participant, identifier_keys
from emprende.domain.partners import InstitutionalPartner
from emprende.domain.sessions import LoginSession
from emprende.domain.users import User


class _TenantRepository:
    def __init__(self, session: AsyncSession, tenant: uuid.UUID | None) -> None:
        self._session = session
        self._tenant = tenant


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

    async def exists(self, partner_id: uuid.UUID) -> bool:
        return bool(await self._session.scalar(select(exists().where(self._c.id == partner_id))))

    async def ruc_taken(self, ruc: str, *, other_than: uuid.UUID | None = None) -> bool:
        condition = self._c.ruc == ruc
        if other_than is not None:
            condition = condition & (self._c.id != other_than)
        return bool(await self._session.scalar(select(exists().where(condition))))


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


def _sharing_visible(tenant: uuid.UUID) -> ColumnElement[bool]:
    """Owned by the tenant, or shared with it by a consent in force that names it."""
    c = tables.consents.c
    return (tables.participants.c.owner_partner_id == tenant) | exists().where(
        c.participant_id == tables.participants.c.id,
        c.purpose == ConsentPurpose.SHARING,
        c.recipient_partner_id == tenant,
        c.withdrawn_at.is_(None),
    )


class SqlParticipantRepository(_TenantRepository):
    """Participants the tenant owns or that were shared with it; identifiers kept unique in their own table."""

    _c = tables.participants.c

    def add(self, participant: Participant) -> None:
        self._session.add(participant)

    async def get(self, participant_id: uuid.UUID) -> Participant | None:
        statement = select(Participant).where(self._c.id == participant_id)
        if self._tenant is not None:
            statement = statement.where(_sharing_visible(self._tenant))
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def owned_by_tenant(self, participant: Participant) -> bool:
        return self._tenant is None or participant.owner_partner_id == self._tenant

    async def save_identifiers(self, participant: Participant) -> None:
        """Make the identifier index match the participant's documents and external identifiers."""
        await self._session.flush()
        ids = tables.participant_identifiers
        await self._session.execute(delete(ids).where(ids.c.participant_id == participant.id))
        keys = identifier_keys(participant)
        if keys:
            await self._session.execute(insert(ids), [{"key": key, "participant_id": participant.id} for key in keys])

    async def holders_of(self, keys: Sequence[str]) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(participant id, owner partner id) of whoever holds any of these identifier keys, across all tenants."""
        if not keys:
            return []
        ids = tables.participant_identifiers
        statement = (
            select(ids.c.participant_id, self._c.owner_partner_id)
            .join(tables.participants, self._c.id == ids.c.participant_id)
            .where(ids.c.key.in_(list(keys)))
        )
        return [(row[0], row[1]) for row in (await self._session.execute(statement)).all()]

    async def sketches_like(
        self, birth_date: date | None, phone: str | None, exclude: uuid.UUID
    ) -> list[tuple[uuid.UUID, PersonSketch]]:
        """Blocking for probable duplicates: same birth date or same phone (both indexed), never a scan."""
        conditions = []
        if birth_date is not None:
            conditions.append(self._c.birth_date == birth_date)
        if phone is not None:
            conditions.append(self._c.phone == phone)
        if not conditions:
            return []
        statement = (
            select(self._c.id, self._c.name_key, self._c.birth_date, self._c.phone)
            .where(
                or_(*conditions), self._c.id != exclude, self._c.erased_at.is_(None), self._c.merged_into_id.is_(None)
            )
            .limit(500)
        )
        rows = (await self._session.execute(statement)).all()
        return [(row.id, PersonSketch(row.name_key, row.birth_date, row.phone)) for row in rows]


class SqlConsentRepository(_TenantRepository):
    _c = tables.consents.c

    def add(self, consent: Consent) -> None:
        self._session.add(consent)

    async def for_participant(self, participant_id: uuid.UUID) -> Sequence[Consent]:
        statement = select(Consent).where(self._c.participant_id == participant_id).order_by(self._c.id)
        return list((await self._session.execute(statement)).scalars())

    async def get(self, consent_id: uuid.UUID) -> Consent | None:
        return await self._session.get(Consent, consent_id)


class SqlDuplicateRepository(_TenantRepository):
    _c = tables.duplicate_candidates.c

    def add(self, candidate: DuplicateCandidate) -> None:
        self._session.add(candidate)

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
