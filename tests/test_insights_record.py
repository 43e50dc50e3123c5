"""insights.record, insights.rules, insights.dedupe: what a counted search holds, and which requests count."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from insights.dedupe import OncePerDay
from insights.record import Record, normalise_query, record_of
from insights.rules import is_robot, skip_reason
from search.index import IndexHandle
from search.query import search

DAY = date(2026, 12, 1)
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Infirmière", "infirmiere"),
        ("INFIRMIERE  de   NUIT", "infirmiere de nuit"),
        ("l’alternance, c’est quoi ?!", "alternance est quoi"),
        ("aide-soignante", "aide soignante"),
        ("dans le 93", "dans le"),  # the number is a place (kept as its filter), not words
        ("lea.martin@example.fr boulanger", "boulanger"),
        ("https://exemple.fr/page boulanger", "boulanger"),
        ("appelle-moi au 06 12 34 56 78", "appelle moi au"),
        ("né en 2009 à Brest", "ne en brest"),
        ("je veux travailler avec les animaux", "veux travailler animaux"),
        ("un deux trois quatre cinq six sept", "deux trois quatre cinq six"),  # « un » goes first
        ("a" * 30 + " menuisier", "menuisier"),
        ("« ébéniste » -meuble", "ebeniste meuble"),
        ("", ""),
    ],
)
def test_words_are_folded_and_at_most_five(typed: str, kept: str) -> None:
    assert normalise_query(typed) == kept


def test_normalised_words_hold_only_letters_and_single_spaces() -> None:
    for typed in ("192.168.1.20", "Mozilla/5.0 (X11; Linux)", "session=9f8e7d6c5b4a", "2026-12-01T10:42:00Z", "::1"):
        kept = normalise_query(typed)
        assert all(c.isascii() and (c.islower() or c == " ") for c in kept), kept
        assert not any(c.isdigit() for c in kept)


@pytest.fixture(scope="module")
def generation(understood_index: Path):  # type: ignore[no-untyped-def]
    return IndexHandle(understood_index).current()


def record(generation, text: str = "", **filters: list[str]) -> Record | None:  # type: ignore[no-untyped-def]
    return record_of(search(generation, text, filters=filters), generation, day=DAY)


def test_a_profession_with_testimonials_and_a_place(generation) -> None:  # type: ignore[no-untyped-def]
    assert record(generation, "Infirmière Bretagne") == Record(
        DAY, "infirmiere bretagne", ("J1506",), ("region=FR-BRE",), (), found=True, zero=False
    )


def test_a_profession_without_testimonial_is_not_found(generation) -> None:  # type: ignore[no-untyped-def]
    found = record(generation, "notaire")
    assert found is not None and found.fiches == ("K1901",) and not found.found


def test_ticked_profession_counts_as_a_fiche_asked_for(generation) -> None:  # type: ignore[no-untyped-def]
    found = record(generation, "", profession=["M1855"], country=["CH"])
    assert found is not None
    assert (found.query, found.fiches, found.filters, found.found) == ("", ("M1855",), ("country=CH",), True)


def test_interests_advice_themes_and_jobs_without_fiche(generation) -> None:  # type: ignore[no-untyped-def]
    assert record(generation, "je veux travailler avec les animaux").interests == ("interest=animaux",)  # type: ignore[union-attr]
    assert record(generation, "infirmière alternance").interests == ("advice_theme=alternance",)  # type: ignore[union-attr]
    astronaut = record(generation, "astronaute")
    assert astronaut is not None and astronaut.interests == ("unlisted=astronaute",) and astronaut.fiches == ()


def test_values_nobody_defined_are_not_kept(generation) -> None:  # type: ignore[no-untyped-def]
    found = record(generation, "boulanger", region=["ZZ-192.168.1.1"], country=["XX"], profession=["Z9999"])
    assert found is not None and found.filters == () and found.fiches == ("D1102",)


def test_browsing_without_words_or_filters_is_not_a_search(generation) -> None:  # type: ignore[no-untyped-def]
    assert record(generation, "") is None


def test_zero_result(generation) -> None:  # type: ignore[no-untyped-def]
    found = record(generation, "xqzzykw")
    assert found is not None and found.zero and found.query == "xqzzykw"


@pytest.mark.parametrize(
    ("method", "page", "headers", "beacon", "reason"),
    [
        ("GET", 1, {"user-agent": BROWSER}, False, None),
        ("GET", 2, {"user-agent": BROWSER}, False, "page"),
        ("GET", 1, {"user-agent": BROWSER, "x-bloomr-live": "typing"}, False, "typing"),
        ("GET", 1, {"user-agent": BROWSER, "sec-purpose": "prefetch;prerender"}, False, "prefetch"),
        ("GET", 1, {"user-agent": BROWSER, "purpose": "prefetch"}, False, "prefetch"),
        ("GET", 1, {"user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}, False, "robot"),
        ("GET", 1, {"user-agent": "curl/8.5.0"}, False, "robot"),
        ("GET", 1, {"user-agent": "python-requests/2.32"}, False, "robot"),
        ("GET", 1, {"user-agent": "Mozilla/5.0 HeadlessChrome/131.0"}, False, "robot"),
        ("GET", 1, {"user-agent": "WhatsApp/2.23.20.0"}, False, "robot"),
        ("GET", 1, {}, False, "robot"),
        ("HEAD", 1, {"user-agent": BROWSER}, False, "method"),
        ("POST", 1, {"user-agent": BROWSER, "sec-fetch-site": "same-origin"}, True, None),
        ("POST", 1, {"user-agent": BROWSER}, True, None),
        ("POST", 1, {"user-agent": BROWSER, "sec-fetch-site": "cross-site"}, True, "cross-site"),
        ("POST", 1, {"user-agent": BROWSER}, False, "method"),
    ],
)
def test_which_requests_count(method: str, page: int, headers: dict[str, str], beacon: bool, reason: str | None) -> None:
    assert skip_reason(method=method, page=page, headers=headers, beacon=beacon) == reason


def test_browsers_are_not_robots() -> None:
    for agent in (BROWSER, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile Safari/604.1",
                  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"):
        assert not is_robot(agent)


def test_once_a_day_per_address_and_search() -> None:
    once = OncePerDay()
    shape = ("notaire", ("K1901",), (), (), False, False)
    assert once.first("203.0.113.9", shape, DAY)
    assert not once.first("203.0.113.9", shape, DAY)
    assert once.first("203.0.113.10", shape, DAY)
    assert once.first("203.0.113.9", ("notaire bretagne",), DAY)
    assert once.first("203.0.113.9", shape, date(2026, 12, 2))  # a new day, a new key: counted again


def test_once_a_day_stays_bounded() -> None:
    once = OncePerDay(capacity=10)
    for n in range(25):
        once.first(f"198.51.100.{n}", ("x",), DAY)
    assert len(once._seen) <= 10
