"""The README documents every setting."""

from __future__ import annotations

from pathlib import Path

from emprende.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_in_the_readme_table() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"| `EMPRENDE_{name.upper()}` |" not in text]
    assert not missing, f"add these settings to the README's configuration table: {missing}"
