"""Who an idea names: its owner and its team, registered, live, and people the supporting partner may see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from emprende.domain.participants.participant import Participant
from emprende.domain.shared.errors import InvalidInput, NotFound, RuleChecks
from emprende.services.ideas.ports import IdeasUnitOfWork


def _live(participant: Participant | None) -> bool:
    return participant is not None and participant.merged_into_id is None and not participant.is_erased


async def live_owner(uow: IdeasUnitOfWork, participant_id: uuid.UUID) -> Participant:
    """The person the idea is for: one the unit of work's tenant may see, neither merged away nor erased."""
    participant = await uow.participants.get(participant_id)
    if participant is None or not _live(participant):
        raise NotFound("participant")
    return participant


async def check_team(uow: IdeasUnitOfWork, team: Sequence[uuid.UUID]) -> None:
    """Every member is a live person the unit of work's tenant may see (else 422 naming `team[i]`): another partner's
    person is refused exactly like one who does not exist."""
    checks = RuleChecks()
    for index, member in enumerate(team):
        if not _live(await uow.participants.get(member)):
            checks.issues.append(
                InvalidInput(
                    "not a registered person the supporting partner may see",
                    field=f"team[{index}]",
                    code="unknown_team_member",
                )
            )
    checks.raise_broken()
