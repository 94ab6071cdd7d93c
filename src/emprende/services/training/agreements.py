"""What a partner's agreements let it do in training: author content, deliver cohorts."""

from __future__ import annotations

import uuid
from datetime import date

from emprende.domain.partners.agreement import AgreementRole, require_agreement
from emprende.domain.shared.errors import InvalidInput, NotFound
from emprende.services.training.ports import TrainingUnitOfWork


async def require_role(
    uow: TrainingUnitOfWork, partner_id: uuid.UUID, role: AgreementRole, day: date, *, field: str | None = None
) -> None:
    """The partner exists, is active and holds `role` under an agreement in force on `day`."""
    found = await uow.partners.get_with_agreements(partner_id)
    if found is None:
        if field is not None:
            raise InvalidInput("no such partner", field=field, code="unknown_partner")
        raise NotFound("partner")
    partner, agreements = found
    require_agreement(partner.is_active, agreements, role, day)
