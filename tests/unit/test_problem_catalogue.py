"""The catalogue speaks both languages with the same detail: every problem code, every message an error can show, and
every validation error pydantic can report has Spanish that is not a copy of the English and names the same context."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic_core import PydanticKnownError
from pydantic_core.core_schema import ErrorType

import emprende
from emprende.api.problem_catalogue import CATALOGUE, SPANISH_MESSAGES, register_problems
from emprende.api.problem_catalogue.field_messages_es import SPANISH_FIELD_MESSAGES
from emprende.api.problem_catalogue.general import GENERAL
from emprende.api.problem_catalogue.messages_es import SHARED_SPANISH_MESSAGES
from emprende.api.problems import field_message, localized_message
from emprende.api.v1 import AREAS  # importing the areas registers their problem kinds and messages
from emprende.domain.shared.errors import Conflict, DomainError, InvalidInput

SOURCE = Path(emprende.__file__).parent
# Helpers that pass their first argument on as an error's message template.
MESSAGE_WRAPPERS: set[str] = {"_unmet", "MissingPart"}
# Modules whose `ValueError`s are caught on the spot rather than reported as a field's message.
INTERNAL_VALUE_ERRORS = {"api/pagination.py"}
# The error types whose Spanish is a deliberate generic fallback rather than an entry of their own.
FALLBACK_TYPES = {"value_error"}  # a validator's own message: translated through SPANISH_MESSAGES
# pydantic context taken from the input: a message must not name it.
INPUT_CONTEXT = {"error", "tag", "encoding_error", "attribute", "class", "class_name", "method_name", "actual_length"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _subclasses(cls: type) -> set[type]:
    found = {cls}
    for sub in cls.__subclasses__():
        found |= _subclasses(sub)
    return found


def _load_every_module() -> None:
    for module in pkgutil.walk_packages(emprende.__path__, "emprende."):
        importlib.import_module(module.name)


def _calls(tree: ast.AST) -> Iterator[tuple[str, ast.Call]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name:
                yield name, node


def _constants(tree: ast.AST) -> dict[str, str]:
    """The module's string constants (`RULE = "..."`), which a message may be passed as."""
    found: dict[str, str] = {}
    for node in getattr(tree, "body", ()):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            found.update((target.id, node.value.value) for target in node.targets if isinstance(target, ast.Name))
    return found


