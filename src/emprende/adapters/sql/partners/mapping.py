"""How the partners area's entities map onto its tables, and what it registers with the unit of work."""

from __future__ import annotations

from sqlalchemy.orm import registry

from emprende.adapters.sql.partners import tables
from emprende.adapters.sql.shared.repository import SqlArea
from emprende.domain.partners.agreement import AgreementCodeTaken, CooperationAgreement
from emprende.domain.partners.client import ApiClient
from emprende.domain.partners.partner import InstitutionalPartner, RucTaken


def _map(mappers: registry) -> None:
    mappers.map_imperatively(InstitutionalPartner, tables.partners, version_id_col=tables.partners.c.version)
    mappers.map_imperatively(
        CooperationAgreement, tables.cooperation_agreements, version_id_col=tables.cooperation_agreements.c.version
    )
    mappers.map_imperatively(ApiClient, tables.api_clients, version_id_col=tables.api_clients.c.version)


PARTNERS = SqlArea(
    name="partners",
    map_entities=_map,
    audited={InstitutionalPartner: "partner", CooperationAgreement: "agreement", ApiClient: "api_client"},
    unique_violations={
        "uq_partners_ruc": lambda: RucTaken("another partner has this RUC", field="ruc"),
        "uq_cooperation_agreements_code": lambda: AgreementCodeTaken("another agreement has this code", field="code"),
    },
)
