"""The participant registry."""

from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response, status

from emprende.api.deps import (
    ContainerDep,
    CurrentPrincipal,
    CursorCodecDep,
    ExpectedVersion,
    PageDep,
)
from emprende.api.etag import etag
from emprende.api.pagination import CursorCodec, Page, PageRequest, split_page
from emprende.api.problems import ProblemError, problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.participants.schemas import (
    ConsentGivenIn,
    ParticipantCreateIn,
    ParticipantListQuery,
    ParticipantOut,
    ParticipantUpdateIn,
    RegistrationOut,
)
from emprende.bootstrap import Container
from emprende.bootstrap.participants import ParticipantsWiring
from emprende.domain.participants.disability import WashingtonGroupShortSet
from emprende.domain.participants.identifiers import document_key, external_identifier, identity_document
from emprende.domain.participants.participant import Participant, ParticipantDetails, age_on, external_key
from emprende.services.participants import registry as participant_service
from emprende.services.participants.ports import ParticipantFilters, ParticipantRow
from emprende.services.shared.principal import Principal

router = APIRouter(prefix="/participants", tags=["participants"])
# Only a UUID names a participant: `/participants/imports` is never read as one, so a method it does not accept is a 405
# there (with `Allow`), not a participant id that fails to parse.
ITEM = "/{participant_id:uuid}"
PERSONAL = {"Cache-Control": "no-store"}


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _documents(items: list[Any]) -> tuple[Any, ...]:
    return tuple(identity_document(item.type, item.number, item.issuing_country) for item in items)


def _externals(items: list[Any]) -> tuple[Any, ...]:
    return tuple(external_identifier(item.system, item.value) for item in items)


def _disability(value: Any) -> WashingtonGroupShortSet | None:
    if value is None:
        return None
    return WashingtonGroupShortSet.from_answers({k: (v.value if v else None) for k, v in value.model_dump().items()})


def participant_out(source: ParticipantRow | Participant, *, sensitive: bool, today: date) -> dict[str, Any]:
    """The response body; sensitive fields only when the caller may see them."""
    body: dict[str, Any] = {
        "id": source.id,
        "owner_partner_id": source.owner_partner_id,
        "given_names": source.given_names,
        "family_names": source.family_names,
        "birth_date": source.birth_date,
        "age": age_on(source.birth_date, today) if source.birth_date else None,
        "sex": source.sex,
        "population_group": source.population_group,
        "nationality": source.nationality,
        "household_size": source.household_size,
        "dependants": source.dependants,
        "education_level": source.education_level,
        "province_code": source.province_code,
        "canton_code": source.canton_code,
        "preferred_language": source.preferred_language,
        "external_ids": [{"system": e.system, "value": e.value} for e in source.external_ids],
        "registered_at": source.registered_at,
        "updated_at": source.updated_at,
        "erased": source.erased_at is not None,
    }
    if sensitive:
        body.update(
            gender_identity=source.gender_identity,
            migratory_status=source.migratory_status,
            documents=[
                {"type": d.type, "number": d.number, "issuing_country": d.issuing_country}
                for d in source.documents or []
            ],
            disability=source.disability.answers() if source.disability else None,
            has_disability=source.has_disability,
            phone=source.phone,
            email=source.email,
        )
    return body


def _json(body: Any, headers: dict[str, str]) -> Response:
    """The registry's hot reads, serialised by orjson as the response model would serialise them (UTC as `Z`, no
    unset fields): `tests/api/test_participant_reads.py` holds every such body to the model. Validating and
    serialising a page through pydantic costs several times more than building it."""
    content = orjson.dumps(body, default=str, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)
    return Response(content, media_type="application/json", headers=headers)


