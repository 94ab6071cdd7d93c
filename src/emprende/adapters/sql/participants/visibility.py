"""Who may see a participant, as SQL: the one rule that reads, duplicate checks, imports and the review queue share.

A partner sees the people it registered and those whom a `sharing` consent in force names it as recipient of; the
operator (no tenant) sees everyone, and takes no condition at all.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, FromClause, exists, or_

from emprende.adapters.sql.participants import tables as participant_tables
from emprende.domain.participants.consent import ConsentPurpose

_c = participant_tables.consents.c


def visible_to(
    tenant: uuid.UUID | ColumnElement[Any], people: FromClause = participant_tables.participants
) -> ColumnElement[bool]:
    """Whether the tenant may see the person in `people` (the participants table, or an alias of it): owned by the
    tenant, or shared with it by a sharing consent in force that names it."""
    return or_(
        people.c.owner_partner_id == tenant,
        exists().where(
            _c.participant_id == people.c.id,
            _c.purpose == ConsentPurpose.SHARING,
            _c.recipient_partner_id == tenant,
            _c.withdrawn_at.is_(None),
        ),
    )
