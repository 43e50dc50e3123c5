"""uvicorn's h11 protocol with the two limits a public server needs before a request reaches the app.

What uvicorn 0.54 and h11 0.16 offer, and what they leave open:

- ``h11_max_incomplete_event_size`` bounds the *size* of a request head (16 KB here), not its time;
- ``timeout_keep_alive`` closes a connection idle *after* a response, and any byte received cancels
  it; a new connection has no timer at all, so a socket that sends nothing, or a header byte every
  3 s (slowloris), stays open for ever;
- ``limit_concurrency`` counts open connections (and tasks): 200 idle sockets made every visitor get
  uvicorn's English 503. It is not used; ``web.security.GuardMiddleware`` counts requests in progress.

``GuardedH11Protocol`` adds, per worker process:

- a head deadline: a connection has ``HEAD_TIMEOUT_S`` in total to send a complete request head,
  counted from its opening, or from the first byte of its next request on a kept-alive connection
  (a body trickled after its response counts as such bytes); past it, the connection is closed;
- a cap on idle connections (opened or kept alive, no request in progress): past
  ``MAX_IDLE_CONNECTIONS``, the oldest idle one is closed, so a newcomer always gets its turn;
- a French 400 page, with the security headers of ``web.security``, when h11 refuses a request
  (malformed line or header, HTTP/1.1 without Host, head over 16 KB).

``bloomr serve`` passes it to uvicorn: ``uvicorn.run(app, http=GuardedH11Protocol,
timeout_keep_alive=KEEP_ALIVE_S, …)``.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from web.security import SECURITY_HEADERS

HEAD_TIMEOUT_S = 10.0
"""Time a connection has to send a whole request head (total, not between bytes)."""
MAX_IDLE_CONNECTIONS = 256
"""Connections without a request in progress kept per worker; past it the oldest is closed."""
KEEP_ALIVE_S = 65.0
"""How long a kept-alive connection may wait for its next request (uvicorn's ``timeout_keep_alive``).

Closing an idle connection races a client reusing it at that very moment: its request is lost
(``ECONNRESET`` or an empty answer), and neither httpx nor a reverse proxy's keep-alive pool always
retries. With uvicorn's 5 s, a 40-user soak closed ~490 connections a minute under load and 7 requests
were lost. Idle sockets are bounded by ``MAX_IDLE_CONNECTIONS``, not by this timer, so it can be long:
longer than the 60 s nginx keeps its upstream connections (``keepalive_timeout``), so that the proxy,
not Bloomr, is the side that closes them."""

BAD_REQUEST_PAGE = (
    '<!doctype html>\n<html lang="fr">\n<head><meta charset="utf-8"><title>Demande incorrecte</title></head>\n'
    "<body>\n<h1>Demande incorrecte</h1>\n"
    "<p>La demande n’a pas pu être comprise\u00a0: ligne de requête ou en-têtes mal formés, trop longs,"
    " ou adresse du site (en-tête Host) absente.</p>\n"
    "<p>Vérifiez l’adresse, ou repartez de l’accueil du site.</p>\n</body>\n</html>\n"
).encode("utf-8")

_IDLE: weakref.WeakKeyDictionary[ServerState, dict[GuardedH11Protocol, None]] = weakref.WeakKeyDictionary()


class GuardedH11Protocol(H11Protocol):
    """``H11Protocol`` with a head deadline, a cap on idle connections and a French 400."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_deadline: asyncio.TimerHandle | None = None
        self.idle = _IDLE.setdefault(self.server_state, {})  # oldest first

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()
        self._now_idle()

    def data_received(self, data: bytes) -> None:
        if self.head_deadline is None and not self._in_request():
            self._arm_head_deadline()  # the first byte of a new request head
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        if self._in_request():  # a complete head arrived: its deadline is met
            self._disarm_head_deadline()
            self.idle.pop(self, None)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self._in_request() and not self.transport.is_closing():
            self._now_idle()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        self.idle.pop(self, None)
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """The French page for a request h11 refused (``msg`` is uvicorn's English log line)."""
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(BAD_REQUEST_PAGE)).encode("ascii")),
            (b"connection", b"close"),
            *SECURITY_HEADERS,
        ]
        try:
            for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                          h11.Data(data=BAD_REQUEST_PAGE), h11.EndOfMessage()):
                self.transport.write(self.conn.send(event) or b"")
        except h11.LocalProtocolError:  # too late for a response (one is under way): just close
            pass
        self.transport.close()

    def _in_request(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self.head_deadline = self.loop.call_later(HEAD_TIMEOUT_S, self._head_too_slow)

    def _disarm_head_deadline(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _head_too_slow(self) -> None:
        self.head_deadline = None
        if not self._in_request():
            self._close()

    def _now_idle(self) -> None:
        """Register as the newest idle connection; close the oldest ones past the cap."""
        self.idle.pop(self, None)
        self.idle[self] = None
        while len(self.idle) > MAX_IDLE_CONNECTIONS:
            oldest = next(iter(self.idle))
            self.idle.pop(oldest)
            oldest._close()

    def _close(self) -> None:
        self._disarm_head_deadline()
        self.idle.pop(self, None)
        if not self.transport.is_closing():
            self.transport.close()
