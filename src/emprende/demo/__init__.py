"""Deterministic demonstration data (Spanish names, Ecuadorian places) for trying emprende out."""

from __future__ import annotations

import dataclasses
import os
import random
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from emprende.bootstrap import Container
from emprende.demo.calls import load_calls_demo
from emprende.demo.ideas import load_ideas_demo
from emprende.demo.training import load_training_demo
from emprende.domain.identity.passwords import check_password_strength
from emprende.domain.identity.user import Language, Role, User
from emprende.domain.partners.agreement import AgreementRole
from emprende.domain.partners.partner import PartnerKind
from emprende.services.identity.users import CreateUser, change_password, create_admin, create_user
from emprende.services.partners.agreements import CreateAgreement, create_agreement
from emprende.services.partners.api_clients import CreateApiClient, create_api_client
from emprende.services.partners.partners import CreatePartner, create_partner
from emprende.services.shared.principal import SYSTEM, Principal, PrincipalKind
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


def demo_password() -> str:
    """The password of every demo account (`EMPRENDE_DEMO_PASSWORD` or the documented default), checked as any
    password is: a weak one is refused before anything is written."""
    password = os.environ.get(DEMO_PASSWORD_ENV) or DEFAULT_DEMO_PASSWORD
    check_password_strength(password)
    return password


async def load_demo(container: Container, password: str) -> list[str] | None:
    """Create demonstration partners, agreements, accounts and one API client; None when users already exist."""
    if container.settings.env is Environment.PRODUCTION:
        return ["demo data is never loaded into a production database"]
    check_password_strength(password)
    async with container.uow(SYSTEM, read_only=True) as uow:
        if await uow.users.count() > 0:
            return None
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
    funder: uuid.UUID | None = None
    evaluators: list[tuple[uuid.UUID, uuid.UUID]] = []
    registering: list[uuid.UUID] = []
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
        if not spec.expired and {AgreementRole.REFERRAL, AgreementRole.TRAINING_DELIVERY} & set(spec.roles):
            registering.append(partner.id)
        for role in spec.staff:
            given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
            email = f"{_slug(given)}.{_slug(family)}@{spec.domain}"
            if email in used:
                continue
            used.add(email)
            user = await _demo_account(
                container,
                acting,
                CreateUser(
                    email=email,
                    full_name=f"{given} {family} {rng.choice(_FAMILY)}",
                    password=password,
                    role=role,
                    preferred_language=Language.ES if rng.random() < 0.85 else Language.EN,
                    partner_id=partner.id,
                ),
            )
            lines.append(f"  {user.email:<53} {user.role.value}")
            if user.role is Role.EVALUATOR and AgreementRole.EVALUATION in spec.roles:
                evaluators.append((user.id, partner.id))
        if funder is None and AgreementRole.FUNDING in spec.roles and not spec.expired:
            funder = partner.id
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
    registered = await _demo_participants(container, acting, rng, registering)
    lines.append(f"{len(registered)} participants registered with their consents (two probable duplicates queued)")
    if university is not None:
        trainees = [person for person, partner in registered if partner == university]
        lines += await load_training_demo(container, acting, university, trainees)
        lines += await load_ideas_demo(container, acting, trainees[:4])
        if funder is not None:
            lines += await load_calls_demo(container, acting, funder, evaluators, trainees[:3])
    lines.append(f"password of every demo account: {password}")
    return lines


async def _demo_account(container: Container, acting: Principal, cmd: CreateUser) -> User:
    """An account as the coordinator creates it, whose owner has then signed in once and chosen the demo password.

    Accounts created by another person start with a password their owner must replace; demo accounts share one
    documented password instead, so each one completes that first change here, as its owner would."""
    temporary = secrets.token_urlsafe(18)
    user = await create_user(
        dataclasses.replace(cmd, password=temporary),
        acting,
        hasher=container.hasher,
        uow_factory=container.uow,
        clock=container.clock,
    )
    owner = Principal(
        kind=PrincipalKind.USER, id=user.id, role=user.role, partner_id=user.partner_id, password_change_required=True
    )
    return await change_password(
        owner, temporary, cmd.password, uow_factory=container.uow, hasher=container.hasher, clock=container.clock
    )


