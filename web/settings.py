"""Settings: environment variable ``BLOOMR_<NAME>``, else the default, cast to its type.

One table, ``SETTINGS``, feeds ``Settings.from_env``, ``bloomr --help`` and the README;
``tests/test_settings.py`` checks that every setting is documented there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on", "oui"}:
        return True
    if value in {"0", "false", "no", "off", "non", ""}:
        return False
    raise ValueError(f"valeur booléenne attendue, pas « {text} »")


def _optional_path(text: str) -> Path | None:
    return Path(text) if text.strip() else None


def _hosts(text: str) -> tuple[str, ...]:
    return tuple(h.strip() for h in text.split(",") if h.strip())


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    cast: Callable[[str], object]


SETTINGS: tuple[Setting, ...] = (
    Setting("corpus", "corpus", "Corpus directory (testimonials/ and taxonomy/).", Path),
    Setting("index", "var/index", "Index directory holding the generations and the `current` pointer.", Path),
    Setting("rome", "", "Directory of the official ROME 4.0 CSV export, read instead of `corpus/taxonomy/rome.json` (maintainers).", _optional_path),
    Setting("host", "127.0.0.1", "Address `bloomr serve` listens on.", str),
    Setting("port", "8000", "Port `bloomr serve` listens on.", int),
    Setting("workers", "1", "Number of uvicorn worker processes.", int),
    Setting("threads", "4", "Threads per worker running searches; each busy thread holds a Whoosh searcher.", int),
    Setting("allowed_hosts", "127.0.0.1,localhost,testserver", "Comma-separated Host header values accepted (others get a French 400); `*` accepts all, `*.example.org` its subdomains.", _hosts),
    Setting("page_size", "10", "Results per page on the website.", int),
    Setting("search_budget_ms", "800", "Time budget of one search; past it the best results so far are returned.", int),
    Setting("debug", "0", "Show Starlette debug pages (never in production).", _bool),
    Setting("volunteers_db", "var/volunteers.sqlite3", "SQLite database of the volunteers' submissions (created on first use, WAL).", Path),
    Setting("secret", "", "Key signing the forms' anti-forgery tokens; when unset, one is generated into `secret.key` beside the volunteers' database.", str),
    Setting("smtp_url", "", "SMTP server emailing volunteers their management link: `smtp://[user:password@]host[:port]` (STARTTLS when offered) or `smtps://…`; unset: no email.", str),
    Setting("mail_from", "Bloomr <bonjour@localhost>", "Sender of the emails to volunteers.", str),
    Setting("public_url", "", "Public address of the site (`https://bloomr.example`) for the links in emails; unset: the address the request came to.", str),
    Setting("form_rate", "30", "Form submissions (and unknown management links) accepted per client address and hour, counted in memory only.", int),
    Setting("insights_db", "", "SQLite database of the aggregate search counts read by `bloomr insights` (no address, no user agent, no time finer than the day); unset: `insights.sqlite3` beside the index directory (`var/insights.sqlite3`).", _optional_path),
)


@dataclass(frozen=True)
class Settings:
    corpus: Path = Path("corpus")
    index: Path = Path("var/index")
    rome: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    threads: int = 4
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "testserver")
    page_size: int = 10
    search_budget_ms: int = 800
    debug: bool = False
    volunteers_db: Path = Path("var/volunteers.sqlite3")
    secret: str = ""
    smtp_url: str = ""
    mail_from: str = "Bloomr <bonjour@localhost>"
    public_url: str = ""
    form_rate: int = 30
    insights_db: Path | None = None

    @property
    def insights_path(self) -> Path:
        """The demand database: ``insights_db``, else ``insights.sqlite3`` beside the index directory."""
        return self.insights_db or self.index.parent / "insights.sqlite3"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """``Settings.from_env({"BLOOMR_PORT": "9000"}).port == 9000``; overrides that are not None win."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in SETTINGS:
            raw = env.get(f"BLOOMR_{setting.name.upper()}", setting.default)
            try:
                values[setting.name] = setting.cast(raw)
            except ValueError as exc:
                default = setting.default or "non définie"
                raise ValueError(
                    f"BLOOMR_{setting.name.upper()} : valeur « {raw} » invalide ({exc}) — corrigez la variable"
                    f" d’environnement, ou retirez-la pour garder la valeur par défaut ({default})."
                ) from exc
        for key, value in overrides.items():
            if value is not None:
                values[key] = value
        return cls(**values)  # type: ignore[arg-type]


def settings_help() -> str:
    """The settings table as text, for ``bloomr --help``."""
    lines = ["Settings (environment variables):"]
    for s in SETTINGS:
        default = s.default or "(unset)"
        lines.append(f"  BLOOMR_{s.name.upper():<18} {s.help} Default: {default}")
    return "\n".join(lines)

