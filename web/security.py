"""The outermost layer of the app: security headers, request size limits, and the last-resort 500.

``GuardMiddleware(app, render_crash=...)`` is pure ASGI. On every HTTP response it adds::

    Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; ...
    X-Content-Type-Options: nosniff
    Referrer-Policy: same-origin
    X-Frame-Options: DENY              (and frame-ancestors 'none' in the CSP)

It refuses a request body (pages and API are GET only) larger than ``MAX_BODY`` bytes with
413 (the volunteers' form paths have their own bound, ``body_limits``),
and it catches any exception the app let through, logs it (path only, never the query
string or the client address), and answers the generic French 500 page built by ``render_crash``.
"""

from __future__ import annotations

import logging
from typing import Callable, Mapping

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

class GuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        render_crash: Callable[[Request, int], Response],
        debug: bool = False,
        body_limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.render_crash = render_crash
        self.debug = debug  # BLOOMR_DEBUG: let Starlette show its traceback page (never in production)
        self.body_limits = dict(body_limits or {})  # path -> its own bound (the volunteers' forms)

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
        length = request.headers.get("content-length", "")
        limit = self.body_limits.get(scope.get("path", ""), MAX_BODY)
        if (length and (not length.isdigit() or int(length) > limit)) or (
            "chunked" in request.headers.get("transfer-encoding", "").lower()
        ):
            await self.render_crash(request, 413)(scope, receive, send_with_headers)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started or self.debug:  # too late for an error page, or a developer asked for the traceback
                raise
            await self.render_crash(request, 500)(scope, receive, send_with_headers)
