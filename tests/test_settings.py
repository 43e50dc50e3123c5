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


def test_the_reliability_section_states_the_limits_in_force() -> None:
    """The README's limits are the ones the code enforces (issue 13)."""
    from indexer.corpus import MAX_PROBLEMS_PER_FILE
    from web.params import MAX_SELECTED_VALUES, MAX_SELECTION_CHARS
    from web.security import MAX_BODY, MAX_REQUESTS_IN_PROGRESS
    from web.server import HEAD_TIMEOUT_S, MAX_IDLE_CONNECTIONS

    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Reliability") : text.index("## Benchmarks")]
    for fact in (
        f"sent within {HEAD_TIMEOUT_S:.0f} s in total",
        f"| {MAX_IDLE_CONNECTIONS}; kept alive",
        f"| {MAX_REQUESTS_IN_PROGRESS} (idle sockets do not count)",
        f"| {MAX_BODY // 1024} KB (the site is GET only)",
        f"{MAX_SELECTED_VALUES} selected facet values in total, {MAX_SELECTION_CHARS} characters once in the address",
        f"keeps its first {MAX_PROBLEMS_PER_FILE} problems",
        "reverse proxy",
    ):
        assert fact in section, fact
