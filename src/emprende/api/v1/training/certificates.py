"""Certificates: Open Badges 3.0 credentials signed with Ed25519, issued when a cohort finishes. Anyone verifies one
without signing in, against the published key set (rotated keys included) and status lists; the delivering partner
suspends, reinstates or revokes."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, FastAPI, Request, Response

from emprende.api.deps import ContainerDep, CurrentPrincipal
from emprende.api.i18n import negotiate
from emprende.api.problems import problem_responses
from emprende.api.tenancy import Tenancy, tenancy
from emprende.api.v1.training.certificate_schemas import (
    CertificateOut,
    KeyRotationOut,
    ReasonIn,
    VerificationIn,
    VerificationOut,
)
from emprende.api.v1.training.credential_messages import SPANISH_VERIFICATION_MESSAGES
from emprende.bootstrap.training import TrainingWiring
from emprende.domain.shared.errors import render_message
from emprende.domain.training.certificate import Certificate
from emprende.domain.training.credential import StatusPurpose, Verification
from emprende.services.training import certificates as certificate_service
from emprende.services.training import status_lists

router = APIRouter(tags=["certificates"])
ITEM = "/certificates/{certificate_id:uuid}"
VC_JWT = "application/vc+jwt"


def certificate_out(certificate: Certificate) -> CertificateOut:
    return CertificateOut(
        id=certificate.id,
        cohort_id=certificate.cohort_id,
        enrollment_id=certificate.enrollment_id,
        participant_id=certificate.participant_id,
        status=certificate.status,
        reason=certificate.reason,
        subject_id=certificate.subject_id,
        kid=certificate.kid,
        certificate=certificate.token,
        issued_at=certificate.issued_at,
        updated_at=certificate.updated_at,
    )


def verification_out(verification: Verification, request: Request) -> VerificationOut:
    lang = negotiate(request.headers.get("accept-language"))
    spanish = SPANISH_VERIFICATION_MESSAGES.get(verification.detail) if lang == "es" else None
    message = render_message(spanish, verification.params) if spanish else verification.message
    return VerificationOut(
        outcome=verification.outcome,
        valid=verification.valid,
        message=message,
        kid=verification.kid,
        status_unchecked=list(verification.status_unchecked),
        credential=verification.credential,
    )


@router.get(
    "/certificates/jwks",
    operation_id="get_certificate_keys",
    responses=problem_responses(),
    openapi_extra=tenancy(Tenancy.PUBLIC),
)
async def get_certificate_keys(container: ContainerDep) -> dict[str, object]:
    """The programme's signing keys as a JSON Web Key Set (Ed25519, `OKP`): every key, rotated ones included, so a
    certificate keeps verifying after its key was retired. No sign-in needed."""
    return dict(await certificate_service.key_set(container.area(TrainingWiring).certificates))


@router.get(
    "/certificates/status-lists/{purpose}",
    operation_id="get_certificate_status_list",
    responses={200: {"content": {VC_JWT: {"schema": {"type": "string"}}}}, **problem_responses(422)},
    response_class=Response,
    openapi_extra=tenancy(Tenancy.PUBLIC),
)
async def get_certificate_status_list(purpose: StatusPurpose, container: ContainerDep) -> Response:
    """A status list (`revocation` or `suspension`) as a signed Bitstring Status List credential: the bit at a
    certificate's `statusListIndex` is set while it is revoked (or suspended). No sign-in needed; a change shows
    within `EMPRENDE_CERTIFICATE_STATUS_SECONDS`."""
    token = await status_lists.signed_status_list(purpose, lists=container.area(TrainingWiring).status_lists)
    return Response(token, media_type=VC_JWT, headers={"Cache-Control": "max-age=60"})


@router.post(
    "/certificates/verification",
    response_model=VerificationOut,
    operation_id="verify_certificate",
    responses=problem_responses(400, 413, 422),
    openapi_extra=tenancy(Tenancy.PUBLIC),
)
async def verify_certificate(body: VerificationIn, request: Request, container: ContainerDep) -> VerificationOut:
    """Verify a certificate: its signature under the published keys, its dates, and whether it was revoked or
    suspended. Answers 200 with the outcome whatever the certificate holds (tampered, expired, revoked or signed by
    someone else say which). No sign-in needed."""
    verification = await status_lists.verify_certificate(
        body.certificate, lists=container.area(TrainingWiring).status_lists, clock=container.clock
    )
    return verification_out(verification, request)


@router.post(
    "/certificates/signing-keys/rotation",
    response_model=KeyRotationOut,
    operation_id="rotate_certificate_key",
    responses=problem_responses(401, 403),
    openapi_extra=tenancy(Tenancy.OPERATOR),
)
async def rotate_certificate_key(principal: CurrentPrincipal, container: ContainerDep) -> KeyRotationOut:
    """Sign certificates from now on with a new key (administrators). The old key stays in the key set, so every
    certificate it signed keeps verifying."""
    kid = await certificate_service.rotate_signing_key(principal, authority=container.area(TrainingWiring).certificates)
    return KeyRotationOut(kid=kid)


@router.get(
    "/cohorts/{cohort_id}/certificates",
    response_model=list[CertificateOut],
    operation_id="list_cohort_certificates",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def list_cohort_certificates(
    cohort_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> list[CertificateOut]:
    """The certificates issued in a cohort."""
    found = await certificate_service.cohort_certificates(principal, cohort_id, uow_factory=container.uow)
    return [certificate_out(certificate) for certificate in found]


@router.get(
    ITEM,
    response_model=CertificateOut,
    operation_id="get_certificate",
    responses=problem_responses(401, 403, 404),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def get_certificate(
    certificate_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> CertificateOut:
    """One certificate of the partner's cohorts."""
    certificate = await certificate_service.get_certificate(principal, certificate_id, uow_factory=container.uow)
    return certificate_out(certificate)


