"""What the business-idea tests share, and what other areas' tests reuse: a complete idea's body, an idea created or
submitted through the API, a person's portal sign-in, and ideas of partners A and B seeded through the domain."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx

from emprende.bootstrap import Container
from emprende.domain.ideas.canvas import CANVAS_BLOCKS, Canvas
from emprende.domain.ideas.idea import BusinessIdea, IdeaContent, IdeaPlace, IdeaStage
from emprende.domain.ideas.plan import InvestmentCategory, InvestmentPlan, LineItem
from emprende.services.shared.principal import SYSTEM
from tests.conftest import PARTICIPANTS, PASSWORD, World, first_sign_in

IDEAS = "/api/v1/business-ideas"
MY_IDEAS = "/api/v1/me/business-ideas"
SECTORS = "/api/v1/business-sectors"
IDEA_TABLES = ("business_ideas", "business_idea_versions")

CANVAS: dict[str, str] = {
    "customer_segments": "Familias y tiendas del barrio Tarqui, en Manta",
    "value_propositions": "Pan fresco de masa madre cada mañana, a domicilio",
    "channels": "Venta en el local, pedidos por WhatsApp y reparto en bicicleta",
    "customer_relationships": "Clientes frecuentes con tarjeta de fidelidad",
    "revenue_streams": "Venta diaria de pan y pedidos de pastelería para eventos",
    "key_resources": "Horno, amasadora, local arrendado y recetas propias",
    "key_activities": "Producción de madrugada, compras semanales, reparto",
    "key_partnerships": "Molino local y asociación de tenderos",
    "cost_structure": "Harina, gas, arriendo, reparto y mantenimiento del horno",
}
PLAN: list[dict[str, Any]] = [
    {
        "description": "Horno industrial de dos bandejas",
        "category": "equipment",
        "quantity": "1",
        "unit_cost": "1250.00",
        "own_contribution": "250.00",
    },
    {
        "description": "Harina y levadura para el primer mes",
        "category": "raw_materials",
        "quantity": "20",
        "unit_cost": "32.50",
    },
]
"""Totals 1,900.00; the person brings 250.00; it requests 1,650.00 (1,000.00 equipment, 650.00 raw materials)."""


def idea_body(participant_id: object | None = None, **changes: Any) -> dict[str, Any]:
    """A complete, valid idea (a bakery in Manta): staff send it with `participant_id`, the portal without."""
    body: dict[str, Any] = {
        "name": "Panadería La Esperanza",
        "sector": "10",
        "stage": "idea",
        "place": {"province_code": "13", "canton_code": "1308"},
        "canvas": dict(CANVAS),
        "team": [],
        "investment_plan": [dict(line) for line in PLAN],
    }
    if participant_id is not None:
        body["participant_id"] = str(participant_id)
    body.update(changes)
    return body


async def create_idea(
    client: httpx.AsyncClient, headers: dict[str, str], participant_id: object, **changes: Any
) -> dict[str, Any]:
    """An idea created by staff (`headers`) for the person; returns it as the API answered."""
    response = await client.post(IDEAS, headers=headers, json=idea_body(participant_id, **changes))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def submitted_idea(
    client: httpx.AsyncClient, headers: dict[str, str], participant_id: object, **changes: Any
) -> dict[str, Any]:
    """A complete idea created by staff for the person and submitted; returns it as the API answered."""
    created = await create_idea(client, headers, participant_id, **changes)
    response = await client.post(f"{IDEAS}/{created['id']}/submission", headers=headers)
    assert response.status_code == 200, response.text
    submitted: dict[str, Any] = response.json()
    return submitted


async def portal_sign_in(
    client: httpx.AsyncClient, staff_headers: dict[str, str], participant_id: object, email: str
) -> dict[str, str]:
    """Open the person's portal account (by their registering partner's staff) and sign them in."""
    opened = await client.post(
        f"{PARTICIPANTS}/{participant_id}/portal-account",
        headers=staff_headers,
        json={"email": email, "password": PASSWORD},
    )
    assert opened.status_code == 201, opened.text
    return await first_sign_in(client, email)


def seeded_idea(participant_id: uuid.UUID, partner_id: uuid.UUID, now: Any) -> BusinessIdea:
    """A complete draft for the person, supported by the partner, made in the domain."""
    line = LineItem("Horno", InvestmentCategory.EQUIPMENT, Decimal(1), Decimal("1250.00"), Decimal("250.00"))
    return BusinessIdea(
        participant_id=participant_id,
        supporting_partner_id=partner_id,
        content=IdeaContent(
            name="Idea sembrada",
            sector="10",
            stage=IdeaStage.IDEA,
            place=IdeaPlace("13", "1308"),
            canvas=Canvas(**{block: CANVAS[block] for block in CANVAS_BLOCKS}),
            plan=InvestmentPlan([line]),
        ),
        now=now,
        by=None,
    )


async def seed_ideas(container: Container, world: World) -> None:
    """One idea of partner A's first person (supported by A) and one of B's (supported by B), straight through the
    domain; their ids go into `world.ideas` under `idea_id`."""
    now = container.clock.now()
    ideas = [seeded_idea(side.participant_id, side.partner_id, now) for side in (world.a, world.b)]
    async with container.uow(SYSTEM) as uow:
        for idea in ideas:
            uow.business_ideas.add(idea)
            uow.idea_versions.add(idea.record_version(now, None))
        await uow.commit()
    world.ideas["idea_id"] = (ideas[0].id, ideas[1].id)
