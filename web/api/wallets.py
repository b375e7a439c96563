""" "Present your credentials": the recruiter's API and the candidate's wallet endpoints.

Candidate-facing routes (``/present/{request_id}...``) carry no API key: the unguessable request
id in the link the candidate was sent is the capability, and every row they touch is reached
through that request (its organisation, its application).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl

import segno
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from ats_match.models import PresentationProtocol, Role, Scope, User
from ats_match.models.wallets import PresentationRequestPublic
from ats_match.security import require_role
from ats_match.services import wallets
from ats_match.settings import get_settings
from ats_match.wallets import oid4vp
from ats_match.wallets.errors import NotAPresentation
from ats_match.wallets.server_key import verifier_key
from web.api.contract import PUBLIC
from web.deps import SessionDep, requires

router = APIRouter(tags=["wallets"])


async def _raw_body(request: Request) -> bytes:
    return await request.body()


async def _uploaded_files(request: Request) -> list[tuple[str, bytes]]:
    form = await request.form()
    return [
        (str(item.filename or "upload"), await item.read())
        for item in form.getlist("files")
        if not isinstance(item, str)
    ]


# Endpoints are sync (run in the thread pool): their database work, which may wait on a row
# lock (two answers to one request), must never block the event loop. Bodies are read here.
RawBody = Annotated[bytes, Depends(_raw_body)]
UploadedFiles = Annotated[list[tuple[str, bytes]], Depends(_uploaded_files)]
TEMPLATES = Jinja2Templates(directory=Path(__file__).parents[1] / "templates")
JAR_MEDIA_TYPE = "application/oauth-authz-req+jwt"
REFUSED: dict[int | str, dict[str, Any]] = {
    400: {"description": "the presentation was refused; `detail` tells the candidate why"}
}


@router.post(
    "/api/v1/applications/{application_id}/presentation-requests",
    status_code=201,
    response_model=PresentationRequestPublic,
)
def create_presentation_request(
    application_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.APPLICATIONS_WRITE)],
) -> PresentationRequestPublic:
    """A single-use link (and QR code) to send the candidate so they present from a wallet."""
    require_role(user.role, Role.RECRUITER)
    return wallets.public_view(wallets.create_request(session, user, application_id))


@router.get("/present/{request_id}", openapi_extra=PUBLIC, response_class=HTMLResponse)
def presentation_page(
    request_id: uuid.UUID, request: Request, session: SessionDep, iuv: str | None = None
) -> Response:
    """The candidate's page: a QR code for an OpenID4VP wallet, the link, and the VC-API
    exchange for the Learner Credential Wallet. With ``?iuv=1`` (a VCALM interaction URL, as
    LCW reads it) the protocols this request offers, as JSON."""
    view = wallets.public_view(wallets.open_request(session, request_id))
    if iuv == "1":
        protocols = {"vcapi": f"{view.url}/exchange", "OID4VP": view.openid4vp_url}
        return JSONResponse({"protocols": protocols})
    qr = segno.make(view.openid4vp_url, error="m")
    return TEMPLATES.TemplateResponse(
        request,
        "pages/present.html",
        {
            "view": view,
            "qr_svg": qr.svg_inline(scale=4, title="Scan with your wallet"),
            "exchange_url": f"{view.url}/exchange",
            "user": None,
        },
    )


@router.get("/present/{request_id}/request.jwt", openapi_extra=PUBLIC)
def request_object(request_id: uuid.UUID, session: SessionDep) -> Response:
    """OpenID4VP: the signed request object the wallet fetches from ``request_uri``."""
    request = wallets.open_request(session, request_id)
    base = get_settings().base_url.rstrip("/")
    params = oid4vp.RequestParams(
        nonce=request.nonce,
        state=request.state,
        response_uri=f"{base}/present/{request.id}/response",
        expires_at=int(request.expires_at.timestamp()),
    )
    token = oid4vp.request_object(base, verifier_key(get_settings().data_dir), params)
    return Response(token, media_type=JAR_MEDIA_TYPE)


@router.post("/present/{request_id}/response", openapi_extra=PUBLIC, responses=REFUSED)
def direct_post(request_id: uuid.UUID, body: RawBody, session: SessionDep) -> Response:
    """OpenID4VP ``direct_post``: ``vp_token`` and ``state``, form-encoded."""
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    open_request = wallets.open_request(session, request_id)
    presentations = oid4vp.presentations_of(form, open_request.state)
    accepted = wallets.accept(
        session,
        request_id,
        presentations,
        protocol=PresentationProtocol.OID4VP,
        audience=oid4vp.client_id(get_settings().base_url.rstrip("/")),
        fetcher=_fetcher(),
    )
    return JSONResponse({"message": accepted.message(), "holder": accepted.holder})


@router.post("/present/{request_id}/exchange", openapi_extra=PUBLIC, responses=REFUSED)
def vc_api_exchange(request_id: uuid.UUID, raw: RawBody, session: SessionDep) -> Any:
    """VC-API exchange as the Learner Credential Wallet runs it: an empty POST gets the
    Verifiable Presentation Request (DID authentication plus the credentials); a POST with
    ``verifiablePresentation`` answers it."""
    body = _json_body(raw, allow_empty=True)
    if not isinstance(body, dict) or "verifiablePresentation" not in body:
        view = wallets.public_view(wallets.open_request(session, request_id))
        return {"verifiablePresentationRequest": _vpr(view)}
    return _accept_upload(session, request_id, body["verifiablePresentation"])


@router.post("/present/{request_id}/vp", openapi_extra=PUBLIC, responses=REFUSED)
def upload_presentation(request_id: uuid.UUID, raw: RawBody, session: SessionDep) -> Any:
    """A W3C Verifiable Presentation uploaded as is: JSON-LD (Data Integrity proof) or a VP-JWT
    (``application/jwt`` or a JSON string)."""
    text = raw.decode("utf-8", "replace").strip()
    vp: Any = text if text.startswith("ey") else _json_body(raw)
    if isinstance(vp, dict) and "verifiablePresentation" in vp:
        vp = vp["verifiablePresentation"]
    return _accept_upload(session, request_id, vp)


@router.post("/present/{request_id}/files", openapi_extra=PUBLIC, responses=REFUSED)
def upload_files(request_id: uuid.UUID, files: UploadedFiles, session: SessionDep) -> Any:
    """Fallback: credential files (JSON, JWT, baked PNG/SVG) uploaded without a presentation.
    Stored for the application but bound to nobody; the request stays open for a wallet."""
    stored = wallets.store_upload(session, request_id, files)
    return {
        "message": f"Thank you: {stored} credential(s) received. Uploaded files are not linked "
        "to you; present them from your wallet to prove they are yours.",
        "credentials": stored,
        "holder": None,
    }


@router.get("/.well-known/did.json", openapi_extra=PUBLIC)
def verifier_did_document() -> dict[str, Any]:
    """The server's DID document (``did:web``): the key that signs OpenID4VP requests."""
    settings = get_settings()
    return oid4vp.did_document(settings.base_url.rstrip("/"), verifier_key(settings.data_dir))


