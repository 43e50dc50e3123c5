"""The emails Bloomr sends a volunteer, in French. Plain text; links only where the volunteer needs them."""

from __future__ import annotations

from search.french import NBSP

SIGNATURE = "\n\nMerci pour votre temps et votre générosité,\nL’équipe de Bloomr\n"


def management_link(name: str, link: str) -> tuple[str, str]:
    return (
        "Votre lien pour gérer votre témoignage Bloomr",
        f"Bonjour {name},\n\n"
        f"Merci d’avoir raconté votre métier{NBSP}! Votre témoignage est bien enregistré{NBSP}; "
        f"une personne de l’équipe le relit avant sa publication.\n\n"
        f"Voici votre lien personnel. Il vous permet de voir où en est votre témoignage, de le modifier, "
        f"de le mettre en pause ou de le retirer pour de bon, à tout moment{NBSP}:\n\n{link}\n\n"
        f"Gardez-le pour vous{NBSP}: toute personne qui l’a peut agir sur votre témoignage. "
        f"Nous ne pouvons pas vous le renvoyer{NBSP}: nous n’en gardons qu’une empreinte."
        + SIGNATURE,
    )


def published(name: str, url: str, edit: bool) -> tuple[str, str]:
    what = "La nouvelle version de votre témoignage est en ligne" if edit else "Votre témoignage est en ligne"
    where = f"{NBSP}:\n\n{url}\n\n" if url else ".\n\n"
    return (
        f"{what} sur Bloomr",
        f"Bonjour {name},\n\n{what}{where}"
        f"Pour le modifier, le mettre en pause ou le retirer, utilisez le lien personnel reçu lors de votre envoi."
        + SIGNATURE,
    )


def rejected(name: str, reason: str) -> tuple[str, str]:
    return (
        "Votre témoignage Bloomr n’a pas été publié",
        f"Bonjour {name},\n\nMerci pour votre envoi. Nous ne pouvons pas le publier tel quel, pour cette raison{NBSP}:\n\n"
        f"{reason}\n\nAvec le lien personnel reçu lors de votre envoi, vous pouvez modifier votre texte et nous "
        f"le renvoyer, ou l’effacer."
        + SIGNATURE,
    )