def _literal(call: ast.Call, constants: dict[str, str], position: int = 0) -> str | None:
    """The call's argument at `position` when it is a literal string or one of the module's string constants."""
    arg = call.args[position] if len(call.args) > position else None
    if isinstance(arg, ast.Name):
        return constants.get(arg.id)
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def _sources() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(SOURCE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def shown_messages() -> dict[str, str]:
    """Every message template a caller can read in `errors[].message`, with where it is: the messages of rule errors
    (`InvalidInput` and `Conflict` kinds), the API's own field messages and its validators' `ValueError`s."""
    _load_every_module()
    shown = {cls.__name__ for cls in _subclasses(InvalidInput) | _subclasses(Conflict)} | MESSAGE_WRAPPERS
    found: dict[str, str] = {}
    for path, tree in _sources():
        where = f"{path.relative_to(SOURCE)}"
        validators = "api" in path.parts and where not in INTERNAL_VALUE_ERRORS
        constants = _constants(tree)
        for name, call in _calls(tree):
            message = _literal(call, constants)
            if message is not None and (name in shown or (name == "ValueError" and validators)):
                found.setdefault(message, f"{where}:{call.lineno}")
            custom = _literal(call, constants, 1) if name == "PydanticCustomError" else None
            if custom is not None:  # a validator's own error type, worded by its second argument
                found.setdefault(custom, f"{where}:{call.lineno}")
        for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name in shown):
            for name, call in _calls(cls):  # a kind that words its own message: super().__init__("...", ...)
                message = _literal(call, constants)
                if name == "__init__" and message is not None:
                    found.setdefault(message, f"{where}:{call.lineno}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "message" and isinstance(value, ast.Constant):
                        found.setdefault(str(value.value), f"{where}:{node.lineno}")
    found.pop("", None)
    return found


# --- the problem kinds ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_its_own_spanish_with_the_same_placeholders(code: str) -> None:
    kind = CATALOGUE[code]
    for english, spanish in zip(kind.en, kind.es, strict=True):
        assert english.strip()
        assert spanish.strip()
        assert spanish != english, f"{code}: untranslated {english!r}"
        assert placeholders(spanish) == placeholders(english), code
    assert 400 <= kind.status < 600


def test_no_code_is_defined_twice() -> None:
    homes = [GENERAL, *(area.problems for area in AREAS)]
    assert sum(len(home) for home in homes) == len(CATALOGUE)
    assert set().union(*homes) == CATALOGUE.keys()


def test_no_message_is_translated_twice() -> None:
    homes = [SHARED_SPANISH_MESSAGES, *(area.spanish_messages for area in AREAS)]
    assert sum(len(home) for home in homes) == len(SPANISH_MESSAGES)
    assert set().union(*homes) == SPANISH_MESSAGES.keys()


def test_every_code_the_source_raises_is_catalogued() -> None:
    _load_every_module()
    codes = {cls.code for cls in _subclasses(DomainError)} - {"domain_error"}
    for _path, tree in _sources():
        for name, call in _calls(tree):
            for keyword in call.keywords:
                if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                    codes.add(str(keyword.value.value))
            if name == "ProblemError" and _literal(call, {}) is not None:
                codes.add(str(_literal(call, {})))
            second = call.args[1] if len(call.args) > 1 else None
            if name == "problem_response" and isinstance(second, ast.Constant) and isinstance(second.value, str):
                codes.add(second.value)
    assert sorted(codes - CATALOGUE.keys()) == []


# --- messages that carry the detail ---------------------------------------------------------------------------------


def test_error_messages_are_templates_not_formatted_strings() -> None:
    """A message built with an f-string cannot be translated: pass a template and its parameters instead."""
    _load_every_module()
    errors = {cls.__name__ for cls in _subclasses(DomainError)} | MESSAGE_WRAPPERS
    formatted = [
        f"{path.relative_to(SOURCE)}:{call.lineno}"
        for path, tree in _sources()
        for name, call in _calls(tree)
        if (name in errors or (name == "__init__" and "errors.py" not in path.name))
        and call.args
        and isinstance(call.args[0], ast.JoinedStr)
    ]
    assert formatted == []


def test_every_message_a_caller_can_read_has_spanish_with_the_same_placeholders() -> None:
    shown = shown_messages()
    assert len(shown) > 80  # the scan finds them
    missing = {message: where for message, where in shown.items() if message not in SPANISH_MESSAGES}
    assert missing == {}
    for message in shown:
        spanish = SPANISH_MESSAGES[message]
        assert spanish.strip(), message
        assert spanish != message
        assert placeholders(spanish) == placeholders(message), message


def test_no_spanish_message_is_left_over() -> None:
    assert sorted(SPANISH_MESSAGES.keys() - shown_messages().keys()) == []


def test_messages_render_with_the_same_detail_in_both_languages() -> None:
    template, params = "unknown columns: {columns} (see the documented column list)", {"columns": "shoe_size, pet"}
    assert (
        localized_message(template, params, "en") == "unknown columns: shoe_size, pet (see the documented column list)"
    )
    spanish = localized_message(template, params, "es")
    assert spanish is not None
    assert "columnas desconocidas: shoe_size, pet" in spanish
    assert localized_message("a message nobody translated", {}, "es") is None


# --- pydantic's validation errors -----------------------------------------------------------------------------------


def english_template(error_type: str) -> str:
    """pydantic's own English template for an error type, context placeholders included."""
    context: dict[str, object] = {}
    for _ in range(10):
        try:
            known = typing.cast(ErrorType, error_type)  # every name of ERROR_TYPES is one
            return PydanticKnownError(known, context or None).message_template
        except (KeyError, TypeError, ValueError) as error:
            reason = str(error)
        found = re.search(r"'(\w+)' (?:required in context|context value must be)", reason)
        if found is None:
            break
        context[found.group(1)] = 1 if "must be" in reason else "x"
    raise AssertionError(f"{error_type}: {reason}")


ERROR_TYPES = sorted(typing.get_args(ErrorType))


def test_pydantics_list_of_error_types_is_read() -> None:
    assert {"missing", "string_too_long", "enum", "uuid_parsing"} <= set(ERROR_TYPES)


@pytest.mark.parametrize("error_type", ERROR_TYPES)
def test_every_pydantic_error_type_has_spanish(error_type: str) -> None:
    if error_type in FALLBACK_TYPES:
        assert error_type not in SPANISH_FIELD_MESSAGES
        return
    spanish = SPANISH_FIELD_MESSAGES[error_type]
    english = english_template(error_type)
    assert spanish.strip()
    assert spanish != english
    assert placeholders(spanish) <= placeholders(english) - INPUT_CONTEXT, error_type


def test_no_field_message_for_an_unknown_error_type() -> None:
    assert sorted(SPANISH_FIELD_MESSAGES.keys() - set(ERROR_TYPES)) == []


@pytest.mark.parametrize(
    ("error_type", "english", "ctx", "spanish"),
    [
        (
            "string_too_long",
            "String should have at most 100 characters",
            {"max_length": 100},
            "Como máximo 100 caracteres.",
        ),
        (
            "too_long",
            "List should have at most 5 items",
            {"max_length": 5, "actual_length": 9},
            "Como máximo 5 elementos.",
        ),
        (
            "greater_than_equal",
            "Input should be greater than or equal to 1",
            {"ge": 1},
            "Debe ser mayor o igual que 1.",
        ),
        (
            "enum",
            "Input should be 'female', 'male' or 'intersex'",
            {"expected": "'female', 'male' or 'intersex'"},
            "Valor no admitido; use 'female', 'male' o 'intersex'.",
        ),
        ("value_error", "Value error, must not contain NUL characters", {}, "no debe contener caracteres NUL"),
        ("value_error", "Value error, something only English knows", {}, "Valor no válido."),
    ],
)
def test_field_messages_carry_pydantics_context(
    error_type: str, english: str, ctx: dict[str, object], spanish: str
) -> None:
    assert field_message(error_type, english, ctx, "es") == spanish
    assert field_message(error_type, english, ctx, "en") == english.removeprefix("Value error, ")


def test_a_code_or_a_message_has_one_home() -> None:
    with pytest.raises(ValueError, match="already in the catalogue"):
        register_problems({"not_found": GENERAL["not_found"]}, {})
    with pytest.raises(ValueError, match="already in the catalogue"):
        register_problems({}, {"no fields": "ningún campo"})
    assert SPANISH_MESSAGES["no fields"] == SHARED_SPANISH_MESSAGES["no fields"]
