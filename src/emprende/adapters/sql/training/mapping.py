"""How the training area's entities map onto its tables, and what it registers with the unit of work."""

from __future__ import annotations

from sqlalchemy.orm import registry

from emprende.adapters.sql.shared.repository import NewRowTable, SqlArea
from emprende.adapters.sql.training import tables
from emprende.domain.training.attendance_record import AttendanceChanged, AttendanceRecord
from emprende.domain.training.certificate import Certificate, CertificateState
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
        (AttendanceRecord, tables.attendance),
        (Certificate, tables.certificates),
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
        AttendanceRecord: "attendance",
        Certificate: "certificate",
    },
    new_rows=(
        NewRowTable(tables.training_module_versions, ModuleVersion),
        NewRowTable(tables.attendance, AttendanceRecord),
    ),
    unique_violations={
        "uq_enrollments_person": lambda: AlreadyEnrolled("this person is already in this cohort"),
        "uq_certificates_status_index": lambda: CertificateState("certificates were issued concurrently; try again"),
        "uq_certificates_enrollment_id": lambda: CertificateState("this person already has this certificate"),
        "uq_attendance_mark": lambda: AttendanceChanged("the register changed concurrently; send it again"),
        "uq_training_module_versions_number": lambda: VersionPublished(
            "the module changed concurrently; read it again"
        ),
    },
)
