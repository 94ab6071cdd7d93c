"""Shaping the OpenAPI document for client generators: request bodies a route reads by hand, and defaults of inputs.

Typed-client generators read `default` as "always present" (openapi-typescript, with its default options, makes every
property that has one required). That holds for responses and is false for requests, where a default is what the
server assumes when the caller leaves a field out. So schemas that only ever describe input keep their defaults in
words, in the description, and lose the keyword.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

_COMPONENT_PREFIX = "#/components/schemas/"
_declared: dict[str, type[BaseModel]] = {}


def request_body(model: type[BaseModel], *media_types: str) -> dict[str, Any]:
    """`openapi_extra` for a route that reads its body itself: a required body of `model` in each media type."""
    _declared[model.__name__] = model
    schema = {"$ref": _COMPONENT_PREFIX + model.__name__}
    return {"requestBody": {"required": True, "content": {media: {"schema": schema} for media in media_types}}}


def add_declared_models(document: dict[str, Any]) -> None:
    """Put the models named by `request_body` among the document's schemas, as FastAPI does for the ones it reads."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, model in sorted(_declared.items()):
        generated = model.model_json_schema(ref_template=_COMPONENT_PREFIX + "{model}")
        for nested_name, nested in generated.pop("$defs", {}).items():
            schemas.setdefault(nested_name, nested)
        schemas.setdefault(name, generated)
    document["components"]["schemas"] = dict(sorted(schemas.items()))


def _references(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_COMPONENT_PREFIX):
                yield value.removeprefix(_COMPONENT_PREFIX)
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _closure(names: Iterable[str], schemas: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        pending.extend(_references(schemas[name]))
    return seen


def _default_in_words(value: object) -> str:
    if value == "":
        return "Default: empty."
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"Default: `{shown}`."


def describe_input_defaults(document: dict[str, Any]) -> None:
    """In schemas reached only from requests, move each optional property's `default` into its description."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    inputs: set[str] = set()
    outputs: set[str] = set()
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            inputs.update(_references([operation.get("requestBody", {}), operation.get("parameters", [])]))
            outputs.update(_references(operation.get("responses", {})))
    for name in sorted(_closure(inputs, schemas) - _closure(outputs, schemas)):
        schema = schemas[name]
        required = set(schema.get("required", ()))
        for field, prop in schema.get("properties", {}).items():
            if field in required or "default" not in prop:
                continue
            words = _default_in_words(prop.pop("default"))
            description = prop.get("description", "").rstrip()
            prop["description"] = f"{description} {words}" if description else words
