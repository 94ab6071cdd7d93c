"""Training modules: units of curriculum authored by partners, in Spanish and English, versioned.

A module's content lives in its versions. A published version never changes: editing a module whose latest version
is published starts a new draft (the next number), which its authors edit until they publish it; cohorts pin the
version they teach."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import partial
from urllib.parse import urlsplit

from emprende.domain.identity.user import Language
from emprende.domain.shared.errors import Conflict, InvalidInput, RuleChecks
from emprende.domain.shared.events import Aggregate, DomainEvent
from emprende.domain.shared.ids import new_id

MAX_TITLE = 200
MAX_SUMMARY = 2000
MAX_OUTCOMES = 20
MAX_OUTCOME = 300
MAX_RESOURCES = 30
MAX_URL = 2000
MAX_RESOURCE_TITLE = 200
MAX_AUTHORS = 5
MAX_HOURS = Decimal(1000)


class Modality(StrEnum):
    VIRTUAL = "virtual"
    IN_PERSON = "in_person"
    BLENDED = "blended"


class ResourceKind(StrEnum):
    VIDEO = "video"
    DOCUMENT = "document"
    SLIDES = "slides"
    COURSE = "course"
    AUDIO = "audio"
    LINK = "link"


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class VersionPublished(Conflict):
    """A published version is immutable."""

    code = "module_version_published"


@dataclass(frozen=True, slots=True)
class ModuleText:
    """A module's words in one language."""

    title: str
    summary: str
    learning_outcomes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Resource:
    """A virtual resource: a link, what it is, and the language it is in."""

    url: str
    kind: ResourceKind
    language: Language
    title: str


@dataclass(frozen=True, slots=True)
class ModuleContent:
    """What a version says: its words per language, hours, the modalities it suits and its resources."""

    translations: Mapping[Language, ModuleText]
    hours: Decimal
    modalities: frozenset[Modality]
    resources: tuple[Resource, ...]


def _text(value: str, field: str, limit: int, *, multiline: bool = False) -> str:
    cleaned = value.strip() if multiline else " ".join(value.split())
    if not cleaned or len(cleaned) > limit:
        raise InvalidInput("{field} must have 1 to {limit} characters", field=field, limit=limit)
    return cleaned


def _module_text(language: Language, text: ModuleText, checks: RuleChecks) -> ModuleText:
    where = f"translations.{language.value}"
    title = checks.check(lambda: _text(text.title, f"{where}.title", MAX_TITLE), text.title)
    summary = checks.check(lambda: _text(text.summary, f"{where}.summary", MAX_SUMMARY, multiline=True), text.summary)
    if len(text.learning_outcomes) > MAX_OUTCOMES:
        checks.issues.append(
            InvalidInput("at most {limit} learning outcomes", field=f"{where}.learning_outcomes", limit=MAX_OUTCOMES)
        )
    outcomes = tuple(
        checks.check(partial(_text, item, f"{where}.learning_outcomes[{i}]", MAX_OUTCOME), item)
        for i, item in enumerate(text.learning_outcomes)
    )
    return ModuleText(title, summary, outcomes)


