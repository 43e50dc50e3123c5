"""French typography for what the visitor reads: numbers, plurals, dates (``search.french``), and the
site's own rules: unbreakable numbers, apostrophes, elision, « en Bretagne » / « au Québec ».

``number(12345) == "12\u202f345"``, ``plural(2, "résultat") == "2\u00a0résultats"``,
``long_date(date(2023, 2, 14)) == "14\u00a0février 2023"``. Registered as Jinja filters by ``web.app``.
"""

from __future__ import annotations

import re
from datetime import date

from search.french import (  # re-exported: the names the site's and the report's code use
    MONTHS as MONTHS,
    NBSP as NBSP,
    NNBSP as NNBSP,
    long_date as long_date,
    number as number,
    plural as plural,
    quoted as quoted,
)

_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3})(?:[ \u00a0](\d{3}))+(?!\d)")
_UNIT = re.compile(r"(\d)[ \u00a0](%|€|euros?\b|ans?\b|mois\b|heures?\b|h\b|km\b|kilomètres?\b|°)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def unbreakable_numbers(text: str) -> str:
    """Numbers that never break across lines: thousands joined by a narrow no-break space, a
    number and its unit by a no-break space. ``unbreakable_numbers("1 750 euros")`` ==
    ``"1\u202f750\u00a0euros"``; a year or a list of numbers (« 2014 2015 ») is left alone."""
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(" ", NNBSP).replace(NBSP, NNBSP), text)
    return _UNIT.sub(lambda m: f"{m.group(1)}{NBSP}{m.group(2)}", text)


def apostrophes(text: str) -> str:
    """The typographic apostrophe inside words: ``apostrophes("Chargée d'affaires") == "Chargée d’affaires"``."""
    return _APOSTROPHE.sub("’", text) if "'" in text else text


_VOWELS = "aàâäeéèêëiîïoôöuùûüyœæ"
_H_ASPIRATED = ("harp", "halt", "hock", "hand", "hach", "héro", "hér")
"""Words starting with an aspirated h: « de harpiste », « de hockeyeur »."""


def elides(word: str) -> bool:
    """Whether « de », « le » elide before ``word``: « d’infirmière », « d’huissier », « de harpiste »."""
    folded = word.strip().lower()
    if not folded:
        return False
    if folded[0] == "h":
        return not folded.startswith(_H_ASPIRATED)
    return folded[0] in _VOWELS


def of(word: str) -> str:
    """« de » before a job as typed: ``of("notaire") == "de notaire"``, ``of("Infirmière") ==
    "d’infirmière"`` (a capital first letter lowered, an acronym kept: « d’IDE »)."""
    text = word.strip()
    if text[:1].isupper() and not text[:2].isupper():
        text = text[:1].lower() + text[1:]
    return f"d’{text}" if elides(text) else f"de {text}"


_REGIONS_IN = {
    "FR-GES": "dans le Grand Est", "FR-HDF": "dans les Hauts-de-France", "FR-PDL": "dans les Pays de la Loire",
    "FR-974": "à La Réunion", "FR-976": "à Mayotte", "CA-QC": "au Québec", "CA-MB": "au Manitoba",
    "CA-NB": "au Nouveau-Brunswick", "CA-NU": "au Nunavut", "CA-YT": "au Yukon",
}
_COUNTRIES_AT = frozenset({"MC", "MG", "DJ", "MU", "SG", "MT", "CY", "CU"})
_COUNTRIES_IN = frozenset({"HT", "IL", "IR", "IQ", "AF", "EC", "AO", "UG", "OM"})
_COUNTRIES_MASCULINE_E = frozenset({"MX", "KH", "MZ", "ZW", "BZ"})


def where(facet: str, value: str, label: str) -> str:
    """Where a filter narrows to, as French says it: ``where("region", "FR-BRE", "Bretagne") ==
    "en Bretagne"``, ``where("country", "CA", "Canada") == "au Canada"``, ``where("sector", "J",
    "Santé") == "dans le secteur «\u00a0Santé\u00a0»"``; a place French grammar cannot be guessed for
    reads « pour «\u00a0Genève\u00a0» »."""
    if facet == "sector":
        return f"dans le secteur {quoted(label)}"
    if facet == "country":
        if value in _COUNTRIES_AT:
            return f"à {label}"
        if label.endswith("s") and value not in ("LA", "HN", "BB"):  # aux États-Unis, but au Laos
            return f"aux {label}"
        if value in _COUNTRIES_IN or label.startswith("République") or elides(label):
            return f"en {label}"
        if label.endswith("e") and value not in _COUNTRIES_MASCULINE_E:
            return f"en {label}"
        return f"au {label}"
    if facet == "region":
        if value in _REGIONS_IN:
            return _REGIONS_IN[value]
        if value.startswith(("FR-", "BE-")) or label.startswith("Région") or (value.startswith("CA-") and (elides(label) or label.endswith("e"))):
            return f"en {label}"
    return f"pour {quoted(label)}"
