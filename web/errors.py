"""One error path: every failure becomes ``error.html`` or a JSON body, never a traceback.

``BloomrError`` subclasses carry their French ``message``, ``remedy`` and HTTP ``status``;
Starlette's ``HTTPException`` (unknown route, wrong method) is translated here; anything
else is a generic 500 rendered by ``crash`` (see ``web.security.GuardMiddleware``).

JSON (for ``/api/*`` and ``/healthz``)::

    {"error": {"status": 400, "type": "BadQuery", "message": "…", "remedy": "…"}}
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.templating import Jinja2Templates

from search.errors import BloomrError

logger = logging.getLogger("bloomr.web")

HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    # status: (title, message, remedy)
    400: ("Demande incorrecte", "La demande n’a pas pu être comprise.", "Vérifiez l’adresse ou repartez de l’accueil."),
    404: ("Page introuvable", "Cette page n’existe pas ou n’existe plus.", "Vérifiez l’adresse ou lancez une recherche."),
    405: (
        "Méthode non acceptée",
        "Cette adresse se consulte seulement (requête GET).",
        "Ouvrez la page normalement dans votre navigateur.",
    ),
    410: ("Témoignage retiré", "Ce témoignage a été retiré par son auteur.", "D’autres témoignages vous attendent."),
    413: (
        "Demande trop volumineuse",
        "La demande envoyée est trop volumineuse.",
        "Les pages se consultent sans rien envoyer, et un témoignage tient en 24\u202f000 caractères au plus : raccourcissez-le.",
    ),
    500: (
        "Erreur du serveur",
        "Une erreur inattendue nous empêche d’afficher cette page.",
        "Réessayez dans un instant\u202f; si cela continue, revenez à l’accueil.",
    ),
    503: (
        "Service indisponible",
        "Le site reçoit trop de demandes en ce moment.",
        "Réessayez dans quelques secondes.",
    ),
}


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path == "/healthz"


def error_response(
    request: Request, status: int, message: str, remedy: str, kind: str, *, title: str = ""
) -> Response:
    """The error page (or JSON) for ``status``; falls back to plain French text if rendering fails."""
    if wants_json(request):
        body = {"error": {"status": status, "type": kind, "message": message, "remedy": remedy}}
        return JSONResponse(body, status_code=status)
    if not title:
        title = HTTP_MESSAGES.get(status, HTTP_MESSAGES[500])[0]
        if status == 400 and kind != "HTTPException":  # a search the library refused, not a malformed request
            title = "Recherche impossible"
    try:
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "title": title, "message": message, "remedy": remedy},
            status_code=status,
        )
    except Exception:  # the error page itself failed: still no traceback for the visitor
        logger.exception("error page failed to render")
        return PlainTextResponse(f"{message}\n{remedy}\n", status_code=status)


async def bloomr_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BloomrError)
    if exc.status >= 500:
        logger.error("%s on %s: %s", type(exc).__name__, request.url.path, exc.message)
    title = str(getattr(exc, "title", ""))  # volunteers' errors name their page
    response = error_response(request, exc.status, exc.message, exc.remedy, type(exc).__name__, title=title)
    retry_after = getattr(exc, "retry_after", None)  # volunteers.errors.TooMany
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    _, message, remedy = HTTP_MESSAGES.get(status, HTTP_MESSAGES[400 if status < 500 else 500])
    response = error_response(request, status, message, remedy, "HTTPException")
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def crash(request: Request, status: int = 500) -> Response:
    """The generic page for an unexpected failure (or an oversized request, 413)."""
    _, message, remedy = HTTP_MESSAGES.get(status, HTTP_MESSAGES[500])
    return error_response(request, status, message, remedy, "ServerError" if status == 500 else "HTTPException")