_VENEZUELAN_GIVEN = ["Yusleidy", "Yohana", "Daniela", "Génesis", "Wilmer", "Jhonny", "Yorman", "Andreína",
                     "Luis Miguel", "María Gabriela", "José Gregorio", "Oriana", "Keiber", "Yuliana",
                     "Carlos Eduardo"]  # fmt: skip
_COLOMBIAN_GIVEN = ["Luz Dary", "Jhon Fredy", "Leidy Johana", "Andrés Felipe", "Yeison", "Marleny", "Diana Carolina",
                    "Juan Camilo", "Sandra Milena", "Óscar Iván"]  # fmt: skip
_LATIN_FAMILY = ["Hernández", "González", "Rodríguez", "Pérez", "Martínez", "Rojas", "Gutiérrez", "Mendoza", "Suárez",
                 "Quintero", "Ramírez", "Castillo", "Peña", "Mora", "Ortiz", "Vargas", "Salazar", "Díaz"]  # fmt: skip
# (province, canton) pairs where programmes run, weighted towards the border and the big cities.
_PLACES = [("17", "1701")] * 6 + [("09", "0901")] * 5 + [("07", "0701")] * 2 + [("13", "1308")] * 2 + [
    ("10", "1001"), ("04", "0401"), ("21", "2101"), ("08", "0801"), ("01", "0101"), ("23", "2301")
]  # fmt: skip


async def _demo_participants(
    container: Container, acting: Principal, rng: random.Random, partners: list[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Registrations spread over the partners that refer or train people, with a couple of probable duplicates:
    (person, registering partner) each."""
    from emprende.domain.participants.consent import ConsentMethod
    from emprende.domain.participants.participant import ParticipantDetails, PopulationGroup, Sex
    from emprende.services.participants.registry import GivenConsent, RegisterParticipant, register_participant

    now = container.clock.now()
    groups = [PopulationGroup.MIGRANT] * 6 + [PopulationGroup.REFUGEE_OR_ASYLUM_SEEKER] * 2 + [
        PopulationGroup.RETURNEE, PopulationGroup.HOST_COMMUNITY, PopulationGroup.HOST_COMMUNITY
    ]  # fmt: skip
    people: list[ParticipantDetails] = []
    for _ in range(300):
        group = rng.choice(groups)
        if group in (PopulationGroup.RETURNEE, PopulationGroup.HOST_COMMUNITY):
            nationality, given = "ECU", rng.choice(_GIVEN)
            family = f"{rng.choice(_FAMILY)} {rng.choice(_FAMILY)}"
        elif rng.random() < 0.7:
            nationality, given = "VEN", rng.choice(_VENEZUELAN_GIVEN)
            family = f"{rng.choice(_LATIN_FAMILY)} {rng.choice(_LATIN_FAMILY)}"
        else:
            nationality, given = "COL", rng.choice(_COLOMBIAN_GIVEN)
            family = f"{rng.choice(_LATIN_FAMILY)} {rng.choice(_LATIN_FAMILY)}"
        province, canton = rng.choice(_PLACES)
        birth = date(rng.randint(now.year - 60, now.year - 18), rng.randint(1, 12), rng.randint(1, 28))
        people.append(
            ParticipantDetails(
                given_names=given,
                family_names=family,
                birth_date=birth,
                sex=Sex.FEMALE if rng.random() < 0.58 else Sex.MALE,
                population_group=group,
                nationality=nationality,
                household_size=rng.randint(1, 7),
                province_code=province,
                canton_code=canton,
                phone=f"+59398{rng.randint(1000000, 9999999)}" if rng.random() < 0.8 else None,
            )
        )
    # Two people registered twice by different hands: accents dropped, second name missing.
    for original in people[:2]:
        people.append(
            dataclasses.replace(
                original,
                given_names=original.given_names.split()[0],
                family_names=_plain(original.family_names.split()[0]),
                phone=None,
            )
        )
    consent = GivenConsent("2026-01", Language.ES, ConsentMethod.IN_PERSON, now)
    registered = []
    for index, details in enumerate(people):
        registration = await register_participant(
            RegisterParticipant(
                details=details, registration_consent=consent, owner_partner_id=partners[index % len(partners)]
            ),
            acting,
            uow_factory=container.uow,
            clock=container.clock,
        )
        registered.append((registration.participant.id, partners[index % len(partners)]))
    return registered


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
