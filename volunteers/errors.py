"""What can go wrong for a volunteer, each with a French message, a remedy and its HTTP status.

They are ``BloomrError`` values, so the site's one error path (``web.errors``) renders them;
``title`` names the page.
"""

from __future__ import annotations

from search.errors import BloomrError


class VolunteerError(BloomrError):
    status = 400
    title = "Envoi impossible"


class BadForm(VolunteerError):
    """The request is not a form the site sent (encoding, size, fields)."""


class FormNotVerified(VolunteerError):
    """The form's protection token is missing, forged, or comes from elsewhere."""

    status = 403
    title = "Formulaire non vérifié"

    def __init__(self, message: str = "", *, remedy: str = "") -> None:
        super().__init__(
            message or "Ce formulaire n’a pas pu être vérifié : il ne vient pas de cette page du site, ou il a été modifié.",
            remedy=remedy or "Rouvrez la page depuis le site, puis renvoyez le formulaire. Rien n’a été enregistré.",
        )


class Replayed(VolunteerError):
    """The same form was sent twice (a reload, a double click, a replay)."""

    status = 409
    title = "Formulaire déjà envoyé"

    def __init__(self) -> None:
        super().__init__(
            "Ce formulaire a déjà été envoyé une fois ; il n’a pas été pris en compte une seconde fois.",
            remedy="Rien n’a été modifié par ce second envoi. Rouvrez la page pour faire une nouvelle demande.",
        )


class TooMany(VolunteerError):
    status = 429
    title = "Trop de demandes"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            "Trop de demandes sont venues de votre connexion en peu de temps.",
            remedy=f"Réessayez dans {minutes}\u00a0minute{'s' if minutes > 1 else ''}. Ce que vous avez écrit n’a pas été enregistré.",
        )
        self.retry_after = retry_after


class UnknownLink(VolunteerError):
    status = 404
    title = "Lien de gestion inconnu"

    def __init__(self) -> None:
        super().__init__(
            "Ce lien de gestion ne correspond à aucun témoignage.",
            remedy="Copiez le lien complet reçu après votre envoi (ou dans le courriel de Bloomr), sans espace ni coupure.",
        )


class AlreadyWithdrawn(VolunteerError):
    status = 410
    title = "Témoignage déjà retiré"

    def __init__(self, date: str = "") -> None:
        when = f" le {date}" if date else ""
        super().__init__(
            f"Ce témoignage a été retiré pour de bon{when} ; son texte et votre adresse ont été effacés.",
            remedy="Il n’y a plus rien à modifier ni à effacer. Vous pouvez toujours écrire un nouveau témoignage.",
        )


class NotAllowedNow(VolunteerError):
    """An action that does not apply to the submission's state (pause a testimonial not yet published…)."""

    status = 409
    title = "Action impossible pour l’instant"


class ModerationError(BloomrError):
    """A moderation command cannot do what was asked (nothing pending, unknown id…)."""

    status = 400
