"""Demonstration business ideas: people who trained in the finished cohort developed ideas — three submitted with
their investment plans, one still a draft."""

from __future__ import annotations

import uuid
from decimal import Decimal

from emprende.bootstrap import Container
from emprende.domain.ideas.canvas import Canvas
from emprende.domain.ideas.idea import IdeaChanges, IdeaContent, IdeaPlace, IdeaStage
from emprende.domain.ideas.plan import InvestmentCategory, InvestmentPlan, LineItem
from emprende.services.ideas import ideas
from emprende.services.shared.principal import Principal

C = InvestmentCategory


def _line(description: str, category: InvestmentCategory, quantity: str, unit_cost: str, own: str = "0") -> LineItem:
    return LineItem(description, category, Decimal(quantity), Decimal(unit_cost), Decimal(own))


_IDEAS = (
    IdeaContent(
        name="Panadería de masa madre La Esperanza",
        sector="10",
        stage=IdeaStage.EARLY_OPERATION,
        place=IdeaPlace("10", "1001", "100101"),
        canvas=Canvas(
            customer_segments="Familias y tiendas de barrio del centro de Ibarra",
            value_propositions="Pan fresco de masa madre cada mañana, con recetas venezolanas y ecuatorianas",
            channels="Venta en el local, pedidos por WhatsApp y reparto en bicicleta",
            customer_relationships="Clientes frecuentes con tarjeta de fidelidad",
            revenue_streams="Venta diaria de pan y pedidos de pastelería para eventos",
            key_resources="Horno, amasadora, local arrendado y recetas propias",
            key_activities="Producción de madrugada, compras semanales, reparto",
            key_partnerships="Molino local y asociación de tenderos",
            cost_structure="Harina, gas, arriendo, reparto y mantenimiento del horno",
        ),
        plan=InvestmentPlan(
            [
                _line("Horno industrial de dos bandejas", C.EQUIPMENT, "1", "1250.00", "250.00"),
                _line("Amasadora de 10 kg", C.MACHINERY, "1", "680.00"),
                _line("Harina, levadura y empaques del primer mes", C.RAW_MATERIALS, "1", "320.00", "120.00"),
            ]
        ),
    ),
    IdeaContent(
        name="Taller de costura a la medida",
        sector="14",
        stage=IdeaStage.IDEA,
        place=IdeaPlace("10", "1001"),
        canvas=Canvas(
            customer_segments="Colegios y pequeñas empresas que necesitan uniformes",
            value_propositions="Uniformes a la medida en dos semanas, con arreglos incluidos",
            channels="Visitas a colegios y una página en redes sociales",
            customer_relationships="Atención personal y pruebas en el local del cliente",
            revenue_streams="Confección por pedido y arreglos de ropa",
            key_resources="Máquinas de coser, mesa de corte, experiencia en confección",
            key_activities="Toma de medidas, corte, confección y entrega",
            key_partnerships="Distribuidora de telas de Atuntaqui",
            cost_structure="Telas, hilos, energía eléctrica y transporte",
        ),
        plan=InvestmentPlan(
            [
                _line("Máquina de coser recta industrial", C.MACHINERY, "2", "450.00", "100.00"),
                _line("Máquina overlock", C.MACHINERY, "1", "520.00"),
                _line("Telas e insumos iniciales", C.INVENTORY, "1", "400.00", "150.00"),
            ]
        ),
    ),
    IdeaContent(
        name="Servicio técnico de celulares",
        sector="95",
        stage=IdeaStage.RUNNING,
        place=IdeaPlace("10", "1001"),
        canvas=Canvas(
            customer_segments="Vecinos y estudiantes del sector norte",
            value_propositions="Reparaciones el mismo día con garantía de 90 días",
            channels="Local a la calle y recepción de equipos en tiendas aliadas",
            customer_relationships="Seguimiento por mensaje hasta la entrega",
            revenue_streams="Reparaciones, repuestos y accesorios",
            key_resources="Herramientas de precisión, estación de soldadura, conocimiento técnico",
            key_activities="Diagnóstico, reparación, compra de repuestos",
            key_partnerships="Proveedores de repuestos en Quito",
            cost_structure="Repuestos, arriendo del local, herramientas",
        ),
        plan=InvestmentPlan(
            [
                _line("Estación de soldadura y microscopio", C.TOOLS, "1", "380.00"),
                _line("Repuestos de pantallas y baterías", C.INVENTORY, "12", "35.50", "126.00"),
                _line("Permiso de funcionamiento municipal", C.LEGAL_FORMALIZATION, "1", "60.00", "60.00"),
            ]
        ),
    ),
)


async def load_ideas_demo(container: Container, acting: Principal, trained: list[uuid.UUID]) -> list[str]:
    """As the administrator: ideas for the first people who trained (the partner that registered each supports
    it) — three submitted; the fourth person's idea is still a draft."""
    factory, clock = container.uow, container.clock
    submitted = 0
    for person, content in zip(trained, _IDEAS, strict=False):
        idea = await ideas.create_idea(acting, person, content, uow_factory=factory, clock=clock)
        await ideas.submit_idea(acting, idea.id, uow_factory=factory, clock=clock)
        submitted += 1
    if len(trained) > len(_IDEAS):
        draft = IdeaContent(
            name="Comida típica para llevar",
            sector="56",
            stage=IdeaStage.IDEA,
            place=IdeaPlace("10", "1001"),
            canvas=Canvas(customer_segments="Oficinas del centro de Ibarra a la hora del almuerzo"),
        )
        idea = await ideas.create_idea(acting, trained[len(_IDEAS)], draft, uow_factory=factory, clock=clock)
        await ideas.revise_idea(
            acting,
            idea.id,
            IdeaChanges(
                plan=InvestmentPlan([_line("Cocina industrial de cuatro quemadores", C.EQUIPMENT, "1", "540.00")])
            ),
            expected_version=1,
            uow_factory=factory,
            clock=clock,
        )
    drafts = 1 if len(trained) > len(_IDEAS) else 0
    return [f"business ideas: {submitted} submitted with their investment plans, {drafts} still a draft"]
