"""Where a volunteer's things live and how to reach them: one value built by the web app and the CLI.

    config = Config(store=Store(Path("var/volunteers.sqlite3")), index_dir=Path("var/index"),
                    corpus_dir=Path("corpus"), smtp=SmtpConfig.parse("smtp://127.0.0.1:8025"))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

from indexer.taxonomy import Taxonomy, load_taxonomy
from volunteers.mail import SmtpConfig
from volunteers.store import Store


@dataclass(frozen=True)
class Config:
    store: Store
    index_dir: Path
    corpus_dir: Path
    rome_dir: Path | None = None
    smtp: SmtpConfig | None = None
    sender: str = "Bloomr <bonjour@localhost>"

    @cached_property
    def taxonomy(self) -> Taxonomy:
        """The corpus taxonomy (loaded once: about half a second)."""
        return load_taxonomy(self.corpus_dir / "taxonomy", rome_dir=self.rome_dir)


def now() -> str:
    """The current time, UTC, to the second: ``2026-12-03T09:41:00+00:00``."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
