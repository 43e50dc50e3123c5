"""The values of a volunteer's testimonial before it reaches the corpus.

A ``Draft`` is what the form holds (already cleaned and checked by ``volunteers.drafts``); a
``Version`` is one draft sent for moderation; a ``Submission`` is the volunteer's file: the
published version (if any), the version waiting for moderation or rejected (if any), and
nothing that identifies a person beyond what they chose to publish and an optional email::

    Submission(id=7, state="published", testimonial_id="lina-menuisiere", versions=(…))
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from search.sections import SECTION_KEYS

State = Literal["pending", "rejected", "published", "withdrawn"]
"""pending: never published, waiting; rejected: never published, refused (can be edited);
published: a version is online (an edit may wait beside it); withdrawn: erased for good."""

VersionState = Literal["pending", "rejected", "published"]


@dataclass(frozen=True)
class Draft:
    """One testimonial as the volunteer wrote it (clean text; sections split by blank lines)."""

    name: str
    profession: str
    region: str  # as typed: « Finistère », « 69 », « Genève »
    country: str  # ISO alpha-2
    metier: str
    conseils: str
    parcours: str = ""
    passion: str = ""
    themes: tuple[str, ...] = ()

    def section(self, key: str) -> str:
        return str(getattr(self, key))

    def sections(self) -> list[tuple[str, str]]:
        return [(key, self.section(key)) for key in SECTION_KEYS]

    def words(self) -> int:
        return sum(len(text.split()) for _, text in self.sections())

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Draft":
        data: dict[str, Any] = json.loads(text)
        data["themes"] = tuple(data.get("themes") or ())
        return cls(**data)


@dataclass(frozen=True)
class Version:
    number: int
    created: str  # ISO time, UTC
    state: VersionState
    draft: Draft
    reason: str = ""  # why it was rejected
    decided: str = ""


@dataclass(frozen=True)
class Submission:
    id: int
    created: str
    state: State
    email: str | None = None
    testimonial_id: str | None = None
    published: str | None = None  # date of the first publication (kept across edits)
    withdrawn: str | None = None
    versions: tuple[Version, ...] = field(default_factory=tuple)

    @property
    def live(self) -> Version | None:
        """The published version."""
        return next((v for v in self.versions if v.state == "published"), None)

    @property
    def proposed(self) -> Version | None:
        """The version waiting for moderation, or the last one refused."""
        return next((v for v in reversed(self.versions) if v.state in ("pending", "rejected")), None)

    @property
    def pending(self) -> Version | None:
        version = self.proposed
        return version if version is not None and version.state == "pending" else None

    @property
    def latest(self) -> Version | None:
        """What the volunteer last wrote: the proposed version, else the published one."""
        return self.proposed or self.live


@dataclass(frozen=True)
class Purge:
    """A withdrawal whose erasure from the index files waits for the build lock."""

    testimonial_id: str
    queued: str
    attempts: int = 0
    last_error: str = ""


@dataclass(frozen=True)
class Nonce:
    """A form's single-use nonce, and until when it must be remembered (Unix time)."""

    value: str
    expires: float
