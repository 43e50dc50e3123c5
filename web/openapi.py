"""The OpenAPI 3.0 document served at ``/api/openapi.json``, written by hand from ``web.params``.

Bounds in the document are the bounds ``web.params`` enforces, so a client (or schemathesis)
sending out-of-schema data gets the documented 400.
"""

from __future__ import annotations

from typing import Any

from search.facet_specs import FACET_NAMES, MAX_VALUES_PER_FACET
from web.french import number
from web.params import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_SEED,
    MAX_SELECTED_VALUES,
    MAX_SELECTION_CHARS,
    MAX_VALUE_CHARS,
    SORTS,
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(_ref("Error"), "Paramètre ou recherche invalide"),
    "503": _json(_ref("Error"), "Index indisponible"),
}

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NULLABLE_STRING = {"type": "string", "nullable": True}


def _object(properties: dict[str, Any], *, required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


def _search_parameters() -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {
            "name": "q",
            "in": "query",
            "description": "Mots recherchés (vide : tous les témoignages).",
            "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
        }
    ]
    for facet in FACET_NAMES:
        params.append(
            {
                "name": facet,
                "in": "query",
                "description": f"Filtre {facet}, répétable (OU entre valeurs, ET entre filtres) ; au plus"
                f" {MAX_SELECTED_VALUES} valeurs en tout, tous filtres confondus, et {number(MAX_SELECTION_CHARS)}"
                " caractères une fois écrites dans l’adresse (bornes que ce schéma ne peut pas exprimer :"
                " au-delà, 400).",
                "style": "form",
                "explode": True,
                "schema": {
                    "type": "array",
                    "maxItems": MAX_SELECTED_VALUES,  # one facet may hold the whole selection
                    "items": {"type": "string", "maxLength": MAX_VALUE_CHARS},
                },
            }
        )
    params += [
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
        {"name": "page_size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
        {"name": "seed", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_SEED}},
    ]
    return params


