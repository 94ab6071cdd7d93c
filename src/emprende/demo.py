"""Deterministic demonstration data (Spanish names, Ecuadorian places) for trying emprende out."""

from __future__ import annotations

import os
import random
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from emprende.bootstrap import Container
from emprende.domain.agreements import AgreementRole
from emprende.domain.partners import PartnerKind
from emprende.domain.users import Language, Role
from emprende.services.agreements import CreateAgreement, create_agreement
from emprende.services.api_clients import CreateApiClient, create_api_client
from emprende.services.partners import CreatePartner, create_partner
from emprende.services.principal import SYSTEM, Principal, PrincipalKind
from emprende.services.users import CreateUser, create_admin, create_user
from emprende.settings import Environment

DEMO_PASSWORD_ENV = "EMPRENDE_DEMO_PASSWORD"  # noqa: S105 - the name of a variable
DEFAULT_DEMO_PASSWORD = "demo-emprende-2026"  # noqa: S105 - documented password of demo accounts
SEED = 20261123

_GIVEN = ["María José", "Luis Alberto", "Daniela", "Carlos Andrés", "Gabriela", "Jorge", "Ana Lucía", "Andrés",
          "Valentina", "Wilson", "Yolanda", "Édgar", "Rosa Elena", "Fernando", "Mónica", "Patricio"]  # fmt: skip
_FAMILY = ["Quispe", "Guamán", "Cedeño", "Zambrano", "Vera", "Moreira", "Chávez", "Paredes", "Romero", "Salazar",
           "Villacís", "Andrade", "Rodríguez", "Pazmiño", "Tenorio", "Yépez"]  # fmt: skip


@dataclass(frozen=True)
class _Partner:
    name: str
    kind: PartnerKind
    country: str
    domain: str
    roles: tuple[AgreementRole, ...]
    staff: tuple[Role, ...]
    ruc: str | None = None
    expired: bool = False


_PARTNERS = (
    _Partner("Ministerio de Producción, Comercio Exterior, Inversiones y Pesca", PartnerKind.GOVERNMENT, "ECU",
             "produccion.gob.example", (AgreementRole.REFERRAL, AgreementRole.FUNDING),
             (Role.PARTNER_MANAGER, Role.PARTNER_STAFF), ruc="1768152560001"),
    _Partner("Servicio Ecuatoriano de Capacitación Profesional", PartnerKind.GOVERNMENT, "ECU", "secap.gob.example",
             (AgreementRole.TRAINING_DELIVERY,), (Role.PARTNER_MANAGER, Role.FACILITATOR, Role.FACILITATOR)),
    _Partner("Universidad Técnica del Norte", PartnerKind.ACADEMIA, "ECU", "utn.edu.example",
             (AgreementRole.CONTENT_AUTHORING, AgreementRole.TRAINING_DELIVERY, AgreementRole.REFERRAL),
             (Role.PARTNER_MANAGER, Role.FACILITATOR, Role.PARTNER_STAFF)),
    _Partner("Universidad de Cuenca", PartnerKind.ACADEMIA, "ECU", "ucuenca.edu.example",
             (AgreementRole.CONTENT_AUTHORING,), (Role.PARTNER_MANAGER, Role.FACILITATOR), expired=True),
    _Partner("Agencia de Cooperación para el Desarrollo", PartnerKind.INTERNATIONAL_COOPERATION, "DEU",
             "cooperacion.example", (AgreementRole.EVALUATION, AgreementRole.FUNDING),
             (Role.PARTNER_MANAGER, Role.EVALUATOR, Role.EVALUATOR)),
    _Partner("Fundación Manos Solidarias", PartnerKind.NGO, "ECU", "manossolidarias.example",
             (AgreementRole.REFERRAL,), (Role.PARTNER_MANAGER, Role.PARTNER_STAFF)),
    _Partner("Cámara de Comercio de Manta", PartnerKind.PRIVATE_SECTOR, "ECU", "ccmanta.example",
             (AgreementRole.EVALUATION,), (Role.PARTNER_MANAGER, Role.EVALUATOR)),
    _Partner("Cooperativa de Ahorro y Crédito Frontera Norte", PartnerKind.FINANCIAL_INSTITUTION, "ECU",
             "coopfronteranorte.example", (AgreementRole.FUNDING,), (Role.PARTNER_MANAGER,), ruc="1790011674001"),
)  # fmt: skip


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(ascii_text.lower().split())


