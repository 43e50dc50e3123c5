"""The POSTed forms of the volunteers' pages: read within bounds, decoded strictly, checked at the door.

``await read_form(request)`` returns a ``Form`` or raises a ``BadForm`` whose French message
says what was wrong: not ``application/x-www-form-urlencoded``, larger than ``MAX_FORM_BYTES``
(also enforced by ``GuardMiddleware`` for these paths), not UTF-8, too many fields.
``check_origin`` refuses a form posted from another site (``Origin``, ``Sec-Fetch-Site``);
``count_request`` applies the in-memory per-address limit::

    form = await read_form(request)
    form.get("name"), form.getlist("themes")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import ClientDisconnect, Request

from volunteers.errors import BadForm, FormNotVerified, TooMany

MAX_FORM_BYTES = 256 * 1024
"""Largest form body: four sections of 6,000 characters, percent-encoded (up to 9 bytes each)."""
MAX_FIELDS = 60


@dataclass(frozen=True)
class Form:
    pairs: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def get(self, name: str, default: str = "") -> str:
        return next((value for key, value in self.pairs if key == name), default)

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]


def _too_large() -> BadForm:
    return BadForm(
        "Le formulaire envoyé est bien plus long que ce que le site accepte.",
        remedy="Un témoignage tient en 24\u202f000 caractères au plus (6\u202f000 par partie) : raccourcissez-le. Rien n’a été enregistré.",
    )


async def read_form(request: Request, *, max_bytes: int = MAX_FORM_BYTES) -> Form:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise BadForm(
            "Ce formulaire doit être envoyé par la page du site.",
            remedy="Ouvrez la page dans un navigateur et utilisez ses boutons. Rien n’a été enregistré.",
        )
    body = bytearray()
    try:
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > max_bytes:
                raise _too_large()
    except ClientDisconnect:
        raise BadForm("L’envoi a été interrompu.", remedy="Renvoyez le formulaire.") from None
    try:
        text = bytes(body).decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise BadForm(
            "Le formulaire contient des caractères illisibles (ce n’est pas de l’UTF-8).",
            remedy="Copiez votre texte depuis un traitement de texte ordinaire, puis renvoyez-le. Rien n’a été enregistré.",
        ) from None
    except ValueError:
        raise BadForm("Le formulaire contient trop de champs.", remedy="Utilisez le formulaire de la page. Rien n’a été enregistré.") from None
    return Form(tuple(pairs))


def check_origin(request: Request) -> None:
    """A form posted by another site is refused (the signed token is checked as well).

    ``Sec-Fetch-Site`` decides when the browser sends it. ``Origin: null`` says nothing: our own
    pages send it, since ``Referrer-Policy: no-referrer`` makes a browser hide the origin of a POST.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        if site not in ("same-origin", "none"):
            raise FormNotVerified("Ce formulaire a été envoyé depuis un autre site.")
        return
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        if urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
            raise FormNotVerified("Ce formulaire a été envoyé depuis un autre site.")


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def count_request(request: Request) -> None:
    """One more request from this address; ``TooMany`` past ``BLOOMR_FORM_RATE`` an hour."""
    wait = request.app.state.form_limiter.hit(client_address(request))
    if wait is not None:
        raise TooMany(wait)
