"""Compression: every text response worth it is gzipped, and keeps its security headers."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from web.app import GZIP_MINIMUM, create_app
from web.settings import Settings


@pytest.fixture(scope="module")
def client(index_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(index=index_dir))) as test_client:
        yield test_client


def raw(client: TestClient, url: str, encoding: str = "gzip") -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body exactly as sent (httpx would decode it)."""
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as response:
        body = b"".join(response.iter_raw())
        return response.status_code, dict(response.headers), body


@pytest.mark.parametrize(
    "url",
    ["/", "/recherche", "/recherche?q=infirmière", "/temoignages/benedicte-infirmiere", "/a-propos",
     "/nulle-part", "/api/search", "/api/facets", "/api/openapi.json", "/static/bloomr.css", "/static/bloomr.js"],
)
def test_text_responses_are_gzipped_with_security_headers(client: TestClient, url: str) -> None:
    status, headers, body = raw(client, url)
    assert status in (200, 404)
    assert headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    plain = gzip.decompress(body)
    assert len(plain) >= GZIP_MINIMUM and len(body) < len(plain)
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options"):
        assert name in headers, (url, name)


def test_identity_when_the_client_does_not_accept_gzip(client: TestClient) -> None:
    status, headers, body = raw(client, "/recherche", encoding="identity")
    assert status == 200 and "content-encoding" not in headers
    assert body.startswith(b"<!doctype html>")