def openapi_document() -> dict[str, Any]:
    facet_value = _object(
        {"value": STRING, "label": STRING, "count": INTEGER, "selected": {"type": "boolean"}, "parent": STRING,
         "short_label": {"type": "string", "description": "Secteurs : libellé court, dans les mots d’un jeune."}},
        required=["value", "label", "count", "selected"],
    )
    hit_properties: dict[str, Any] = {
            "id": STRING,
            "name": STRING,
            "profession": STRING,
            "rome": STRING,
            "rome_label": STRING,
            "sector": STRING,
            "country": STRING,
            "region": STRING,
            "themes": {"type": "array", "items": STRING},
            "published": {"type": "string", "format": "date"},
            "score": {"type": "number"},
            "section": STRING,
            "section_label": STRING,
            "snippet": {"type": "string", "description": "Texte échappé ; seules les balises <mark> sont ajoutées."},
    }
    hit = _object(hit_properties)
    related = _object(
        {
            **hit_properties,
            "reason": {"type": "string", "enum": ["metier", "domaine", "conseils", "region", "secteur", "pays", "autre"]},
            "reason_text": {"type": "string", "description": "Pourquoi ce témoignage est proposé : « Même métier »…"},
        }
    )
    schemas: dict[str, Any] = {
        "Error": _object(
            {
                "error": _object(
                    {"status": INTEGER, "type": STRING, "message": STRING, "remedy": STRING},
                )
            }
        ),
        "FacetValue": facet_value,
        "Hit": hit,
        "Related": related,
        "SearchResults": _object(
            {
                "query": STRING,
                "total": INTEGER,
                "page": INTEGER,
                "page_size": INTEGER,
                "pages": INTEGER,
                "sort": {"type": "string", "enum": list(SORTS)},
                "filters": {"type": "object", "additionalProperties": {"type": "array", "items": STRING}},
                "hits": {"type": "array", "items": _ref("Hit")},
                "facets": {"type": "object", "additionalProperties": {"type": "array", "items": _ref("FacetValue")}},
                "suggestion": NULLABLE_STRING,
                "suggestion_total": {"type": "integer", "nullable": True},
                "relaxed": {"type": "boolean"},
                "partial": {"type": "boolean", "description": "Le budget de temps a été atteint : meilleurs résultats trouvés."},
                "without_filter": {
                    "type": "array",
                    "items": _object({"facet": STRING, "value": STRING, "label": STRING, "total": INTEGER}),
                },
                "seed": INTEGER,
            },
            required=["query", "total", "page", "page_size", "sort", "hits", "facets", "suggestion", "relaxed", "without_filter"],
        ),
        "Testimonial": _object(
            {
                "id": STRING,
                "name": STRING,
                "profession": STRING,
                "rome": STRING,
                "rome_label": STRING,
                "sector": STRING,
                "sector_label": STRING,
                "country": STRING,
                "country_label": STRING,
                "region": STRING,
                "region_label": STRING,
                "themes": {"type": "array", "items": _object({"value": STRING, "label": STRING})},
                "published": STRING,
                "sections": {"type": "object", "additionalProperties": STRING},
                "url": STRING,
                "related": {"type": "array", "items": _ref("Related")},
            }
        ),
        "Suggestions": _object(
            {
                "query": STRING,
                "suggestions": {
                    "type": "array",
                    "items": _object(
                        {
                            "text": STRING,
                            "kind": {"type": "string", "enum": ["profession", "region", "country", "sector", "interest", "word"]},
                            "kind_label": STRING,
                            "count": INTEGER,
                            "url": {"type": "string", "description": "Où mène le choix : la page du métier, la recherche filtrée, la recherche des mots."},
                            "hint": {"type": "string", "description": "Ce qu’on affiche à côté : « métier · 3 témoignages », « région · Bretagne »."},
                            "code": {"type": "string", "description": "Métier : sa fiche ROME ; lieu ou secteur : la valeur du filtre."},
                            "query": {"type": "string", "description": "Lieu, secteur : les autres mots tapés ; centre d’intérêt : les mots à chercher."},
                            "detail": STRING,
                            "facet": STRING,
                            "value": STRING,
                        },
                        required=["text", "kind", "kind_label", "count", "url"],
                    ),
                },
            }
        ),
        "Nearby": _object({"rome": STRING, "label": STRING, "testimonials": INTEGER, "reason": STRING, "url": STRING}),
        "Metier": _object(
            {
                "rome": STRING,
                "label": STRING,
                "masculine": STRING,
                "feminine": STRING,
                "definition": {"type": "string", "description": "Définition du ROME (France Travail — ROME 4.0, version 60)."},
                "without_diploma": {"type": "boolean", "description": "Le ROME le dit accessible sans diplôme."},
                "levels": {"type": "array", "items": STRING, "description": "Diplômes que cite le ROME : CAP, Bac, Bac+2…"},
                "domain": _object({"code": STRING, "label": STRING}),
                "sector": _object({"code": STRING, "label": STRING}),
                "testimonials": INTEGER,
                "hits": {"type": "array", "items": {"allOf": [_ref("Hit"), _object({"url": STRING})]}},
                "related": {"type": "array", "items": _ref("Nearby")},
                "credit": STRING,
                "url": STRING,
            }
        ),
        "Metiers": _object(
            {
                "metiers": {"type": "array", "items": _object(
                    {"rome": STRING, "label": STRING, "testimonials": INTEGER, "letter": STRING, "url": STRING})},
                "sectors": {"type": "array", "items": _object(
                    {"code": STRING, "label": STRING, "metiers": INTEGER, "testimonials": INTEGER})},
            }
        ),
        "Facets": _object(
            {
                "generation": STRING,
                "count": INTEGER,
                "facets": {
                    "type": "object",
                    "additionalProperties": _object(
                        {"label": STRING, "values": {"type": "array", "items": _ref("FacetValue")}}
                    ),
                },
            }
        ),
        "Health": _object({"status": STRING, "generation": STRING, "created": STRING, "count": INTEGER}),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Bloomr",
            "version": "1.0",
            "description": "Recherche dans les témoignages de professionnels bénévoles. Lecture seule, sans authentification.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Rechercher des témoignages",
                    "operationId": "search",
                    "parameters": _search_parameters(),
                    "responses": {"200": _json(_ref("SearchResults"), "Résultats"), **ERRORS},
                }
            },
            "/api/testimonials/{testimonial_id}": {
                "get": {
                    "summary": "Un témoignage complet",
                    "operationId": "testimonial",
                    "parameters": [{"name": "testimonial_id", "in": "path", "required": True, "schema": STRING}],
                    "responses": {
                        "200": _json(_ref("Testimonial"), "Le témoignage"),
                        "404": _json(_ref("Error"), "Identifiant inconnu"),
                        "410": _json(_ref("Error"), "Témoignage retiré par son auteur"),
                        **ERRORS,
                    },
                }
            },
            "/api/metiers": {
                "get": {
                    "summary": "Les métiers qui ont des témoignages, de A à Z, et les secteurs",
                    "operationId": "metiers",
                    "responses": {"200": _json(_ref("Metiers"), "Les métiers"), **ERRORS},
                }
            },
            "/api/metiers/{rome}": {
                "get": {
                    "summary": "Un métier (fiche ROME) : définition, témoignages, métiers proches",
                    "operationId": "metier",
                    "parameters": [{"name": "rome", "in": "path", "required": True, "schema": STRING,
                                    "description": "Code ROME 4.0 : une lettre et quatre chiffres (J1506)."}],
                    "responses": {
                        "200": _json(_ref("Metier"), "Le métier"),
                        "308": {"description": "Code écrit en minuscules : redirection vers sa forme canonique (J1506)"},
                        "404": _json(_ref("Error"), "Aucun métier n’a ce code"),
                        **ERRORS,
                    },
                }
            },
            "/api/suggest": {
                "get": {
                    "summary": "Suggestions pendant la frappe",
                    "operationId": "suggest",
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20}},
                    ],
                    "responses": {"200": _json(_ref("Suggestions"), "Suggestions"), **ERRORS},
                }
            },
            "/api/facets": {
                "get": {
                    "summary": "Toutes les valeurs de filtre et leurs effectifs",
                    "operationId": "facets",
                    "responses": {"200": _json(_ref("Facets"), "Filtres"), **ERRORS},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "État du service : génération servie et nombre de témoignages",
                    "operationId": "healthz",
                    "responses": {"200": _json(_ref("Health"), "En service"), **ERRORS},
                }
            },
        },
        "components": {"schemas": schemas},
    }
