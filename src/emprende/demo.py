"""Deterministic demonstration data (Spanish names, Ecuadorian places) for trying emprende out."""

from __future__ import annotations

import os
import random
import unicodedata

from emprende.bootstrap import Container
from emprende.domain.users import Language, Role
from emprende.services.principal import SYSTEM
from emprende.services.users import CreateUser, create_admin, create_user
from emprende.settings import Environment

DEMO_PASSWORD_ENV = "EMPRENDE_DEMO_PASSWORD"  # noqa: S105 - the name of a variable
DEFAULT_DEMO_PASSWORD = "demo-emprende-2026"  # noqa: S105 - documented password of demo accounts
SEED = 20261123

_GIVEN = [
    "María José",
    "Luis Alberto",
    "Daniela",
    "Carlos Andrés",
    "Gabriela",
    "Jorge",
    "Ana Lucía",
    "Andrés",
    "Valentina",
    "Wilson",
    "Yolanda",
    "Édgar",
    "Rosa Elena",
    "Fernando",
    "Mónica",
    "Patricio",
]
_FAMILY = [
    "Quispe",
    "Guamán",
    "Cedeño",
    "Zambrano",
    "Vera",
    "Moreira",
    "Chávez",
    "Paredes",
    "Romero",
    "Salazar",
    "Villacís",
    "Andrade",
    "Rodríguez",
    "Pazmiño",
    "Tenorio",
    "Yépez",
]
_CITIES = [
    "Quito",
    "Guayaquil",
    "Cuenca",
    "Manta",
    "Ibarra",
    "Lago Agrio",
    "Tulcán",
    "Huaquillas",
    "Santo Domingo",
]
_STAFF_ROLES = [
    Role.ADMIN,
    Role.PARTNER_MANAGER,
    Role.PARTNER_STAFF,
    Role.PARTNER_STAFF,
    Role.FACILITATOR,
    Role.FACILITATOR,
    Role.EVALUATOR,
    Role.EVALUATOR,
    Role.PARTICIPANT,
    Role.PARTICIPANT,
]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(ascii_text.lower().split())


async def load_demo(container: Container) -> list[str] | None:
    """Create demonstration accounts; None when the database already holds users."""
    if container.settings.env is Environment.PRODUCTION:
        return ["demo data is never loaded into a production database"]
    async with container.uow(SYSTEM) as uow:
        if await uow.users.count() > 0:
            return None
    password = os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD)
    rng = random.Random(SEED)  # noqa: S311 - deterministic sample data, not security
    admin = await create_admin(
        "coordinacion@emprende.example",
        "Coordinación del Programa",
        password,
        uow_factory=container.uow,
        hasher=container.hasher,
        clock=container.clock,
    )
    from emprende.services.principal import Principal, PrincipalKind

    acting = Principal(kind=PrincipalKind.USER, id=admin.id, role=Role.ADMIN)
    lines = [f"{admin.email:<45} admin"]
    used: set[str] = {admin.email}
    for role in _STAFF_ROLES:
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        email = f"{_slug(given)}.{_slug(family)}@{_slug(rng.choice(_CITIES)).replace('.', '')}.emprende.example"
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
            ),
            acting,
            uow_factory=container.uow,
            hasher=container.hasher,
            clock=container.clock,
        )
        lines.append(f"{user.email:<45} {user.role.value}")
    lines.append(f"password of every demo account: {password}")
    return lines
