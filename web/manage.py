"""``/gerer?cle=…``: the volunteer's own page, reached only with their private link.

GET shows the testimonial's state and what can be done; ``&confirmer=ACTION`` shows what an
action will do and asks for confirmation (a POST form); the POST acts, then redirects to
``&fait=ACTION`` which says it was done. Actions: ``pause``, ``resume``, ``withdraw``,
``forget-email``; editing is ``/gerer/modifier`` (``web.participate``). Every page is private
(``noindex``, ``Referrer-Policy: no-referrer``, ``no-store``), every form signed for its action
and its link, every unknown link counted against the address's limit.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from search.errors import BloomrError
from search.sections import SECTION_TITLES
from volunteers import control
from volunteers.errors import BadForm
from volunteers.model import Submission, Version
from web import volunteering as vol
from web.forms import Form, check_origin, count_request, read_form
from web.french import long_date
from web.routes import path_for
from web.urls import testimonial_url


ACTIONS: dict[str, dict[str, str]] = {
    "pause": {
        "title": "Mettre votre témoignage en pause",
        "what": "Il disparaît aussitôt des recherches, des suggestions et de sa page. Rien n’est effacé : vous pourrez le remettre en ligne d’un clic, avec ce même lien.",
        "button": "Oui, mettre en pause",
        "done": "Votre témoignage est en pause : plus personne ne le voit. Remettez-le en ligne quand vous voulez.",
    },
    "resume": {
        "title": "Remettre votre témoignage en ligne",
        "what": "Il réapparaît aussitôt dans les recherches et sur sa page, tel qu’il était.",
        "button": "Oui, remettre en ligne",
        "done": "Votre témoignage est de nouveau en ligne.",
    },
    "withdraw": {
        "title": "Retirer votre témoignage pour de bon",
        "what": (
            "Il disparaît aussitôt et définitivement : des résultats, des filtres, des suggestions et de sa page, qui dira "
            "seulement qu’il a été retiré. Son texte est effacé de notre base, de nos fichiers et de toutes les copies de "
            "l’index que nous gardons, avec votre adresse électronique. Nous ne gardons que son identifiant et la date du "
            "retrait, pour qu’il ne revienne jamais. Ce lien ne permettra plus rien. Cette action ne peut pas être annulée."
        ),
        "button": "Oui, retirer définitivement",
        "done": "Votre témoignage est retiré et son texte effacé. Merci d’avoir partagé votre métier.",
    },
    "forget-email": {
        "title": "Effacer votre adresse électronique",
        "what": "Nous l’effaçons aussitôt. Nous ne pourrons plus vous prévenir de la relecture ; votre lien de gestion reste valable.",
        "button": "Oui, effacer mon adresse",
        "done": "Votre adresse électronique est effacée.",
    },
}
EDIT_DONE = "Merci ! Votre nouvelle version attend la relecture ; d’ici là, la version publiée reste en ligne."
NEW_EDIT_DONE = "Merci ! Votre nouvelle version attend la relecture."


def _status(submission: Submission, paused: bool) -> dict[str, str]:
    if submission.state == "pending":
        return {"key": "pending", "label": "En attente de relecture",
                "detail": "Une personne de l’équipe relit chaque témoignage avant sa publication, en général sous quelques jours."}
    if submission.state == "rejected":
        return {"key": "rejected", "label": "Pas publié pour l’instant",
                "detail": "Vous pouvez le modifier et nous le renvoyer, ou l’effacer."}
    if submission.state == "withdrawn":
        when = long_date(submission.withdrawn[:10]) if submission.withdrawn else ""
        return {"key": "withdrawn", "label": f"Retiré le {when}" if when else "Retiré",
                "detail": "Son texte et votre adresse ont été effacés ; il ne reste que son identifiant et la date du retrait."}
    if paused:
        return {"key": "paused", "label": "En pause", "detail": "Plus personne ne le voit ; rien n’est effacé."}
    return {"key": "published", "label": "En ligne", "detail": "Les jeunes peuvent le trouver dans les recherches."}


def _version(version: Version | None) -> dict[str, Any] | None:
    if version is None:
        return None
    draft = version.draft
    return {
        "number": version.number, "state": version.state, "reason": version.reason,
        "sent": long_date(version.created[:10]), "name": draft.name, "profession": draft.profession,
        "sections": [{"title": SECTION_TITLES[k], "paragraphs": [p for p in t.split("\n\n") if p]} for k, t in draft.sections() if t],
    }


def _page(request: Request, token: str, submission: Submission, *, confirm: str = "", done: str = "") -> Response:
    config = vol.config(request)
    paused = control.is_paused(config, submission)
    living = submission.state != "withdrawn"
    published = submission.state == "published" and submission.testimonial_id is not None
    actions = []
    if living:
        actions.append({"key": "edit", "label": "Modifier mon témoignage", "url": vol.edit_path(token)})
        if published:
            key = "resume" if paused else "pause"
            actions.append({"key": key, "label": "Remettre en ligne" if paused else "Mettre en pause", "url": vol.manage_path(token, confirmer=key)})
        if submission.email:
            actions.append({"key": "forget-email", "label": "Effacer mon adresse électronique", "url": vol.manage_path(token, confirmer="forget-email")})
        actions.append({"key": "withdraw", "label": "Retirer pour de bon", "url": vol.manage_path(token, confirmer="withdraw")})
    notice = ""
    if done == "edit":
        notice = EDIT_DONE if published else NEW_EDIT_DONE
    elif done in ACTIONS:
        notice = ACTIONS[done]["done"]
    page = {
        "token": token,
        "status": _status(submission, paused),
        "living": living,
        "public_url": testimonial_url(submission.testimonial_id) if submission.testimonial_id and published and not paused else "",
        "live": _version(submission.live),
        "proposed": _version(submission.proposed),
        "email": submission.email or "",
        "created": long_date(submission.created[:10]),
        "actions": actions,
        "notice": notice,
        "confirm": None,
        "privacy_url": path_for("privacy"),
        "back_url": vol.manage_path(token),
        "action_url": path_for("manage"),
    }
    if confirm:
        allowed = {a["key"] for a in actions}
        if confirm not in ACTIONS or confirm not in allowed:
            raise BadForm("Cette action n’est pas possible pour ce témoignage.", remedy="Revenez à votre page de gestion.")
        binding = token.split(".")[0]
        page["confirm"] = {"key": confirm, **ACTIONS[confirm],
                           "csrf": vol.signer(request).issue(f"manage:{confirm}", binding=binding)}
        template = "manage_confirm.html"
    else:
        template = "manage.html"
    return vol.render(request, template, {"page": page})


def _show(request: Request) -> Response:
    token = request.query_params.get("cle", "")
    submission = vol.open_link(request, token)
    return _page(request, token, submission, confirm=request.query_params.get("confirmer", ""),
                 done=request.query_params.get("fait", ""))


def _act(request: Request, form: Form) -> Response:
    token, action = form.get("cle"), form.get("action")
    if action not in ACTIONS:
        raise BadForm("Ce formulaire ne demande rien que le site connaisse.", remedy="Utilisez les boutons de la page.")
    submission = vol.open_link(request, token)
    control.ensure_living(submission)  # a second withdrawal: a clear answer, nothing changed
    nonce = vol.signer(request).verify(form.get("csrf"), f"manage:{action}", binding=token.split(".")[0])
    config = vol.config(request)
    if action in ("pause", "resume"):
        control.set_paused(config, submission, action == "pause", nonce=nonce)
    elif action == "forget-email":
        control.forget_email(config, submission, nonce=nonce)
    else:
        control.withdraw(config, submission, nonce=nonce)
    return vol.private(RedirectResponse(vol.manage_path(token, fait=action), status_code=303))


async def manage(request: Request) -> Response:
    try:
        if request.method == "POST":
            check_origin(request)
            count_request(request)
            form = await read_form(request)
            return await run_in_threadpool(_act, request, form)
        return await run_in_threadpool(_show, request)
    except BloomrError as exc:
        return vol.error_page(request, exc)