def _accept_upload(session: SessionDep, request_id: uuid.UUID, vp: Any) -> dict[str, Any]:
    accepted = wallets.accept(
        session,
        request_id,
        [vp],
        protocol=PresentationProtocol.VP_UPLOAD,
        audience=wallets.server_domain(),
        fetcher=_fetcher(),
    )
    return {
        "message": accepted.message(),
        "holder": accepted.holder,
        "credentials": accepted.credentials,
        "bound": accepted.bound,
    }


def _vpr(view: PresentationRequestPublic) -> dict[str, Any]:
    example = {"type": "OpenBadgeCredential"}
    return {
        "query": [
            {
                "type": "DIDAuthentication",
                "acceptedMethods": [{"method": "key"}, {"method": "web"}],
            },
            {"type": "QueryByExample", "credentialQuery": [{"example": example}]},
        ],
        "challenge": view.challenge,
        "domain": view.domain,
        "interact": {
            "service": [
                {
                    "type": "UnmediatedPresentationService2021",
                    "serviceEndpoint": f"{view.url}/exchange",
                }
            ]
        },
    }


def _json_body(raw: bytes, *, allow_empty: bool = False) -> Any:
    if not raw.strip() and allow_empty:
        return {}
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise NotAPresentation("Send a Verifiable Presentation as JSON (or a VP-JWT).") from exc


def _fetcher() -> Any:
    from worker.pipeline import shared_fetcher

    return shared_fetcher()