def _details(body: ParticipantCreateIn) -> ParticipantDetails:
    return ParticipantDetails(
        given_names=body.given_names,
        family_names=body.family_names,
        birth_date=body.birth_date,
        sex=body.sex,
        population_group=body.population_group,
        nationality=body.nationality,
        gender_identity=body.gender_identity,
        migratory_status=body.migratory_status,
        documents=_documents(body.documents),
        disability=_disability(body.disability),
        household_size=body.household_size,
        dependants=body.dependants,
        education_level=body.education_level,
        province_code=body.province_code,
        canton_code=body.canton_code,
        phone=body.phone,
        email=body.email,
        preferred_language=body.preferred_language,
        external_ids=_externals(body.external_ids),
    )


def _consent_given(value: ConsentGivenIn, now: datetime) -> participant_service.GivenConsent:
    return participant_service.GivenConsent(value.notice_version, value.language, value.method, value.given_at or now)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationOut,
    response_model_exclude_unset=True,  # sensitive fields are absent, not null, for those who may not see them
    operation_id="register_participant",
    responses=problem_responses(400, 401, 403, 409, 413, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def register_participant(
    body: ParticipantCreateIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
) -> RegistrationOut:
    """Register a person together with their registration consent. The same document or external identifier is
    refused (409 `duplicate_participant`); a probable duplicate is registered and queued for review, and named in
    `probable_duplicates` only if the caller may see it."""
    now = container.clock.now()
    registration = await participant_service.register_participant(
        participant_service.RegisterParticipant(
            details=_details(body),
            registration_consent=_consent_given(body.registration_consent, now),
            owner_partner_id=body.owner_partner_id,
        ),
        principal,
        uow_factory=container.uow,
        clock=container.clock,
    )
    participant = registration.participant
    # The collection's own path plus the id (what url_for would give, without searching the route table).
    response.headers["Location"] = f"{request.scope['path'].rstrip('/')}/{participant.id}"
    response.headers["ETag"] = etag(participant.version)
    response.headers.update(PERSONAL)
    sensitive = participant_service.may_see_sensitive(principal)
    return RegistrationOut(
        **participant_out(participant, sensitive=sensitive, today=now.date()),
        probable_duplicates=registration.probable_duplicates,
    )


@router.get(
    "",
    response_model=Page[ParticipantOut],
    response_model_exclude_unset=True,  # sensitive fields are absent, not null, for those who may not see them
    operation_id="list_participants",
    responses=problem_responses(400, 401, 403, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_participants(
    principal: CurrentPrincipal,
    container: ContainerDep,
    codec: CursorCodecDep,
    page: PageDep,
    query: Annotated[ParticipantListQuery, Query()],
) -> Response:
    """List and search participants you may see: your partner's, and those shared with it by consent."""
    return await respond_participant_list(principal, container, codec, page, query)


async def respond_participant_list(
    principal: Principal, container: Container, codec: CursorCodec, page: PageRequest, query: ParticipantListQuery
) -> Response:
    today = container.clock.now().date()
    if query.min_age is not None and query.max_age is not None and query.min_age > query.max_age:
        raise ProblemError(
            "validation_failed", errors=[{"field": "query.min_age", "code": "range", "message": "min_age > max_age"}]
        )
    identifier: str | None = None
    if (query.document_type is None) != (query.document_number is None):
        raise ProblemError(
            "validation_failed",
            errors=[{"field": "query.document_number", "code": "incomplete", "message": "give type and number"}],
        )
    if query.document_type is not None and query.document_number is not None:
        identifier = document_key(identity_document(query.document_type, query.document_number, query.document_country))
    if (query.external_system is None) != (query.external_value is None):
        raise ProblemError(
            "validation_failed",
            errors=[{"field": "query.external_value", "code": "incomplete", "message": "give system and value"}],
        )
    if query.external_system is not None and query.external_value is not None:
        if identifier is not None:
            raise ProblemError(
                "validation_failed",
                errors=[{"field": "query.external_system", "code": "conflict", "message": "one lookup at a time"}],
            )
        identifier = external_key(external_identifier(query.external_system, query.external_value))
    filters = ParticipantFilters(
        population_group=query.population_group.value if query.population_group else None,
        nationality=query.nationality.upper() if query.nationality else None,
        sex=query.sex.value if query.sex else None,
        province_code=query.province_code,
        canton_code=query.canton_code,
        born_before=_years_before(today, query.min_age) if query.min_age is not None else None,
        born_after=_years_before(today, query.max_age + 1) + timedelta(days=1) if query.max_age is not None else None,
        registered_from=query.registered_from,
        registered_to=query.registered_to,
        name=query.name,
        identifier_key=identifier,
        identifier_is_document=query.document_type is not None,
        migratory_status=query.migratory_status.value if query.migratory_status else None,
        has_disability=query.has_disability,
        sort=query.sort,
    )
    bound: dict[str, object] = {field.name: getattr(filters, field.name) for field in fields(filters)}
    after = codec.decode(page.cursor, "participants", bound) if page.cursor else None
    if after is not None and len(after) != 2:
        raise ProblemError("invalid_cursor")
    rows = await participant_service.list_participants(
        principal,
        filters,
        after=after,
        limit=page.limit + 1,
        queries=container.area(ParticipantsWiring).participants,
        sensitive_log=container.area(ParticipantsWiring).sensitive_log,
    )
    items, cursor = split_page(codec, "participants", bound, rows, page.limit, key="cursor_position")
    body: dict[str, Any] = {"items": [participant_out(row, sensitive=row.sensitive, today=today) for row in items]}
    if cursor is not None:
        body["next_cursor"] = cursor
    return _json(body, PERSONAL)


@router.get(
    ITEM,
    response_model=ParticipantOut,
    response_model_exclude_unset=True,  # sensitive fields are absent, not null, for those who may not see them
    operation_id="get_participant",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_participant(participant_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep) -> Response:
    """One participant. Sensitive fields only with the `participants:sensitive` right (each such read is audited)."""
    return await respond_participant(participant_id, principal, container)


async def respond_participant(participant_id: uuid.UUID, principal: Principal, container: Container) -> Response:
    row = await participant_service.get_participant(
        principal,
        participant_id,
        queries=container.area(ParticipantsWiring).participants,
        sensitive_log=container.area(ParticipantsWiring).sensitive_log,
    )
    body = participant_out(row, sensitive=row.sensitive, today=container.clock.now().date())
    return _json(body, {"ETag": etag(row.version), **PERSONAL})


_CONVERTERS: dict[str, Any] = {"documents": _documents, "external_ids": _externals, "disability": _disability}
_NOT_NULL = (
    "given_names",
    "family_names",
    "birth_date",
    "sex",
    "population_group",
    "nationality",
    "preferred_language",
)


@router.patch(
    ITEM,
    response_model=ParticipantOut,
    response_model_exclude_unset=True,  # sensitive fields are absent, not null, for those who may not see them
    operation_id="update_participant",
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def update_participant(
    participant_id: uuid.UUID,
    body: ParticipantUpdateIn,
    response: Response,
    principal: CurrentPrincipal,
    container: ContainerDep,
    version: ExpectedVersion,
) -> ParticipantOut:
    """Rectify a record (send `If-Match`). Only the registering partner; sensitive fields need that right."""
    sent = body.model_fields_set
    if not sent:
        raise ProblemError("validation_failed", errors=[{"field": "body", "code": "empty", "message": "no fields"}])
    for name in _NOT_NULL:
        if name in sent and getattr(body, name) is None:
            raise ProblemError(
                "validation_failed", errors=[{"field": f"body.{name}", "code": "null", "message": "may not be null"}]
            )
    changes: dict[str, Any] = {}
    for name in sent:
        value = getattr(body, name)
        converter = _CONVERTERS.get(name)
        changes[name] = converter(value or []) if converter and name != "disability" else value
        if name == "disability":
            changes[name] = _disability(value)
    participant = await participant_service.rectify_participant(
        principal,
        participant_id,
        changes,
        expected_version=version,
        uow_factory=container.uow,
        clock=container.clock,
    )
    response.headers["ETag"] = etag(participant.version)
    response.headers.update(PERSONAL)
    sensitive = participant_service.may_see_sensitive(principal)
    return ParticipantOut(**participant_out(participant, sensitive=sensitive, today=container.clock.now().date()))
