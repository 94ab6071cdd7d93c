"""Request and response schemas of the participant registry."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from emprende.api.datetimes import DATETIME_RANGE, AwareDateTime
from emprende.api.schemas import RequestModel, ResponseModel, reject_nul
from emprende.domain.identity.user import Language
from emprende.domain.participants.consent import ConsentMethod, ConsentPurpose
from emprende.domain.participants.disability import Difficulty
from emprende.domain.participants.identifiers import DocumentType
from emprende.domain.participants.participant import EducationLevel, MigratoryStatus, PopulationGroup, Sex
from emprende.services.participants.ports import ParticipantSort


class DocumentIn(RequestModel):
    type: DocumentType
    number: str = Field(min_length=1, max_length=40)
    issuing_country: str | None = Field(None, min_length=3, max_length=3, description="ISO alpha-3; ECU for cédulas.")


class ExternalIdIn(RequestModel):
    system: str = Field(min_length=1, max_length=64, examples=["sigob"])
    value: str = Field(min_length=1, max_length=128)


class DisabilityIn(RequestModel):
    """Washington Group Short Set: one answer per domain (omit a domain that was not asked)."""

    seeing: Difficulty | None = None
    hearing: Difficulty | None = None
    walking: Difficulty | None = None
    remembering: Difficulty | None = None
    self_care: Difficulty | None = None
    communicating: Difficulty | None = None


class ConsentGivenIn(RequestModel):
    notice_version: str = Field(min_length=1, max_length=40, examples=["2026-01"])
    language: Language = Language.ES
    method: ConsentMethod
    given_at: AwareDateTime | None = Field(
        None, description="Default: now. Include a UTC offset; not before 2000-01-01 nor in the future."
    )


class ParticipantFieldsIn(RequestModel):
    given_names: str = Field(min_length=1, max_length=100)
    family_names: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: Sex
    gender_identity: str | None = Field(None, min_length=1, max_length=60)
    population_group: PopulationGroup
    nationality: str = Field(min_length=3, max_length=3, description="ISO 3166-1 alpha-3, e.g. VEN.")
    migratory_status: MigratoryStatus | None = None
    documents: list[DocumentIn] = Field(default_factory=list, max_length=5)
    disability: DisabilityIn | None = None
    household_size: int | None = Field(None, ge=0, le=30)
    dependants: int | None = Field(None, ge=0, le=30)
    education_level: EducationLevel | None = None
    province_code: str | None = Field(None, min_length=2, max_length=2, description="INEC province code, e.g. 17.")
    canton_code: str | None = Field(None, min_length=4, max_length=4, description="INEC canton code, e.g. 1701.")
    phone: str | None = Field(None, min_length=3, max_length=32, description="E.164, or a local Ecuadorian number.")
    email: str | None = Field(None, min_length=3, max_length=254)
    preferred_language: Language = Language.ES
    external_ids: list[ExternalIdIn] = Field(default_factory=list, max_length=10)


class ParticipantCreateIn(ParticipantFieldsIn):
    registration_consent: ConsentGivenIn = Field(description="Registration requires the person's consent.")
    owner_partner_id: uuid.UUID | None = Field(
        None, description="Administrators only: the partner registering the person. Partners register for themselves."
    )


class ParticipantUpdateIn(RequestModel):
    """Rectification: send only what changes (lists are replaced whole). Send `If-Match`."""

    given_names: str | None = Field(None, min_length=1, max_length=100)
    family_names: str | None = Field(None, min_length=1, max_length=100)
    birth_date: date | None = None
    sex: Sex | None = None
    gender_identity: str | None = Field(None, min_length=1, max_length=60)
    population_group: PopulationGroup | None = None
    nationality: str | None = Field(None, min_length=3, max_length=3)
    migratory_status: MigratoryStatus | None = None
    documents: list[DocumentIn] | None = Field(None, max_length=5)
    disability: DisabilityIn | None = None
    household_size: int | None = Field(None, ge=0, le=30)
    dependants: int | None = Field(None, ge=0, le=30)
    education_level: EducationLevel | None = None
    province_code: str | None = Field(None, min_length=2, max_length=2)
    canton_code: str | None = Field(None, min_length=4, max_length=4)
    phone: str | None = Field(None, min_length=3, max_length=32)
    email: str | None = Field(None, min_length=3, max_length=254)
    preferred_language: Language | None = None
    external_ids: list[ExternalIdIn] | None = Field(None, max_length=10)


class DocumentOut(ResponseModel):
    type: DocumentType
    number: str
    issuing_country: str


class ExternalIdOut(ResponseModel):
    system: str
    value: str


class ParticipantOut(ResponseModel):
    """Sensitive fields (documents, migratory status, disability, contacts, gender identity) appear only for callers
    with the `participants:sensitive` right — null when the record has none — and every such read is audited. For
    other callers they are absent."""

    id: uuid.UUID
    owner_partner_id: uuid.UUID
    given_names: str
    family_names: str
    birth_date: date | None
    age: int | None
    sex: Sex
    population_group: PopulationGroup
    nationality: str
    household_size: int | None
    dependants: int | None
    education_level: EducationLevel | None
    province_code: str | None
    canton_code: str | None
    preferred_language: Language
    external_ids: list[ExternalIdOut]
    registered_at: datetime
    updated_at: datetime
    erased: bool
    gender_identity: str | None = None
    migratory_status: MigratoryStatus | None = None
    documents: list[DocumentOut] | None = None
    disability: dict[str, Difficulty | None] | None = None
    has_disability: bool | None = None
    phone: str | None = None
    email: str | None = None


class RegistrationOut(ParticipantOut):
    probable_duplicates: list[uuid.UUID] = Field(
        default_factory=list,
        description="Records queued for review as probable duplicates of this one that the caller may see; those it "
        "may not see are queued as well, but never named to it.",
    )


class ConsentIn(RequestModel):
    purpose: ConsentPurpose
    recipient_partner_id: uuid.UUID | None = Field(None, description="For `sharing` only: the partner it names.")
    notice_version: str = Field(min_length=1, max_length=40)
    language: Language = Language.ES
    method: ConsentMethod
    given_at: AwareDateTime | None = Field(
        None, description="Default: now. Include a UTC offset; not before 2000-01-01 nor in the future."
    )


class ConsentOut(ResponseModel):
    id: uuid.UUID
    participant_id: uuid.UUID
    purpose: ConsentPurpose
    recipient_partner_id: uuid.UUID | None
    notice_version: str
    language: Language
    method: ConsentMethod
    given_at: datetime
    recorded_at: datetime
    withdrawn_at: datetime | None
    active: bool


class DuplicateSideOut(ResponseModel):
    id: uuid.UUID
    owner_partner_id: uuid.UUID
    given_names: str
    family_names: str
    birth_date: date | None
    nationality: str
    registered_at: datetime


class DuplicateCandidateOut(ResponseModel):
    id: uuid.UUID
    status: str
    reasons: list[str]
    similarity: int = Field(description="Name similarity, 0 to 100.")
    created_at: datetime
    participant: DuplicateSideOut
    other: DuplicateSideOut


class DuplicateResolutionIn(RequestModel):
    decision: str = Field(pattern="^(distinct|merge)$", description="`distinct`, or `merge` into `survivor_id`.")
    survivor_id: uuid.UUID | None = Field(None, description="For `merge`: which of the two records survives.")


class ExportOut(ResponseModel):
    participant: dict[str, Any]
    consents: list[ConsentOut]
    sensitive_reads: list[dict[str, Any]] = Field(description="Who read this person's sensitive data, and when.")
    exported_at: datetime


class OwnRecordOut(ResponseModel):
    """What a participant sees of their own record: their personal data, no staff-only fields."""

    given_names: str
    family_names: str
    birth_date: date | None
    age: int | None
    sex: Sex
    population_group: PopulationGroup
    nationality: str
    household_size: int | None
    dependants: int | None
    education_level: EducationLevel | None
    province_code: str | None
    canton_code: str | None
    preferred_language: Language
    registered_at: datetime
    updated_at: datetime
    gender_identity: str | None
    migratory_status: MigratoryStatus | None
    documents: list[DocumentOut]
    disability: dict[str, Difficulty | None] | None
    has_disability: bool | None
    phone: str | None
    email: str | None


class PortalAccountIn(RequestModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=12, max_length=256, description="The person sets it with staff, or changes it.")


class PortalAccountOut(ResponseModel):
    user_id: uuid.UUID
    participant_id: uuid.UUID
    email: str


class ParticipantListQuery(BaseModel):
    """The filters and order of a participant list, read from the query string (unknown parameters are ignored)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        return reject_nul(value)

    population_group: PopulationGroup | None = None
    nationality: str | None = Field(None, min_length=3, max_length=3)
    sex: Sex | None = None
    province_code: str | None = Field(None, min_length=2, max_length=2)
    canton_code: str | None = Field(None, min_length=4, max_length=4)
    min_age: int | None = Field(None, ge=0, le=120)
    max_age: int | None = Field(None, ge=0, le=120)
    registered_from: AwareDateTime | None = Field(None, description=f"Inclusive; with a UTC offset. {DATETIME_RANGE}")
    registered_to: AwareDateTime | None = Field(None, description=f"Exclusive; with a UTC offset. {DATETIME_RANGE}")
    name: str | None = Field(None, min_length=1, max_length=100, description="Accent- and case-insensitive.")
    document_type: DocumentType | None = Field(None, description="With document_number: exact lookup.")
    document_number: str | None = Field(None, min_length=1, max_length=40)
    document_country: str | None = Field(None, min_length=3, max_length=3)
    external_system: str | None = Field(None, min_length=1, max_length=64)
    external_value: str | None = Field(None, min_length=1, max_length=128)
    migratory_status: MigratoryStatus | None = Field(None, description="Sensitive.")
    has_disability: bool | None = Field(None, description="Sensitive.")
    sort: ParticipantSort = Field(ParticipantSort.REGISTERED_AT, description="`registered_at` (default) or `name`.")
