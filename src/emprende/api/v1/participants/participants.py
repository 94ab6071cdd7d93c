"""The participant registry."""

from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, FastAPI, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError

from emprende.api.deps import (
    ContainerDep,
    CurrentPrincipal,
    CursorCodecDep,
    ExpectedVersion,
    PageDep,
    get_principal,
    oauth2_scheme,
    query_values,
)
from emprende.api.etag import etag
from emprende.api.pagination import CursorCodec, Page, PageQuery, PageRequest, split_page
from emprende.api.problems import ProblemError, problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.participants.schemas import (
    ConsentGivenIn,
    ConsentIn,
    ConsentOut,
    ExportOut,
    ParticipantCreateIn,
    ParticipantListQuery,
    ParticipantOut,
    ParticipantUpdateIn,
    PortalAccountIn,
    PortalAccountOut,
    RegistrationOut,
)
from emprende.bootstrap import Container
from emprende.bootstrap.audit import AuditWiring
from emprende.bootstrap.participants import ParticipantsWiring
from emprende.domain.participants.consent import Consent
from emprende.domain.participants.disability import WashingtonGroupShortSet
from emprende.domain.participants.identifiers import document_key, external_identifier, identity_document
from emprende.domain.participants.participant import Participant, ParticipantDetails, age_on, external_key
from emprende.services.participants import consents as consent_service
from emprende.services.participants import portal as portal_service
from emprende.services.participants import registry as participant_service
from emprende.services.participants import rights as rights_service
from emprende.services.participants.ports import ParticipantFilters, ParticipantRow
from emprende.services.shared.principal import Principal

router = APIRouter(prefix="/participants", tags=["participants"])
# Only a UUID names a participant: `/participants/imports` is never read as one, so a method it does not accept is a 405
# there (with `Allow`), not a participant id that fails to parse.
_ITEM = "/{participant_id:uuid}"
_PERSONAL = {"Cache-Control": "no-store"}


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


def consent_out(consent: Consent) -> ConsentOut:
    return ConsentOut(
        id=consent.id,
        participant_id=consent.participant_id,
        purpose=consent.purpose,
        recipient_partner_id=consent.recipient_partner_id,
        notice_version=consent.notice_version,
        language=consent.language,
        method=consent.method,
        given_at=consent.given_at,
        recorded_at=consent.recorded_at,
        withdrawn_at=consent.withdrawn_at,
        active=consent.is_active,
    )


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
    response.headers.update(_PERSONAL)
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
    return await _list_participants(principal, container, codec, page, query)


