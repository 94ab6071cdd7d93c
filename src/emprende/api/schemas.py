"""The shared bases of API v1's request and response schemas: requests reject unknown fields and NUL characters,
every string has a bound; responses read from attributes. Each area's schemas are in `api/v1/<area>/schemas.py`."""

from __future__ import annotations

from typing import Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

_T = TypeVar("_T")


def reject_nul(value: _T) -> _T:
    """The value, unless it is text holding a NUL character (PostgreSQL cannot store one)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# PostgreSQL cannot store NUL in text: refuse it as invalid input rather than fail in the database.
NoNul = AfterValidator(reject_nul)


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        return reject_nul(value)


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class HealthOut(ResponseModel):
    status: Literal["ok", "ready"]
    checks: dict[str, str] = Field(default_factory=dict)
