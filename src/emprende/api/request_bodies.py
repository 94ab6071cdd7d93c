"""Bodies a route accepts in more than one encoding: JSON, or a form as OAuth2 clients send it."""

from __future__ import annotations

from typing import TypeVar

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from emprende.api.problems import ProblemError

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
Model = TypeVar("Model", bound=BaseModel)


async def read_body(request: Request, model: type[Model]) -> Model:
    """The body as `model`, from JSON (also when no Content-Type is sent) or from a URL-encoded form; errors are
    reported as FastAPI reports a body it reads itself (400 malformed, 422 with the fields, 415 other media)."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    data: object
    if media_type in ("", JSON) or media_type.endswith("+json"):
        raw = await request.body()
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise RequestValidationError(
                [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error"}]
            ) from error
    elif media_type == FORM:
        fields: dict[str, str] = {}
        for name, value in (await request.form()).multi_items():
            if not isinstance(value, str):
                raise ProblemError("unsupported_media_type")
            fields.setdefault(name, value)  # a repeated field counts once, as its first value
        data = fields
    else:
        raise ProblemError("unsupported_media_type")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise RequestValidationError(
            [{**detail, "loc": ("body", *detail["loc"])} for detail in error.errors(include_url=False)]
        ) from error