async def _list_participants(
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
    return _json(body, _PERSONAL)


@router.get(
    _ITEM,
    response_model=ParticipantOut,
    response_model_exclude_unset=True,  # sensitive fields are absent, not null, for those who may not see them
    operation_id="get_participant",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_participant(participant_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep) -> Response:
    """One participant. Sensitive fields only with the `participants:sensitive` right (each such read is audited)."""
    return await _get_participant(participant_id, principal, container)


async def _get_participant(participant_id: uuid.UUID, principal: Principal, container: Container) -> Response:
    row = await participant_service.get_participant(
        principal,
        participant_id,
        queries=container.area(ParticipantsWiring).participants,
        sensitive_log=container.area(ParticipantsWiring).sensitive_log,
    )
    body = participant_out(row, sensitive=row.sensitive, today=container.clock.now().date())
    return _json(body, {"ETag": etag(row.version), **_PERSONAL})


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
    _ITEM,
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
    response.headers.update(_PERSONAL)
    sensitive = participant_service.may_see_sensitive(principal)
    return ParticipantOut(**participant_out(participant, sensitive=sensitive, today=container.clock.now().date()))


@router.get(
    _ITEM + "/consents",
    response_model=list[ConsentOut],
    operation_id="list_participant_consents",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_participant_consents(
    participant_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> list[ConsentOut]:
    """A person's consents, oldest first, withdrawn ones included."""
    consents = await consent_service.list_consents(principal, participant_id, uow_factory=container.uow)
    return [consent_out(consent) for consent in consents]


@router.post(
    _ITEM + "/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentOut,
    operation_id="record_consent",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def record_consent(
    participant_id: uuid.UUID, body: ConsentIn, principal: CurrentPrincipal, container: ContainerDep
) -> ConsentOut:
    """Record a consent the person gave. A `sharing` consent names the partner that may then see the person; an erased
    person gives none (409 `participant_erased`)."""
    consent = await consent_service.record_consent(
        principal,
        participant_id,
        consent_service.RecordConsent(
            purpose=body.purpose,
            notice_version=body.notice_version,
            language=body.language,
            method=body.method,
            given_at=body.given_at,
            recipient_partner_id=body.recipient_partner_id,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )
    return consent_out(consent)


@router.post(
    _ITEM + "/consents/{consent_id}/withdrawal",
    response_model=ConsentOut,
    operation_id="withdraw_consent",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def withdraw_consent(
    participant_id: uuid.UUID, consent_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> ConsentOut:
    """Withdraw a consent, with immediate effect (a withdrawn sharing consent hides the person at once)."""
    consent = await consent_service.withdraw_consent(
        principal, participant_id, consent_id, uow_factory=container.uow, clock=container.clock
    )
    return consent_out(consent)


@router.get(
    _ITEM + "/export",
    response_model=ExportOut,
    operation_id="export_participant",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def export_participant(
    participant_id: uuid.UUID, response: Response, principal: CurrentPrincipal, container: ContainerDep
) -> ExportOut:
    """Everything held about the person, machine-readable: record, consents and who read their sensitive data."""
    export = await rights_service.export_participant(
        principal,
        participant_id,
        uow_factory=container.uow,
        audit=container.area(AuditWiring).trail,
        clock=container.clock,
    )
    response.headers.update(_PERSONAL)
    return ExportOut(
        participant=participant_out(export.participant, sensitive=True, today=export.exported_at.date()),
        consents=[consent_out(consent) for consent in export.consents],
        sensitive_reads=[
            {
                "read_at": row.occurred_at,
                "actor_type": row.actor_type,
                "actor_id": row.actor_id,
                "request_id": row.request_id,
            }
            for row in export.sensitive_reads
        ],
        exported_at=export.exported_at,
    )


@router.post(
    _ITEM + "/erasure",
    response_model=ParticipantOut,
    response_model_exclude_unset=True,  # sensitive fields are absent, not null, for those who may not see them
    operation_id="erase_participant",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def erase_participant(
    participant_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> ParticipantOut:
    """Irreversibly anonymise the person; non-identifying facts stay for aggregates. Cannot be undone."""
    participant = await rights_service.erase_participant(
        principal, participant_id, uow_factory=container.uow, clock=container.clock
    )
    return ParticipantOut(**participant_out(participant, sensitive=False, today=container.clock.now().date()))


@router.post(
    _ITEM + "/portal-account",
    status_code=status.HTTP_201_CREATED,
    response_model=PortalAccountOut,
    operation_id="open_portal_account",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def open_portal_account(
    participant_id: uuid.UUID, body: PortalAccountIn, principal: CurrentPrincipal, container: ContainerDep
) -> PortalAccountOut:
    """Give the person a `participant` account tied to their record, for the participant portal."""
    user = await portal_service.open_portal_account(
        principal,
        participant_id,
        body.email,
        body.password,
        uow_factory=container.uow,
        hasher=container.hasher,
        clock=container.clock,
    )
    return PortalAccountOut(user_id=user.id, participant_id=participant_id, email=user.email)


# --- The two busiest reads, as requests reach them ------------------------------------------------------------------
#
# `list_participants` and `get_participant` above are what the OpenAPI document describes. Requests reach the two
# routes below first (`add_hot_routes`, registered ahead of every router): the same path and method, undocumented, with
# the request as their only parameter. They resolve what the documented routes declare (the caller, the page, the
# filters) by hand, in the same order and with the same errors, and then run the same code. FastAPI would solve seven
# dependencies for a page and match it through two levels of included routers: ≈ 30 % of a page's time in the
# application. Both take only UUID-shaped participant ids, as the documented routes do.
# (`tests/api/test_hot_routes.py` holds both pairs to the same answers.)


async def list_participants_served(request: Request) -> Response:
    container: Container = request.app.state.container
    principal = await get_principal(container, await oauth2_scheme(request))
    parameters = dict(request.query_params)
    page, page_errors = query_values(PageQuery, parameters)
    query, query_errors = query_values(ParticipantListQuery, parameters)
    if page is None or query is None:
        raise RequestValidationError([*page_errors, *query_errors])
    codec: CursorCodec = request.app.state.cursor_codec
    return await _list_participants(principal, container, codec, page.request(), query)


async def get_participant_served(request: Request) -> Response:
    container: Container = request.app.state.container
    principal = await get_principal(container, await oauth2_scheme(request))
    participant_id: uuid.UUID = request.path_params["participant_id"]
    return await _get_participant(participant_id, principal, container)


def add_hot_routes(app: FastAPI, prefix: str) -> None:
    """Register the undocumented routes that serve the two busiest reads (see above); before any router."""
    path = f"{prefix}{router.prefix}"
    extra = tenancy(Tenancy.PARTNER_OWNED)
    app.add_api_route(path, list_participants_served, methods=["GET"], include_in_schema=False, openapi_extra=extra)
    app.add_api_route(
        f"{path}/{{participant_id:uuid}}",
        get_participant_served,
        methods=["GET"],
        include_in_schema=False,
        openapi_extra=extra,
    )
