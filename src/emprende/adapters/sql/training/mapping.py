"""How the training area's entities map onto its tables, and what it registers with the unit of work."""

from __future__ import annotations

from sqlalchemy.orm import registry

from emprende.adapters.sql.shared.repository import NewRowTable, SqlArea
from emprende.adapters.sql.training import tables
from emprende.domain.training.cohort import Cohort
from emprende.domain.training.enrollment import AlreadyEnrolled, Enrollment
from emprende.domain.training.module import ModuleVersion, TrainingModule, VersionPublished
from emprende.domain.training.session import CohortSession


def _map(mappers: registry) -> None:
    for entity, table in (
        (TrainingModule, tables.training_modules),
        (ModuleVersion, tables.training_module_versions),
        (Cohort, tables.cohorts),
        (CohortSession, tables.cohort_sessions),
        (Enrollment, tables.enrollments),
    ):
        mappers.map_imperatively(entity, table, version_id_col=table.c.version)


TRAINING = SqlArea(
    name="training",
    map_entities=_map,
    audited={
        TrainingModule: "training_module",
        ModuleVersion: "training_module_version",
        Cohort: "cohort",
        CohortSession: "cohort_session",
        Enrollment: "enrollment",
    },
    new_rows=(NewRowTable(tables.training_module_versions, ModuleVersion),),
    unique_violations={
        "uq_enrollments_person": lambda: AlreadyEnrolled("this person is already in this cohort"),
        "uq_training_module_versions_number": lambda: VersionPublished(
            "the module changed concurrently; read it again"
        ),
    },
)
