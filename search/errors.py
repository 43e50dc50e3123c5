"""The one error hierarchy of Bloomr.

Every error a user or maintainer can meet is a ``BloomrError``: it carries a French
``message`` (what happened) and a ``remedy`` (what to do next), and the HTTP status the
web layer answers with. The CLI prints ``message — remedy``; the web renders one page.
"""

from __future__ import annotations


class BloomrError(Exception):
    """Base of every expected error: ``BloomrError("Index absent.", remedy="Lancez bloomr index.")``."""

    status: int = 500

    def __init__(self, message: str, *, remedy: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        return f"{self.message} — {self.remedy}" if self.remedy else self.message


class IndexMissing(BloomrError):
    """No usable index generation at the configured place."""

    status = 503


class IndexDamaged(BloomrError):
    """A generation exists but cannot be opened or fails its checks."""

    status = 503


class UnsafeIndex(BloomrError):
    """The index directory is writable by others or not owned by us (Whoosh stores pickles)."""

    status = 503


class BadQuery(BloomrError):
    """The visitor's query cannot be run as typed (too long, too many words…)."""

    status = 400


class BadParameter(BloomrError):
    """A URL or CLI parameter is malformed (``page=abc``)."""

    status = 400


class NotFound(BloomrError):
    """No testimonial with that id."""

    status = 404


class Gone(BloomrError):
    """The testimonial was withdrawn by its author."""

    status = 410


class CorpusError(BloomrError):
    """The corpus has errors; ``problems`` holds every one of them (``path:line: message — remedy``)."""

    status = 500

    def __init__(self, message: str, *, problems: list[str] | None = None, remedy: str = "") -> None:
        super().__init__(message, remedy=remedy)
        self.problems: list[str] = list(problems or [])


class BuildLocked(BloomrError):
    """Another build holds the lock."""

    status = 409


class BuildFailed(BloomrError):
    """A build could not complete; the serving generation is untouched."""

    status = 500
