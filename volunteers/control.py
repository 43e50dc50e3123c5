"""What a volunteer does with their private link: send, edit, pause, resume, withdraw for good.

Each function takes the ``Config``, acts, and returns what the page needs to say. A form's
nonce is spent in the same transaction as the change it carries, so a replayed form changes
nothing. Withdrawal follows ``bloomr withdraw``'s order: the ledger first (hidden from every
reader at once), then the text erased from the store, then the corpus file and every kept
generation purged under the build lock; when a build holds the lock, the purge waits in a
queue (``process_purges``, run by the web app every ``PURGE_RETRY_S`` and after ``bloomr index``)::

    sid, token = submit(config, draft, email=None)
    found = open_link(config, token.text)            # Submission, or UnknownLink
    withdraw(config, found)                          # Withdrawn(purged=True) or purged=False (queued)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from indexer import generations as gens
from indexer.pipeline import withdraw as withdraw_from_index
from search import ledger, pauses
from search.errors import BloomrError, BuildLocked
from volunteers import letters, mail
from volunteers.config import Config, now
from volunteers.corpus_file import fsync_dir
from volunteers.errors import AlreadyWithdrawn, NotAllowedNow, UnknownLink
from volunteers.model import Draft, Nonce, Submission
from volunteers.tokens import ManagementToken, matches, new_token, split

logger = logging.getLogger("bloomr.volunteers")
PURGE_RETRY_S = 30.0


def submit(config: Config, draft: Draft, *, email: str | None, nonce: Nonce | None = None) -> tuple[int, ManagementToken]:
    """Store a new submission durably (committed and on disk when this returns)."""
    token = new_token()
    sid = config.store.add(
        draft, email=email, selector=token.selector, verifier_hash=token.verifier_hash, now=now(),
        nonce=nonce.value if nonce else None, nonce_expires=nonce.expires if nonce else 0.0,
    )
    return sid, token


def send_link(config: Config, draft: Draft, email: str | None, link: str) -> bool | None:
    """Email the management link; None when there is no address or no SMTP server, else whether it left."""
    if not email or config.smtp is None:
        return None
    subject, body = letters.management_link(draft.name, link)
    return mail.send(config.smtp, to=email, subject=subject, body=body, sender=config.sender)


def open_link(config: Config, token_text: str) -> Submission:
    """The submission of a management token (compared in constant time); ``UnknownLink`` otherwise."""
    parts = split(token_text)
    if parts is None:
        raise UnknownLink()
    found = config.store.by_selector(parts[0])
    if found is None or not matches(found[1], parts[1]):
        raise UnknownLink()
    return found[0]


def is_paused(config: Config, submission: Submission) -> bool:
    return bool(submission.testimonial_id) and submission.testimonial_id in pauses.read(config.index_dir)


def ensure_living(submission: Submission) -> None:
    if submission.state == "withdrawn":
        raise AlreadyWithdrawn(submission.withdrawn[:10] if submission.withdrawn else "")


def edit(config: Config, submission: Submission, draft: Draft, *, email: str | None, nonce: Nonce | None = None) -> int:
    """A new version for moderation; the published one stays online meanwhile. Its number."""
    ensure_living(submission)
    return config.store.propose(
        submission.id, draft, email=email, now=now(),
        nonce=nonce.value if nonce else None, nonce_expires=nonce.expires if nonce else 0.0,
    )


def set_paused(config: Config, submission: Submission, paused: bool, *, nonce: Nonce | None = None) -> bool:
    """Pause (hidden from every search at once) or resume; whether anything changed."""
    ensure_living(submission)
    if submission.state != "published" or not submission.testimonial_id:
        raise NotAllowedNow(
            "Votre témoignage n’est pas encore publié : il n’y a rien à mettre en pause.",
            remedy="Il sera visible seulement après la relecture ; vous pourrez alors le mettre en pause à tout moment.",
        )
    if nonce is not None:
        config.store.spend(nonce.value, nonce.expires)
    return pauses.set_paused(config.index_dir, submission.testimonial_id, paused)


def forget_email(config: Config, submission: Submission, *, nonce: Nonce | None = None) -> None:
    ensure_living(submission)
    config.store.set_email(submission.id, None, nonce=nonce.value if nonce else None, nonce_expires=nonce.expires if nonce else 0.0)


@dataclass(frozen=True)
class Withdrawn:
    testimonial_id: str | None
    purged: bool  # False: hidden through the ledger, the purge of the files waits for the build lock


def withdraw(config: Config, submission: Submission, *, nonce: Nonce | None = None) -> Withdrawn:
    """Withdraw for good: hidden at once, text and email erased, files purged (now or queued)."""
    ensure_living(submission)
    if nonce is not None:  # a replayed form stops here, before anything changed
        config.store.spend(nonce.value, nonce.expires)
    tid = submission.testimonial_id
    stamp = now()
    if tid:
        # Hidden from every reader before anything else, as bloomr withdraw does; the purge is
        # queued in the same breath, so that a crash after this line still ends in an erasure.
        if tid not in ledger.read(config.index_dir).ids:
            ledger.append(config.index_dir, tid, stamp)
        config.store.queue_purge(tid, now=stamp)
    config.store.erase(submission.id, now=stamp)
    if not tid:
        return Withdrawn(None, True)
    pauses.set_paused(config.index_dir, tid, False)  # the ledger hides it for good now
    return Withdrawn(tid, purge_one(config, tid))


def purge_one(config: Config, tid: str) -> bool:
    """Erase a withdrawn testimonial's corpus file and purge it from every kept generation.

    Whether it is done; False when a build holds the lock (it stays queued, nothing is lost).
    """
    if tid not in ledger.read(config.index_dir).ids:
        # Every queued purge was appended to the ledger first: this is another index (a test, a
        # misconfigured command). Leave it queued for the right one rather than touch this one.
        config.store.purge_failed(tid, "absent du journal des retraits de cet index")
        return False
    try:
        with gens.BuildLock(config.index_dir):
            path = config.corpus_dir / "testimonials" / f"{tid}.md"
            if path.is_file() and not path.is_symlink():
                path.unlink()
                fsync_dir(path.parent)
        withdraw_from_index(config.index_dir, tid, corpus_dir=None)
    except BuildLocked as exc:
        config.store.purge_failed(tid, exc.message)
        return False
    except (BloomrError, OSError) as exc:
        logger.error("purge of a withdrawn testimonial failed: %s", type(exc).__name__)
        config.store.purge_failed(tid, str(exc))
        return False
    config.store.purge_done(tid)
    return True


def process_purges(config: Config) -> list[str]:
    """Run every queued purge; the ids done (the others stay queued for the next try)."""
    done: list[str] = []
    for purge in config.store.purges():
        if purge_one(config, purge.testimonial_id):
            done.append(purge.testimonial_id)
        else:
            break  # the lock is held: the next ones would fail the same way
    return done
