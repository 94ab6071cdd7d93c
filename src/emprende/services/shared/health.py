"""Health checks for load balancers and orchestrators."""

from __future__ import annotations

from emprende.services.shared.ports import HealthProbe


async def is_ready(probe: HealthProbe) -> bool:
    """Ready means the database answers."""
    return await probe.database_ok()
