"""Credential links: a fake fetcher for the mapping logic, a real loopback issuer end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ats_match.formats import extract_bytes, extract_url
from ats_match.formats.model import Envelope, ExtractionErrorCode, Spec
from ats_match.net.fetcher import FetchError, FetchErrorKind, FetchResponse
from tests.support.baking import bake_png, bake_svg, ob1_assertion, ob2_assertion, resume_pdf
from tests.support.issuer_server import IssuerServer


class FakeFetcher:
    """Answers from a dict of URL → (body, content type); records every request."""

    def __init__(self, routes: dict[str, tuple[bytes, str]]) -> None:
        self.routes = routes
        self.requested: list[str] = []

    def get(
        self, url: str, *, accept: str | None = None, max_bytes: int | None = None
    ) -> FetchResponse:
        self.requested.append(url)
        if url not in self.routes:
            raise FetchError(FetchErrorKind.HTTP_ERROR, url, "404", status=404)
        body, content_type = self.routes[url]
        if max_bytes is not None and len(body) > max_bytes:
            raise FetchError(FetchErrorKind.TOO_LARGE, url, "too large")
        return FetchResponse(url, 200, body, {"content-type": content_type})


def as_json(doc: dict[str, Any]) -> tuple[bytes, str]:
    return json.dumps(doc).encode(), "application/json"


def test_credly_link_fetches_the_public_ob_export() -> None:
    badge_id = "6e4a9c3e-6d8b-4b1f-9c53-1f4e0b4f9a2d"
    api = f"https://api.credly.com/v1/obi/v2/badge_assertions/{badge_id}"
    doc = ob2_assertion(api)
    fetcher = FakeFetcher({api: as_json(doc)})
    result = extract_url(f"https://www.credly.com/badges/{badge_id}/public_url", fetcher)
    [form] = result.credentials
    assert form.format == "ob2-hosted" and form.id == api and fetcher.requested == [api]
    assert form.source == f"https://www.credly.com/badges/{badge_id}/public_url"


def test_hosted_assertion_badge_and_issuer_are_resolved_for_the_summary() -> None:
    doc = ob2_assertion("https://issuer.test/a/1", embed=False)
    embedded = ob2_assertion()["badge"]
    issuer = embedded.pop("issuer")
    embedded["issuer"] = issuer["id"]
    fetcher = FakeFetcher(
        {
            "https://issuer.test/a/1": as_json(doc),
            embedded["id"]: as_json(embedded),
            issuer["id"]: as_json(issuer),
        }
    )
    [form] = extract_url("https://issuer.test/a/1", fetcher).credentials
    assert form.achievement.name == "Python Programming" and form.issuer.name == "Test Institute"
    assert form.document == doc  # only the summary was filled in


def test_fetch_failure_is_a_typed_error() -> None:
    result = extract_url("https://issuer.test/missing.json", FakeFetcher({}))
    [error] = result.errors
    assert error.code == ExtractionErrorCode.FETCH_FAILED and "http_error" in error.detail


def test_html_page_is_not_a_badge() -> None:
    fetcher = FakeFetcher({"https://x.test/badge": (b"<html></html>", "text/html")})
    [error] = extract_url("https://x.test/badge", fetcher).errors
    assert error.code == ExtractionErrorCode.NOT_A_BADGE


def test_baked_hosted_reference_is_followed_with_a_fetcher() -> None:
    url = "https://legacy.test/assertions/7.json"
    fetcher = FakeFetcher({url: as_json(ob1_assertion(url))})
    for image in (bake_png(url), bake_svg(verify=url)):
        [form] = extract_bytes(image, fetcher=fetcher).credentials
        assert form.spec == Spec.OB1 and form.envelope == Envelope.HOSTED


def test_resume_links_are_followed_with_a_fetcher() -> None:
    url = "https://uni.test/assertions/1.json"
    fetcher = FakeFetcher({url: as_json(ob2_assertion(url))})
    result = extract_bytes(resume_pdf([f"badge {url}"]), source="cv.pdf", fetcher=fetcher)
    assert [c.format for c in result.credentials] == ["ob2-hosted"]
    assert result.links == [url]


@pytest.fixture(scope="module")
def server() -> Iterator[IssuerServer]:
    with IssuerServer() as s:
        yield s


def http_fetcher() -> Any:
    http = pytest.importorskip("ats_match.net.http")
    from ats_match.settings import get_settings

    return http.HttpFetcher(get_settings(), allow_hosts=["127.0.0.1", "localhost"])


def test_loopback_json_png_svg_urls(server: IssuerServer) -> None:
    hosted = server.url("/assertions/1.json")
    doc = ob2_assertion(hosted)
    server.serve("/assertions/1.json", doc)
    png_url = server.serve("/badge.png", bake_png(doc), content_type="image/png")
    svg_url = server.serve("/badge.svg", bake_svg(doc), content_type="image/svg+xml")
    fetcher = http_fetcher()
    formats = [
        [c.format for c in extract_url(u, fetcher).credentials] for u in (hosted, png_url, svg_url)
    ]
    assert formats == [["ob2-hosted"], ["ob2-png"], ["ob2-svg"]]


def test_loopback_too_large_is_refused(server: IssuerServer) -> None:
    from ats_match.formats import Limits

    url = server.serve("/big.json", b"{" + b" " * 5000 + b"}", content_type="application/json")
    result = extract_url(url, http_fetcher(), limits=Limits(max_image_bytes=1000))
    assert [e.code for e in result.errors] == [ExtractionErrorCode.FETCH_FAILED]
    assert "too_large" in result.errors[0].detail


def test_a_bare_url_file_is_a_hosted_reference() -> None:
    url = "https://issuer.example/a/123"
    assert extract_bytes(f"{url}\n".encode()).links == [url]
    fetcher = FakeFetcher({url: as_json(ob2_assertion(url))})
    [form] = extract_bytes(url.encode(), fetcher=fetcher).credentials
    assert form.format == "ob2-hosted"


def test_badgr_and_canvas_pages_fetch_the_api_assertion() -> None:
    api = "https://api.badgr.io/public/assertions/QwErTy987?v=2_0"
    fetcher = FakeFetcher(
        {api: as_json(ob2_assertion("https://api.badgr.io/public/assertions/QwErTy987"))}
    )
    for page in (
        "https://badgr.com/public/assertions/QwErTy987",
        "https://badges.instructure.com/public/assertions/QwErTy987",
    ):
        [form] = extract_url(page, fetcher).credentials
        assert form.format == "ob2-hosted" and form.source == page
    assert fetcher.requested == [api, api]


def test_attached_ob2_json_is_summarised_with_a_fetcher_only() -> None:
    doc = ob2_assertion(embed=False)
    badge = ob2_assertion()["badge"]
    fetcher = FakeFetcher({badge["id"]: as_json(badge)})
    [bare] = extract_bytes(json.dumps(doc).encode()).credentials
    assert bare.achievement.name is None and bare.achievement.id == badge["id"]
    [form] = extract_bytes(json.dumps(doc).encode(), fetcher=fetcher).credentials
    assert form.achievement.name == "Python Programming" and form.issuer.name == "Test Institute"
    assert form.format == "ob2-json"


def test_reference_chains_stop_at_a_fixed_depth() -> None:
    routes = {
        f"https://loop.test/{i}.png": (bake_png(f"https://loop.test/{i + 1}.png"), "image/png")
        for i in range(10)
    }
    fetcher = FakeFetcher(routes)
    result = extract_url("https://loop.test/0.png", fetcher)
    assert result.credentials == [] and len(fetcher.requested) == 2
    assert [e.code for e in result.errors] == [ExtractionErrorCode.NOT_FETCHED]
