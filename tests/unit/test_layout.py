"""The layout's gates that import-linter cannot express: module size, and what the domain may import from outside the
standard library (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "emprende"
MAX_LINES = 400

# The value-checking libraries the domain uses; anything else from outside the standard library is refused.
DOMAIN_THIRD_PARTY = frozenset({"stdnum", "phonenumbers", "pycountry", "rapidfuzz", "uuid_utils"})


def _modules() -> list[Path]:
    return sorted(path for path in SRC.rglob("*.py") if "static" not in path.relative_to(SRC).parts)


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_source_tree_is_found() -> None:
    assert len(_modules()) > 100
    assert (SRC / "domain").is_dir()


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(SRC)))
def test_no_module_passes_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(SRC)} has {lines} lines: split it by resource or flow"


def test_the_domain_imports_only_the_standard_library_and_its_listed_value_checkers() -> None:
    outside: dict[str, set[str]] = {}
    for path in (SRC / "domain").rglob("*.py"):
        for root in _imported_roots(path) - set(sys.stdlib_module_names) - {"__future__", "emprende"}:
            outside.setdefault(root, set()).add(str(path.relative_to(SRC)))
    unlisted = {root: sorted(paths) for root, paths in outside.items() if root not in DOMAIN_THIRD_PARTY}
    assert not unlisted, f"the domain imports libraries not on its list: {unlisted}"
    assert set(outside) == DOMAIN_THIRD_PARTY, "a listed library the domain no longer uses: remove it from the list"


def test_the_allow_list_check_sees_a_third_party_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom sqlalchemy import select\nfrom emprende.domain import shared\n")
    assert _imported_roots(module) - set(sys.stdlib_module_names) - {"emprende"} == {"sqlalchemy"}
