"""Every setting is documented (README and --help) and cast from its environment variable."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from bloomr.cli import build_parser
from web.settings import SETTINGS, Settings, settings_help

README = Path(__file__).resolve().parent.parent / "README.md"


def test_table_and_dataclass_agree() -> None:
    assert [f.name for f in fields(Settings)] == [s.name for s in SETTINGS]


def test_defaults_of_the_table_are_the_dataclass_defaults() -> None:
    assert Settings.from_env({}) == Settings()


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_readme_and_help(setting: object) -> None:
    name = f"BLOOMR_{setting.name.upper()}"  # type: ignore[attr-defined]
    assert name in README.read_text(encoding="utf-8"), f"{name} missing from README.md"
    assert name in settings_help()
    assert name in build_parser().format_help()


def test_environment_values_are_cast() -> None:
    settings = Settings.from_env({"BLOOMR_PORT": "9001", "BLOOMR_DEBUG": "oui", "BLOOMR_ALLOWED_HOSTS": "a.fr, b.fr"})
    assert (settings.port, settings.debug, settings.allowed_hosts) == (9001, True, ("a.fr", "b.fr"))


def test_a_malformed_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match="BLOOMR_PORT"):
        Settings.from_env({"BLOOMR_PORT": "huit mille"})


def test_overrides_win_over_environment() -> None:
    assert Settings.from_env({"BLOOMR_INDEX": "/a"}, index=Path("/b")).index == Path("/b")
