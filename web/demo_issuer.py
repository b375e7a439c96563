"""The demo's own issuer: the documents the demo's Open Badges 2.0 and status-list credentials
point at, served by this app under ``/demo-issuer/`` so the worker checks them over HTTP the way
it checks any issuer's (hosted assertions, badge classes, the issuer profile, its key and
revocation list, a Bitstring status list). Mounted only when ``Settings.serve_demo_issuer`` is
on, which ``ats-match run`` sets; a production deployment never serves it.

``/demo-issuer/ob2/unavailable/…`` answers 503, as an issuer having a bad day would: the
credential that points there shows "could not check yet" and is retried.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response
from fastapi.responses import JSONResponse

from worker import demo_credentials as issued

router = APIRouter(prefix=issued.DEMO_ISSUER_PATH, include_in_schema=False)
_BADGE_IMAGE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
    '<circle cx="32" cy="32" r="30" fill="#369"/></svg>'
)


def _json(document: dict[str, Any] | None) -> JSONResponse:
    if document is None:
        raise HTTPException(404, "no such demo document")
    return JSONResponse(document, media_type="application/ld+json")


@router.get("/status/{issuer_slug}")
def status_list(issuer_slug: str) -> Response:
    token = issued.status_list(issuer_slug)
    if token is None:
        raise HTTPException(404, "no such status list")
    return Response(token, media_type="application/vc+jwt")


@router.get("/ob2/issuer.json")
def ob2_issuer() -> JSONResponse:
    return _json(issued.ob2_issuer())


@router.get("/ob2/key.json")
def ob2_key() -> JSONResponse:
    return _json(issued.ob2_key())


@router.get("/ob2/revocations.json")
def ob2_revocations() -> JSONResponse:
    return _json(issued.ob2_revocations())


@router.get("/ob2/badges/{slug}.json")
def ob2_badge_class(slug: str) -> JSONResponse:
    return _json(issued.ob2_badge_class(slug))


@router.get("/ob2/unavailable/{slug}.json")
def ob2_unavailable(slug: str) -> Response:
    return Response("the badge service is down for maintenance", 503, {"retry-after": "120"})


@router.get("/ob2/assertions/{slug}.json")
def ob2_assertion(slug: str) -> JSONResponse:
    return _json(issued.ob2_hosted(slug))


@router.get("/ob2/badge.svg")
def ob2_badge_image() -> Response:
    return Response(_BADGE_IMAGE, media_type="image/svg+xml")