@router.post(
    ITEM + "/revocation",
    response_model=CertificateOut,
    operation_id="revoke_certificate",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def revoke_certificate(
    certificate_id: uuid.UUID, body: ReasonIn, principal: CurrentPrincipal, container: ContainerDep
) -> CertificateOut:
    """Revoke a certificate for good, with a reason: verifiers are told it was revoked."""
    certificate = await certificate_service.revoke_certificate(
        principal, certificate_id, body.reason, uow_factory=container.uow, clock=container.clock
    )
    return certificate_out(certificate)


@router.post(
    ITEM + "/suspension",
    response_model=CertificateOut,
    operation_id="suspend_certificate",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def suspend_certificate(
    certificate_id: uuid.UUID, body: ReasonIn, principal: CurrentPrincipal, container: ContainerDep
) -> CertificateOut:
    """Suspend a certificate, with a reason, until it is reinstated: verifiers are told it is suspended."""
    certificate = await certificate_service.suspend_certificate(
        principal, certificate_id, body.reason, uow_factory=container.uow, clock=container.clock
    )
    return certificate_out(certificate)


@router.delete(
    ITEM + "/suspension",
    response_model=CertificateOut,
    operation_id="reinstate_certificate",
    responses=problem_responses(401, 403, 404, 409),
    openapi_extra=tenancy(Tenancy.PARTNER_OWNED),
)
async def reinstate_certificate(
    certificate_id: uuid.UUID, principal: CurrentPrincipal, container: ContainerDep
) -> CertificateOut:
    """End a suspension: the certificate verifies again."""
    certificate = await certificate_service.reinstate_certificate(
        principal, certificate_id, uow_factory=container.uow, clock=container.clock
    )
    return certificate_out(certificate)


def add_verification_ahead(app: FastAPI, prefix: str) -> None:
    """Certificate verification — public, and what every verifier calls — matched ahead of every router: the same
    endpoint with the same parameters, only found sooner (undocumented twin of `verify_certificate`; matching a
    request through the whole tree of routers cost about as much as verifying the certificate)."""
    app.add_api_route(
        f"{prefix}/certificates/verification",
        verify_certificate,
        methods=["POST"],
        response_model=VerificationOut,
        include_in_schema=False,
        openapi_extra=tenancy(Tenancy.PUBLIC),
    )
