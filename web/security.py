"""The outermost layer of the app: security headers, request limits, and the last-resort 500.

``GuardMiddleware(app, render_crash=..., allowed_hosts=[...])`` is pure ASGI. On every HTTP
response it adds ``SECURITY_HEADERS`` (also sent by ``web.server`` on the 400 it answers for
requests the HTTP parser refuses)::

    Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; ...
    X-Content-Type-Options: nosniff
    Referrer-Policy: same-origin
    X-Frame-Options: DENY              (and frame-ancestors 'none' in the CSP)

It answers, through ``render_crash`` (the French error page, or JSON under ``/api/``):

- 400 when the Host header is missing or not one of ``allowed_hosts`` (``*`` accepts all,
  ``*.example.org`` its subdomains), as Starlette’s TrustedHostMiddleware would, but in French;
- 413 for a request body larger than ``MAX_BODY`` bytes (pages and API are GET only; the
  volunteers' form paths have their own bound, ``body_limits``);
- 503 with ``Retry-After: 1`` when ``MAX_REQUESTS_IN_PROGRESS`` requests are already in progress in
  this worker: the cap counts requests, not open connections, so idle sockets cannot take it;
- 500 for any exception the app let through, logged with method and path only (never the
  query string or the client address).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Callable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("bloomr.web")

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)

MAX_BODY = 16 * 1024
"""Largest request body accepted; nothing on the site takes one."""
MAX_REQUESTS_IN_PROGRESS = 100
"""Requests in progress per worker; past it a 503 at once (a results page costs ~30 ms of CPU,
so 100 waiting requests already mean seconds of queue on 2 cores)."""

_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[^\s:/@\[\]]+)(?::[0-9]{1,5})?")  # host, or [IPv6], then a port


class GuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        render_crash: Callable[[Request, int], Response],
        allowed_hosts: Sequence[str] = ("*",),
        debug: bool = False,
        body_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.render_crash = render_crash
        self.allowed_hosts = tuple(host.lower() for host in allowed_hosts)
        self.debug = debug  # BLOOMR_DEBUG: let Starlette show its traceback page (never in production)
        self.body_limits = dict(body_limits or {})  # path -> its own bound (the volunteers' forms)
        self.in_progress = 0

    def host_allowed(self, scope: Scope) -> bool:
        """The Host header names this site: ``example.org:8000`` matches ``example.org`` or ``*.org``."""
        if "*" in self.allowed_hosts:
            return True
        match = _HOST.fullmatch(Headers(scope=scope).get("host", "").strip().lower())
        if match is None:
            return False
        host = match.group(1)
        return any(host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:])) for allowed in self.allowed_hosts)

    def refusal(self, request: Request) -> Response | None:
        """The answer to a request refused before the app sees it: unknown Host, a body, overload."""
        length = request.headers.get("content-length", "")
        limit = self.body_limits.get(request.scope.get("path", ""), MAX_BODY)
        if not self.host_allowed(request.scope):
            return self.render_crash(request, 400)
        if (length and (not length.isdigit() or int(length) > limit)) or (
            "chunked" in request.headers.get("transfer-encoding", "").lower()
        ):
            return self.render_crash(request, 413)
        if self.in_progress >= MAX_REQUESTS_IN_PROGRESS:
            busy = self.render_crash(request, 503)
            busy.headers["Retry-After"] = "1"
            return busy
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        query_string: bytes = scope.get("query_string", b"")
        if any(byte > 0x7F for byte in query_string):
            # Raw non-ASCII bytes (a lenient HTTP parser lets them through) would make Starlette's
            # URL decoding raise, even on the error page: percent-encode them as a browser would.
            scope = {**scope, "query_string": b"".join(b"%%%02X" % b if b > 0x7F else bytes((b,)) for b in query_string)}

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers.extend((name, value) for name, value in SECURITY_HEADERS if name not in names)
                message = {**message, "headers": headers}
            await send(message)

        request = Request(scope)
        refusal = self.refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        self.in_progress += 1
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started or self.debug:  # too late for an error page, or a developer asked for the traceback
                raise
            await self.render_crash(request, 500)(scope, receive, send_with_headers)
        finally:
            self.in_progress -= 1