async def load_demo(container: Container) -> list[str] | None:
    """Create demonstration partners, agreements, accounts and one API client; None when users already exist."""
    if container.settings.env is Environment.PRODUCTION:
        return ["demo data is never loaded into a production database"]
    async with container.uow(SYSTEM, read_only=True) as uow:
        if await uow.users.count() > 0:
            return None
    password = os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD)
    rng = random.Random(SEED)  # noqa: S311 - deterministic sample data, not security
    factory, clock = container.uow, container.clock
    admin = await create_admin(
        "coordinacion@emprende.example",
        "Coordinación del Programa",
        password,
        hasher=container.hasher,
        uow_factory=factory,
        clock=clock,
    )
    acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
    lines = [f"{admin.email:<55} admin"]
    year = container.clock.now().year
    used: set[str] = {admin.email}
    university: uuid.UUID | None = None
    for number, spec in enumerate(_PARTNERS, start=1):
        partner = await create_partner(
            CreatePartner(
                name=spec.name,
                kind=spec.kind,
                country=spec.country,
                ruc=spec.ruc,
                contact_email=f"contacto@{spec.domain}",
                contact_phone=f"+59399{rng.randint(1000000, 9999999)}" if spec.country == "ECU" else None,
            ),
            acting,
            uow_factory=factory,
            clock=clock,
        )
        start, end = (
            (date(year - 3, 1, 1), date(year - 1, 6, 30))
            if spec.expired
            else (date(year - 1, 1, 1), date(year + 2, 12, 31))
        )
        await create_agreement(
            acting,
            partner.id,
            CreateAgreement(
                code=f"CONV-{start.year}-{number:03d}",
                title=f"Convenio de cooperación con {spec.name}",
                roles=frozenset(spec.roles),
                start_date=start,
                end_date=end,
                data_sharing=AgreementRole.REFERRAL in spec.roles or AgreementRole.TRAINING_DELIVERY in spec.roles,
                document_reference=f"Oficio Nro. EMP-{start.year}-{number:04d}",
                activate=True,
            ),
            uow_factory=factory,
            clock=clock,
        )
        lines.append(f"{partner.name}: agreement {'expired' if spec.expired else 'in force'}")
        for role in spec.staff:
            given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
            email = f"{_slug(given)}.{_slug(family)}@{spec.domain}"
            if email in used:
                continue
            used.add(email)
            user = await create_user(
                CreateUser(
                    email=email,
                    full_name=f"{given} {family} {rng.choice(_FAMILY)}",
                    password=password,
                    role=role,
                    preferred_language=Language.ES if rng.random() < 0.85 else Language.EN,
                    partner_id=partner.id,
                ),
                acting,
                hasher=container.hasher,
                uow_factory=factory,
                clock=clock,
            )
            lines.append(f"  {user.email:<53} {user.role.value}")
        if spec.kind is PartnerKind.ACADEMIA and university is None:
            university = partner.id
    if university is not None:
        issued = await create_api_client(
            acting,
            CreateApiClient(
                name="Sistema académico UTN",
                scopes=frozenset({"partners:read", "agreements:read"}),
                partner_id=university,
            ),
            uow_factory=container.uow,
            auth=container.auth,
        )
        lines.append(f"API client {issued.client.id} (secret: {issued.secret})")
    lines.append(f"password of every demo account: {password}")
    return lines
