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
                        {"text": STRING, "kind": STRING, "kind_label": STRING, "count": INTEGER, "url": STRING}
                    ),
                },
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
