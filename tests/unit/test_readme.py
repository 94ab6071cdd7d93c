"""The README documents every setting."""

from __future__ import annotations

from pathlib import Path

from emprende.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_in_the_readme_table() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"| `EMPRENDE_{name.upper()}` |" not in text]
    assert not missing, f"add these settings to the README's configuration table: {missing}"


def test_the_permission_table_in_the_readme_is_the_enforced_one() -> None:
    from emprende.services.shared.authorization import permissions_markdown

    text = README.read_text(encoding="utf-8")
    published = text.split("<!-- permissions:start -->\n", 1)[1].split("\n<!-- permissions:end -->", 1)[0]
    assert published == permissions_markdown(), (
        "regenerate the README's permission table from the areas' services/<area>/permissions.py"
    )
