"""``/participer`` and ``/gerer/modifier``: write (or rewrite) a testimonial, preview it, send it.

The same three steps for a new testimonial and an edit, without JavaScript::

    GET  form                       -> the form (token "participate:form" or "edit:form"); ``?metier=``
                                       fills in the profession (linked from a métier without testimonial)
    POST action=preview  (form)     -> the preview, or the form again with its errors (422)
    POST action=edit     (preview)  -> the form again, as typed
    POST action=send     (preview)  -> stored durably, then « merci » with the private link (new)
                                       or back to the management page (edit)

Nothing is stored before « send »; a token from the form page cannot send, so every text is
previewed first. An expired token shows the form again with what was typed. ``/confidentialite``
is here too: it is the form's promise.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from search.errors import BloomrError
from search.sections import SECTION_TITLES
from search.text import clean_text
from volunteers import control
from volunteers.drafts import SECTION_FIELDS, SPECS, check
from volunteers.errors import BadForm
from volunteers.model import Draft, Nonce, Submission
from web import volunteering as vol
from web.csrf import FormExpired
from web.forms import Form, check_origin, count_request, read_form
from web.routes import path_for

TEXT_FIELDS = ("name", "profession", "country", "region", "metier", "parcours", "passion", "conseils", "email")
HONEYPOT = "site_web"


def _values_of(form: Form) -> dict[str, str]:
    return {name: form.get(name) for name in TEXT_FIELDS}


def _draft_values(draft: Draft, email: str | None) -> dict[str, str]:
    values = {key: draft.section(key) for key in SECTION_FIELDS}
    values.update(name=draft.name, profession=draft.profession, country=draft.country, region=draft.region, email=email or "")
    return values


class Flow:
    """The differences between a new testimonial and an edit."""

    def __init__(self, request: Request, submission: Submission | None, token: str) -> None:
        self.request = request
        self.submission = submission
        self.token = token  # the management token (edit) or ""
        self.edit = submission is not None
        self.binding = token.split(".")[0] if token else ""
        self.prefix = "edit" if self.edit else "participate"
        self.action = path_for("manage_edit") if self.edit else path_for("participate")

    def issue(self, step: str) -> str:
        return vol.signer(self.request).issue(f"{self.prefix}:{step}", binding=self.binding)

    def verify(self, form: Form, step: str) -> Nonce:
        return vol.signer(self.request).verify(form.get("csrf"), f"{self.prefix}:{step}", binding=self.binding)

    def context(self) -> dict[str, Any]:
        return {
            "edit": self.edit,
            "action": self.action,
            "token": self.token,
            "manage_url": vol.manage_path(self.token) if self.token else "",
            "privacy_url": path_for("privacy"),
        }


def form_page(
    flow: Flow, values: dict[str, str], themes: list[str], consent: bool, *,
    errors: dict[str, str] | None = None, notice: str = "", status: int = 200,
) -> Response:
    errors = errors or {}
    taxonomy = vol.config(flow.request).taxonomy
    order = [f["name"] for f in vol.form_fields(values, errors)] + ["themes", "consent"]
    first = next((name for name in order if name in errors), "")
    page = {
        **flow.context(),
        **vol.choices(taxonomy),
        "fields": {f["name"]: f for f in vol.form_fields(values, errors)},
        "section_fields": SECTION_FIELDS,
        "picked": set(themes),
        "consent": consent,
        "errors": errors,
        "error_list": [(name, errors[name]) for name in order if name in errors],
        "first_error": first,
        "notice": notice,
        "csrf": flow.issue("form"),
        "honeypot": HONEYPOT,
    }
    public = flow.request.method == "GET" and not flow.edit  # the blank form; what was typed is private
    return vol.render(flow.request, "participate.html", {"page": page}, status=status, public=public)


def preview_page(flow: Flow, draft: Draft, email: str | None) -> Response:
    taxonomy = vol.config(flow.request).taxonomy
    region = taxonomy.resolve_region(draft.region, draft.country)
    page = {
        **flow.context(),
        "draft": draft,
        "values": _draft_values(draft, email),
        "email": email or "",
        "region_label": region.label if region else draft.region,
        "country_label": taxonomy.countries[draft.country].label,
        "themes": [(t, taxonomy.themes[t].label) for t in draft.themes],
        "sections": [
            {"title": SECTION_TITLES[key], "paragraphs": [p for p in text.split("\n\n") if p]}
            for key, text in draft.sections() if text
        ],
        "csrf": flow.issue("preview"),
    }
    return vol.render(flow.request, "participate_preview.html", {"page": page})


def _handle_post(flow: Flow, form: Form) -> Response:
    if form.get(HONEYPOT):
        raise BadForm(
            "Le champ caché « Site web » a été rempli : il sert à écarter les robots, et l’envoi a été refusé.",
            remedy="Si vous êtes une personne, videz ce champ (ou désactivez le remplissage automatique) et renvoyez le formulaire.",
        )
    action = form.get("action")
    if action not in ("preview", "edit", "send"):
        raise BadForm("Ce formulaire ne demande rien que le site connaisse.", remedy="Utilisez les boutons de la page.")
    values, themes, consent = _values_of(form), form.getlist("themes"), form.get("consent") == "oui"
    try:
        nonce = flow.verify(form, "form" if action == "preview" else "preview")
    except FormExpired as exc:
        return form_page(flow, values, themes, consent, notice=f"{exc.message} {exc.remedy}", status=422)
    if action == "edit":
        return form_page(flow, values, themes, consent)
    config = vol.config(flow.request)
    checked = check(values, themes, config.taxonomy, consent=consent)
    draft, email = checked.draft, checked.email
    if draft is None:
        return form_page(flow, values, themes, consent, errors=checked.errors, status=422)
    if action == "preview":
        return preview_page(flow, draft, email)
    if flow.submission is not None:
        control.edit(config, flow.submission, draft, email=email, nonce=nonce)
        return vol.private(RedirectResponse(vol.manage_path(flow.token, fait="edit"), status_code=303))
    _, token = control.submit(config, draft, email=email, nonce=nonce)
    # Committed and on disk: from here on, a crash loses nothing.
    link = vol.site_url(flow.request) + vol.manage_path(token.text)
    mailed = control.send_link(config, draft, email, link)
    page = {"name": draft.name, "link": link, "mailed": mailed, "email": bool(email), "privacy_url": path_for("privacy")}
    return vol.render(flow.request, "participate_thanks.html", {"page": page})


async def _run(request: Request, *, editing: bool) -> Response:
    """Both pages: GET shows the form, POST runs one step; every failure is the error page."""
    try:
        if request.method == "POST":
            check_origin(request)
            count_request(request)
            form = await read_form(request)
            token = form.get("cle") if editing else ""
        else:
            form = Form()
            token = request.query_params.get("cle", "") if editing else ""
        return await run_in_threadpool(_step, request, form, token, editing)
    except BloomrError as exc:
        return vol.error_page(request, exc)


def _step(request: Request, form: Form, token: str, editing: bool) -> Response:
    submission = None
    if editing:
        submission = vol.open_link(request, token)
        control.ensure_living(submission)
    flow = Flow(request, submission, token)
    if request.method == "POST":
        return _handle_post(flow, form)
    latest = submission.latest if submission is not None else None
    if submission is not None and latest is not None:
        return form_page(flow, _draft_values(latest.draft, submission.email), list(latest.draft.themes), False)
    # « Pas encore de témoignage de notaire » links here with the métier: its field comes filled in
    metier = clean_text(request.query_params.get("metier", ""))[:SPECS["profession"].max_chars]
    return form_page(flow, {"country": "FR", "profession": metier}, [], False)


async def participate(request: Request) -> Response:
    return await _run(request, editing=False)


async def manage_edit(request: Request) -> Response:
    return await _run(request, editing=True)


def privacy(request: Request) -> Response:
    settings = request.app.state.settings
    page = {"participate_url": path_for("participate"), "mail": bool(settings.smtp_url)}
    response: Response = request.app.state.templates.TemplateResponse(request, "privacy.html", {"page": page})
    return response
