"""What the volunteers' pages share: their config, form tokens, private headers, the form's data.

``setup(app, settings)`` puts on ``app.state``: ``volunteers`` (``volunteers.config.Config``),
``forms`` (the ``FormSigner``, its secret read or generated on first use) and ``form_limiter``.
``private(response)`` marks a page that holds a management link or a volunteer's text:
``Referrer-Policy: no-referrer``, ``X-Robots-Tag: noindex``, ``Cache-Control: no-store``.
"""

from __future__ import annotations

import logging
import threading

import anyio
import anyio.to_thread
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from indexer.taxonomy import Taxonomy
from search.errors import BloomrError
from volunteers import control
from volunteers.config import Config
from volunteers.errors import UnknownLink
from volunteers.model import Submission
from volunteers.drafts import FIELDS
from volunteers.mail import SmtpConfig
from volunteers.store import Store
from web import errors
from web.csrf import FormSigner, load_secret
from web.forms import count_request
from web.ratelimit import RateLimiter
from web.routes import path_for
from web.settings import Settings

logger = logging.getLogger("bloomr.volunteers")

PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
}


class LazySigner:
    """The form signer, its secret loaded (or generated into ``var/``) on the first form shown."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._signer: FormSigner | None = None
        self._lock = threading.Lock()

    def get(self) -> FormSigner:
        with self._lock:
            if self._signer is None:
                secret = load_secret(self._settings.secret, self._settings.volunteers_db.parent)
                self._signer = FormSigner(secret)
            return self._signer


def setup(app: Starlette, settings: Settings) -> None:
    try:
        smtp = SmtpConfig.parse(settings.smtp_url)
    except ValueError as exc:
        raise ValueError(f"BLOOMR_SMTP_URL : {exc}") from exc
    app.state.volunteers = Config(
        store=Store(settings.volunteers_db), index_dir=settings.index, corpus_dir=settings.corpus,
        rome_dir=settings.rome, smtp=smtp, sender=settings.mail_from,
    )
    app.state.forms = LazySigner(settings)
    app.state.form_limiter = RateLimiter(settings.form_rate)


def config(request: Request) -> Config:
    found: Config = request.app.state.volunteers
    return found


def signer(request: Request) -> FormSigner:
    found: FormSigner = request.app.state.forms.get()
    return found


def private(response: Response) -> Response:
    response.headers.update(PRIVATE_HEADERS)
    return response


def render(request: Request, template: str, context: dict[str, Any], status: int = 200, *, public: bool = False) -> Response:
    """A private page (see the module docstring), unless ``public`` (the blank form, which search engines may show)."""
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, {**context, "public": public}, status_code=status
    )
    return response if public else private(response)


def error_page(request: Request, exc: BloomrError) -> Response:
    """The site's one error page, with the private headers."""
    response = errors.error_response(
        request, exc.status, exc.message, exc.remedy, type(exc).__name__, title=str(getattr(exc, "title", ""))
    )
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return private(response)


def open_link(request: Request, token: str) -> Submission:
    """The submission of a management token; an unknown one counts against the address's limit."""
    try:
        return control.open_link(config(request), token)
    except UnknownLink:
        count_request(request)
        raise


def site_url(request: Request) -> str:
    public: str = request.app.state.settings.public_url
    return public.rstrip("/") if public else str(request.base_url).rstrip("/")


def manage_path(token: str, **more: str) -> str:
    """``/gerer?cle=…`` (the token rides in the query string, which no log of ours records)."""
    return f"{path_for('manage')}?{urlencode({'cle': token, **more})}"


def edit_path(token: str) -> str:
    return f"{path_for('manage_edit')}?{urlencode({'cle': token})}"


def form_fields(values: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    """The form's fields as the template prints them (value, error, hint ids)."""
    out = []
    for spec in FIELDS:
        field_id = f"f-{spec.name}"
        described = [f"{field_id}-help"] if spec.question or spec.hint else []
        if spec.name in errors:
            described.append(f"{field_id}-error")
        out.append({
            "name": spec.name, "id": field_id, "label": spec.label, "question": spec.question, "hint": spec.hint,
            "value": values.get(spec.name, ""), "error": errors.get(spec.name, ""), "multiline": spec.multiline,
            "max": spec.max_chars, "required": spec.required, "describedby": " ".join(described),
        })
    return out


def choices(taxonomy: Taxonomy) -> dict[str, Any]:
    """Countries (France first, then by name) and advice themes, for the form."""
    countries = sorted(taxonomy.countries.values(), key=lambda c: (c.code != "FR", c.label))
    return {
        "countries": [{"code": c.code, "label": c.label} for c in countries],
        "themes": [{"slug": t.slug, "label": t.label} for t in taxonomy.themes.values()],
    }


async def retry_purges(config: Config) -> None:
    """Every ``PURGE_RETRY_S``: the withdrawals whose purge waited for the build lock (web app lifespan)."""
    while True:
        await anyio.sleep(control.PURGE_RETRY_S)
        if not config.store.path.exists():
            continue
        try:
            await anyio.to_thread.run_sync(control.process_purges, config)
        except Exception:  # the database busy or unreadable: logged, tried again next round
            logger.exception("queued purges could not run")
