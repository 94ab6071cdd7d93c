"""Issuing certificates on completion, inside the transaction that judged it: one signed Open Badges 3.0 credential
per person who completed, naming the curriculum, the programme and the delivering partner, and the person only by an
opaque identifier."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from emprende.domain.identity.user import Language
from emprende.domain.shared.ids import new_id
from emprende.domain.training.certificate import Certificate, CertificateStatus
from emprende.domain.training.cohort import Cohort
from emprende.domain.training.completion import CompletionCriteria
from emprende.domain.training.credential import (
    Achievement,
    CredentialClaim,
    CredentialIssuer,
    CurriculumModule,
    StatusPurpose,
    open_badge,
    status_entry,
    urn_uuid,
)
from emprende.domain.training.module import localized
from emprende.services.training.judging import Judgement
from emprende.services.training.ports import CertificateAuthority, TrainingUnitOfWork

FLAGGED_BY = {
    StatusPurpose.REVOCATION: CertificateStatus.REVOKED,
    StatusPurpose.SUSPENSION: CertificateStatus.SUSPENDED,
}


def status_list_url(authority: CertificateAuthority, purpose: StatusPurpose) -> str:
    return f"{authority.programme_url}/api/v1/certificates/status-lists/{purpose.value}"


def _criteria_text(criteria: CompletionCriteria) -> str:
    """The criteria the person met, as the certificate states them (in Spanish, the programme's language)."""
    parts = [f"Asistencia de al menos {criteria.min_attendance_percent} % de las sesiones"]
    if criteria.required_modules:
        parts.append("asistencia a cada módulo requerido")
    if criteria.min_assessment_score is not None:
        parts.append(f"evaluación final con al menos {criteria.min_assessment_score} de 100")
    return "; ".join(parts) + "."


async def issue_certificates(
    uow: TrainingUnitOfWork, cohort: Cohort, judged: Sequence[Judgement], authority: CertificateAuthority, now: datetime
) -> list[Certificate]:
    """A certificate for each person judged to have completed who has none yet, in the caller's transaction."""
    completed = [item.enrollment for item in judged if item.result.completed]
    if not completed:
        return []
    have = {certificate.enrollment_id for certificate in await uow.certificates.for_cohort(cohort.id)}
    completed = [enrollment for enrollment in completed if enrollment.id not in have]
    if not completed:
        return []
    found = await uow.partners.get_with_agreements(cohort.partner_id)
    assert found is not None  # a cohort's partner is never deleted
    versions = {
        (version.module_id, version.number): version
        for version in await uow.modules.published([(item.module_id, item.version) for item in cohort.curriculum])
    }
    taught = [versions[(item.module_id, item.version)] for item in cohort.curriculum]
    modules = [CurriculumModule(localized(v.translations, Language.ES)[1].title, str(v.number)) for v in taught]
    achievement = Achievement(
        id=urn_uuid(cohort.id),
        name=cohort.name,
        description=("Currículo: " + "; ".join(module.name for module in modules))[:2000],
        criteria=_criteria_text(cohort.completion_criteria),
        hours=sum((v.hours for v in taught), Decimal(0)).quantize(Decimal("0.01")),
        modules=modules,
    )
    issuer = CredentialIssuer(authority.programme_name, authority.programme_url, cohort.partner_id, found[0].name)
    issued = []
    first = await uow.certificates.next_status_index()  # the places that follow are this transaction's to take
    for index, enrollment in enumerate(completed, start=first):
        certificate_id = new_id()
        claim = CredentialClaim(
            id=urn_uuid(certificate_id),
            issuer=issuer,
            subject_id=urn_uuid(new_id()),
            achievement=achievement,
            issued_at=now,
            valid_from=now,
            language="es",
        )
        entries = [status_entry(status_list_url(authority, purpose), purpose, index) for purpose in StatusPurpose]
        signed = await authority.sign(open_badge(claim, entries))
        certificate = Certificate(
            certificate_id=certificate_id,
            enrollment_id=enrollment.id,
            cohort_id=cohort.id,
            participant_id=enrollment.participant_id,
            partner_id=cohort.partner_id,
            subject_id=claim.subject_id,
            status_index=index,
            token=signed.token,
            kid=signed.kid,
            now=now,
        )
        uow.certificates.add(certificate)
        issued.append(certificate)
    return issued