def _url(value: str, field: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if len(value) > MAX_URL or parts.scheme not in ("https", "http") or not parts.netloc or " " in value:
        raise InvalidInput("an http or https address of at most {limit} characters", field=field, limit=MAX_URL)
    return value


def check_content(content: ModuleContent) -> ModuleContent:
    """The content with its texts tidied, or every broken rule at once."""
    checks = RuleChecks()
    if not content.translations:
        checks.issues.append(InvalidInput("give the module's texts in Spanish, English or both", field="translations"))
    translations = {
        language: _module_text(language, text, checks) for language, text in sorted(content.translations.items())
    }
    if not Decimal("0.5") <= content.hours <= MAX_HOURS or content.hours % Decimal("0.5") != 0:
        checks.issues.append(
            InvalidInput("hours go in half hours from 0.5 to {limit}", field="hours", limit=int(MAX_HOURS))
        )
    if not content.modalities:
        checks.issues.append(InvalidInput("name at least one modality the module suits", field="modalities"))
    if len(content.resources) > MAX_RESOURCES:
        checks.issues.append(InvalidInput("at most {limit} resources", field="resources", limit=MAX_RESOURCES))
    resources = tuple(
        replace(
            resource,
            url=checks.check(partial(_url, resource.url, f"resources[{i}].url"), resource.url),
            title=checks.check(
                partial(_text, resource.title, f"resources[{i}].title", MAX_RESOURCE_TITLE), resource.title
            ),
        )
        for i, resource in enumerate(content.resources)
    )
    if len({resource.url for resource in resources}) != len(resources):
        checks.issues.append(InvalidInput("the same resource is listed twice", field="resources"))
    checks.raise_broken()
    return ModuleContent(translations, content.hours.normalize(), frozenset(content.modalities), resources)


def localized(translations: Mapping[Language, ModuleText], wanted: Language) -> tuple[Language, ModuleText]:
    """The text in the wanted language, else in the other one (every version has at least one)."""
    if wanted in translations:
        return wanted, translations[wanted]
    language = next(iter(sorted(translations)))
    return language, translations[language]


class TrainingModule(Aggregate):
    """A module: who authors it and where its versions stand. Its content is in its versions."""

    id: uuid.UUID
    author_partner_ids: frozenset[uuid.UUID]
    latest_number: int
    published_number: int | None
    """The newest published version (the one a catalogue shows), if any."""
    created_at: datetime
    created_by: uuid.UUID | None
    updated_at: datetime
    version: int

    def __init__(self, *, authors: Iterable[uuid.UUID], now: datetime, created_by: uuid.UUID | None) -> None:
        self.id = new_id()
        self.author_partner_ids = frozenset(authors)
        if not self.author_partner_ids or len(self.author_partner_ids) > MAX_AUTHORS:
            raise InvalidInput(
                "a module has 1 to {limit} authoring partners", field="author_partner_ids", limit=MAX_AUTHORS
            )
        self.latest_number = 0
        self.published_number = None
        self.created_at = self.updated_at = now
        self.version = 1
        self.created_by = created_by
        self.record(DomainEvent("training_module.created", "training_module", self.id))

    def new_version(self, content: ModuleContent, now: datetime, by: uuid.UUID | None) -> ModuleVersion:
        """The next draft version, with this content."""
        self.latest_number += 1
        self.updated_at = now
        return ModuleVersion(module_id=self.id, number=self.latest_number, content=content, now=now, by=by)

    def revise(
        self, latest: ModuleVersion, content: ModuleContent, now: datetime, by: uuid.UUID | None
    ) -> ModuleVersion:
        """Edit the module: its draft in place, or, when the latest version is published, a new draft."""
        if latest.status is VersionStatus.DRAFT:
            latest.edit(content, now)
            self.updated_at = now
            return latest
        return self.new_version(content, now, by)

    def publish(self, version: ModuleVersion, now: datetime, by: uuid.UUID | None) -> None:
        version.publish(now, by)
        self.published_number = max(self.published_number or 0, version.number)
        self.updated_at = now
        self.record(DomainEvent("training_module.published", "training_module", self.id, {"version": version.number}))


class ModuleVersion(Aggregate):
    """One version of a module's content: a draft its authors edit, or published and immutable."""

    id: uuid.UUID
    module_id: uuid.UUID
    number: int
    status: VersionStatus
    translations: Mapping[Language, ModuleText]
    hours: Decimal
    modalities: frozenset[Modality]
    resources: Sequence[Resource]
    created_at: datetime
    created_by: uuid.UUID | None
    updated_at: datetime
    published_at: datetime | None
    published_by: uuid.UUID | None
    version: int

    def __init__(
        self, *, module_id: uuid.UUID, number: int, content: ModuleContent, now: datetime, by: uuid.UUID | None
    ) -> None:
        self.id = new_id()
        self.module_id = module_id
        self.number = number
        self.status = VersionStatus.DRAFT
        self._set(check_content(content))
        self.created_at = self.updated_at = now
        self.created_by = by
        self.published_at = None
        self.published_by = None
        self.version = 1

    def _set(self, content: ModuleContent) -> None:
        self.translations = dict(content.translations)
        self.hours = content.hours
        self.modalities = content.modalities
        self.resources = list(content.resources)

    @property
    def content(self) -> ModuleContent:
        return ModuleContent(dict(self.translations), self.hours, frozenset(self.modalities), tuple(self.resources))

    def edit(self, content: ModuleContent, now: datetime) -> None:
        if self.status is VersionStatus.PUBLISHED:
            raise VersionPublished("version {number} is published and cannot change", number=self.number)
        self._set(check_content(content))
        self.updated_at = now

    def publish(self, now: datetime, by: uuid.UUID | None) -> None:
        if self.status is VersionStatus.PUBLISHED:
            raise VersionPublished("version {number} is published and cannot change", number=self.number)
        self.status = VersionStatus.PUBLISHED
        self.published_at = self.updated_at = now
        self.published_by = by
