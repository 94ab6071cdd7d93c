"""Column types of the training area: a module version's texts and resources, a cohort's curriculum, sets of ids."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, Dialect, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

from emprende.domain.identity.user import Language
from emprende.domain.training.cohort import CurriculumItem
from emprende.domain.training.module import Modality, ModuleText, Resource, ResourceKind


class _Json(TypeDecorator[Any]):
    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())


class Translations(_Json):
    """A version's texts per language: {"es": {"title", "summary", "learning_outcomes"}, "en": {...}}."""

    cache_ok = True

    def process_bind_param(self, value: Mapping[Language, ModuleText] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return {
            language.value: {
                "title": text.title,
                "summary": text.summary,
                "learning_outcomes": list(text.learning_outcomes),
            }
            for language, text in value.items()
        }

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[Language, ModuleText] | None:
        if value is None:
            return None
        return {
            Language(language): ModuleText(text["title"], text["summary"], tuple(text["learning_outcomes"]))
            for language, text in value.items()
        }


class ResourceList(_Json):
    cache_ok = True

    def process_bind_param(self, value: list[Resource] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return [
            {"url": item.url, "kind": item.kind.value, "language": item.language.value, "title": item.title}
            for item in value
        ]

    def process_result_value(self, value: Any, dialect: Dialect) -> list[Resource] | None:
        if value is None:
            return None
        return [
            Resource(item["url"], ResourceKind(item["kind"]), Language(item["language"]), item["title"])
            for item in value
        ]


class ModalitySet(_Json):
    cache_ok = True

    def process_bind_param(self, value: frozenset[Modality] | None, dialect: Dialect) -> Any:
        return None if value is None else sorted(item.value for item in value)

    def process_result_value(self, value: Any, dialect: Dialect) -> frozenset[Modality] | None:
        return None if value is None else frozenset(Modality(item) for item in value)


class IdSet(_Json):
    """A set of ids, as a sorted JSON array of strings."""

    cache_ok = True

    def process_bind_param(self, value: frozenset[uuid.UUID] | None, dialect: Dialect) -> Any:
        return None if value is None else sorted(str(item) for item in value)

    def process_result_value(self, value: Any, dialect: Dialect) -> frozenset[uuid.UUID] | None:
        return None if value is None else frozenset(uuid.UUID(item) for item in value)


class Curriculum(_Json):
    """A cohort's module versions, in order."""

    cache_ok = True

    def process_bind_param(self, value: list[CurriculumItem] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return [{"module_id": str(item.module_id), "version": item.version} for item in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> list[CurriculumItem] | None:
        if value is None:
            return None
        return [CurriculumItem(uuid.UUID(item["module_id"]), int(item["version"])) for item in value]
