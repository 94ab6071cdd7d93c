"""Domain errors. Each carries a stable `code` that the API turns into a problem+json response.

A message is an English template with `{name}` placeholders filled from the error's keyword parameters, e.g.
`InvalidInput("{field} must have 1 to {limit} characters", field="title", limit=200)`: `str(error)` is the English
text, and the API renders the same template's translation with the same parameters. Parameters are names, numbers and
codes, never a value someone submitted.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def render_message(template: str, params: Mapping[str, object]) -> str:
    """A message template filled from its parameters (the template itself when one of them is missing)."""
    if not params or "{" not in template:
        return template
    try:
        return template.format_map(params)
    except (KeyError, IndexError, ValueError):
        return template


class DomainError(Exception):
    """Base of every error a use case may raise on purpose."""

    code: str = "domain_error"

    def __init__(self, message: str = "", **params: object) -> None:
        self.template = message or self.code
        self.params: Mapping[str, object] = params
        super().__init__(render_message(self.template, params))


class NotFound(DomainError):
    """The object does not exist or the principal may not know that it exists."""

    code = "not_found"

    def __init__(self, entity: str, **params: object) -> None:
        super().__init__("{entity} not found", entity=entity, **params)
        self.entity = entity


class Conflict(DomainError):
    code = "conflict"


@dataclass(frozen=True, slots=True)
class ErrorItem:
    """One part of an error that has several (a rule a person failed…): where, a code, a message template."""

    field: str
    code: str
    template: str
    params: Mapping[str, object]


class ItemizedError(DomainError, ABC):
    """An error made of several parts, each reported to the caller (`errors` in problem+json)."""

    @abstractmethod
    def items(self) -> Sequence[ErrorItem]:
        """The parts, in the order the caller should read them."""


class InvalidInput(DomainError):
    """Input that is well-formed but breaks a domain rule."""

    code = "invalid_input"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None, **params: object) -> None:
        super().__init__(message, field=field, **params)
        self.field = field
        if code is not None:
            self.code = code


class InvalidInputs(InvalidInput):
    """Several independent rules broken at once. It reads as the first of them (field, code, message); `issues` lists
    every one, so that a caller can report them all together."""

    def __init__(self, issues: Sequence[InvalidInput]) -> None:
        first = issues[0]
        params = {name: value for name, value in first.params.items() if name != "field"}
        super().__init__(first.template, field=first.field, code=first.code, **params)
        self.issues: tuple[InvalidInput, ...] = tuple(issues)


def issues_of(error: InvalidInput) -> tuple[InvalidInput, ...]:
    """The rules an InvalidInput reports as broken: one, or an InvalidInputs' several."""
    return error.issues if isinstance(error, InvalidInputs) else (error,)


class RuleChecks:
    """Independent rules checked together, so that every broken one is reported at once: `check` keeps what a rule
    raises and answers its fallback instead; `raise_broken` raises them all (one InvalidInput, or InvalidInputs)."""

    def __init__(self) -> None:
        self.issues: list[InvalidInput] = []

    def check(self, rule: Callable[[], T], fallback: T) -> T:
        try:
            return rule()
        except InvalidInput as error:
            self.issues += issues_of(error)
            return fallback

    def broken(self, *fields: str) -> bool:
        """Whether a rule about one of these fields was broken (a rule on them together is then not checked)."""
        return any(issue.field in fields for issue in self.issues)

    def raise_broken(self) -> None:
        if len(self.issues) == 1:
            raise self.issues[0]
        if self.issues:
            raise InvalidInputs(self.issues)


class PermissionDenied(DomainError):
    code = "permission_denied"


class AuthenticationFailed(DomainError):
    """Credentials or token are missing, wrong, expired or revoked."""

    code = "invalid_credentials"

    def __init__(self, message: str = "", *, code: str = "invalid_credentials") -> None:
        super().__init__(message)
        self.code = code


class TooManyAttempts(DomainError):
    code = "too_many_attempts"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("too many attempts", retry_after=retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds


class PreconditionFailed(DomainError):
    """The caller's copy is stale: the object changed since it was read."""

    code = "precondition_failed"


class EmailAlreadyRegistered(Conflict):
    code = "email_taken"


class InvalidScope(DomainError):
    """A client asked for a scope it does not hold."""

    code = "invalid_scope"
