"""Attachment → internal forms: sniff the format, unwrap envelopes, parse, collect typed errors.

What: :func:`extract_bytes` turns any attachment (JSON, compact JWS/JWT, baked PNG/SVG, PDF,
DOCX, text with links) into :class:`CredentialForm` objects or stored, typed
:class:`ExtractionError` reasons; :func:`extract_url` fetches a credential link through an
injected :class:`Fetcher` and does the same.
Why the format is sniffed from the bytes: file names and content types from ATSs are unreliable;
the declared ``content_type`` is only a hint for documents. Parsing never touches the network:
only a hosted reference (a URL baked in an image, a link in a resume) uses the fetcher, and only
when one is given.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

from ats_match.formats import jose, png, svg
from ats_match.formats.blockcerts import blockcerts_spec, parse_blockcerts
from ats_match.formats.documents import extract_text_from_document, is_pdf, is_zip
from ats_match.formats.edc import is_edc, parse_edc, parse_sealed
from ats_match.formats.errors import FormatError, Limits, load_json
from ats_match.formats.fields import types_of
from ats_match.formats.links import fetch_url_for, find_credential_urls
from ats_match.formats.model import (
    CredentialForm,
    Envelope,
    ExtractionError,
    ExtractionErrorCode,
    ExtractionResult,
    Spec,
)
from ats_match.formats.ob2 import parse_assertion, spec_of_assertion
from ats_match.formats.vc import (
    credential_and_spec_from_jwt,
    enveloped_token,
    nested_items,
    parse_vc,
    vc_spec,
)
from ats_match.net.fetcher import Fetcher, FetchError

log = logging.getLogger(__name__)
NOT_CREDENTIAL_TYPES = frozenset(
    {
        "BadgeClass",
        "Issuer",
        "Profile",
        "CryptographicKey",
        "RevocationList",
        "Achievement",
        "BitstringStatusListCredential",
        "StatusList2021Credential",
        "RevocationList2020Credential",
    }
)
MAX_FOLLOWED_LINKS = 20
MAX_LINK_DEPTH = 2
ACCEPT = (
    "application/ld+json, application/json;q=0.9, image/png;q=0.8, image/svg+xml;q=0.8, */*;q=0.1"
)
_DOCUMENT_TYPES = ("application/pdf", "application/vnd.openxmlformats")


class _Job:
    """One extraction: its limits, optional fetcher, and what it has found so far."""

    def __init__(self, limits: Limits, fetcher: Fetcher | None, depth: int) -> None:
        self.limits = limits
        self.fetcher = fetcher
        self.depth = depth
        self.result = ExtractionResult()

    def add(self, form: CredentialForm, raw: bytes, source: str | None) -> None:
        form.raw = raw
        form.source = source
        self.result.credentials.append(form)
        if form.spec == Spec.CLR2 and form.bundle_digest is None:
            self._add_nested(form, source)

    def fail(self, exc: FormatError, source: str | None) -> None:
        self.result.errors.append(exc.to_error(source))

    def _add_nested(self, bundle: CredentialForm, source: str | None) -> None:
        items = nested_items(bundle.document)
        if len(items) > self.limits.max_nested:
            detail = f"CLR bundle holds {len(items)} credentials (limit {self.limits.max_nested})"
            self.fail(FormatError(ExtractionErrorCode.TOO_LARGE, detail), source)
            return
        for index, item in enumerate(items):
            try:
                form, raw = _nested_form(item, self.limits)
            except FormatError as exc:
                exc.detail = f"nested credential {index}: {exc.detail}"
                self.fail(exc, source)
                continue
            form.bundle_digest = bundle.digest
            self.add(form, raw, f"{source or 'bundle'}#verifiableCredential[{index}]")


def extract_bytes(
    data: bytes,
    *,
    source: str | None = None,
    content_type: str | None = None,
    fetcher: Fetcher | None = None,
    limits: Limits | None = None,
) -> ExtractionResult:
    """Every credential in one attachment, plus typed reasons for whatever could not be read.

    ``fetcher`` (optional) lets hosted references and credential links be followed; without it
    they are listed in ``result.links`` and nothing touches the network."""
    job = _Job(limits or Limits.from_settings(), fetcher, depth=0)
    _run(job, data, source, content_type)
    return _finish(job, source)


def extract_url(url: str, fetcher: Fetcher, *, limits: Limits | None = None) -> ExtractionResult:
    """Fetch ``url`` (a Credly / Badgr page is mapped to its Open Badges export) and extract."""
    job = _Job(limits or Limits.from_settings(), fetcher, depth=0)
    _follow(job, url)
    return _finish(job, url)


def dedupe(credentials: list[CredentialForm]) -> list[CredentialForm]:
    """Drop repeats of the same document (same raw digest, spec and id), keeping the first."""
    if len(credentials) < 2:
        return credentials  # nothing to repeat: spares hashing the raw bytes
    seen: set[tuple[str, str, str | None]] = set()
    unique: list[CredentialForm] = []
    for form in credentials:
        key = (form.digest, form.spec.value, form.id)
        if key not in seen:
            seen.add(key)
            unique.append(form)
    return unique


def _finish(job: _Job, source: str | None) -> ExtractionResult:
    """Deduplicate; when only unfollowed links were found, store why nothing was extracted."""
    result = job.result
    result.credentials = dedupe(result.credentials)
    if job.fetcher is not None:
        for form in result.credentials:
            _enrich_ob2(form, job.fetcher, job.limits)
    result.links = list(dict.fromkeys(result.links))
    if result.links and not result.credentials and not result.errors and job.fetcher is None:
        shown = ", ".join(result.links[:5]) + (" …" if len(result.links) > 5 else "")
        detail = f"credential link(s) found but not fetched: {shown}"
        result.errors.append(
            ExtractionError(code=ExtractionErrorCode.NOT_FETCHED, detail=detail, source=source)
        )
    return result


def _run(job: _Job, data: bytes, source: str | None, content_type: str | None) -> None:
    try:
        _dispatch(job, data, source, content_type)
    except FormatError as exc:
        job.fail(exc, source)
    except (RecursionError, MemoryError):
        job.fail(FormatError(ExtractionErrorCode.UNSAFE_DOCUMENT, "input too complex"), source)
    except Exception as exc:  # a shape nobody foresaw: stored as a reason, never a crash
        log.exception("extraction failed unexpectedly for %s", source)
        detail = f"could not be parsed ({type(exc).__name__})"
        job.fail(FormatError(ExtractionErrorCode.UNSUPPORTED, detail), source)


def _dispatch(job: _Job, data: bytes, source: str | None, content_type: str | None) -> None:
    if len(data) > job.limits.max_attachment_bytes:
        raise FormatError(ExtractionErrorCode.TOO_LARGE, "attachment exceeds the size limit")
    if not data.strip():
        raise FormatError(ExtractionErrorCode.NOT_A_BADGE, "empty attachment")
    if png.is_png(data):
        return _from_png(job, data, source)
    if is_pdf(data) or is_zip(data) or (content_type or "").startswith(_DOCUMENT_TYPES):
        return _from_document(job, data, source)
    text = _as_text(data, job.limits)
    stripped = text.strip()
    if stripped.startswith("<") and svg.is_svg(data):
        return _from_svg(job, data, source)
    if stripped.startswith(("https://", "http://")) and not any(c.isspace() for c in stripped):
        return _from_links(job, [stripped], source)  # a bare URL: a hosted credential
    if stripped.startswith(("{", "[")):
        return _from_json_text(job, stripped, Envelope.JSON, data, source)
    if jose.looks_compact(stripped):
        return _from_compact(job, stripped, None, data, source)
    links = find_credential_urls(text)
    if links:
        return _from_links(job, links, source)
    raise FormatError(ExtractionErrorCode.NOT_A_BADGE, "no credential or credential link found")


def _as_text(data: bytes, limits: Limits) -> str:
    """UTF-8 text or ``NOT_A_BADGE``: binary garbage never reaches a parser."""
    if len(data) > limits.max_document_bytes * 2:
        raise FormatError(ExtractionErrorCode.TOO_LARGE, "text attachment exceeds the limit")
    if b"\0" in data[:8192]:
        raise FormatError(ExtractionErrorCode.NOT_A_BADGE, "binary data of no known format")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(
            ExtractionErrorCode.NOT_A_BADGE, "binary data of no known format"
        ) from None


def _from_png(job: _Job, data: bytes, source: str | None) -> None:
    if len(data) > job.limits.max_image_bytes:
        raise FormatError(ExtractionErrorCode.TOO_LARGE, "image exceeds the image size limit")
    texts = png.baked_texts(io.BytesIO(data), job.limits)
    if not texts:
        raise FormatError(ExtractionErrorCode.NOT_A_BADGE, "a PNG image without a baked badge")
    for _keyword, value in texts:
        _from_baked_value(job, value, None, Envelope.PNG, data, source)


def _from_svg(job: _Job, data: bytes, source: str | None) -> None:
    values = svg.baked_values(data, job.limits)
    if not values:
        raise FormatError(ExtractionErrorCode.NOT_A_BADGE, "an SVG image without a baked badge")
    for value in values:
        _from_baked_value(job, value.text, value.verify, Envelope.SVG, data, source)


def _from_baked_value(
    job: _Job, text: str, verify: str | None, envelope: Envelope, raw: bytes, source: str | None
) -> None:
    """A baked payload: a JWS/JWT (text or ``verify``), embedded JSON, or a hosted URL."""
    try:
        body = text.strip()
        if verify and jose.looks_compact(verify):
            _from_compact(job, verify, envelope, raw, source)
        elif jose.looks_compact(body):
            _from_compact(job, body, envelope, raw, source)
        elif body.startswith("{"):
            _from_json_text(job, body, envelope, raw, source)
        elif (url := verify or body).startswith(("https://", "http://")):
            _from_links(job, [url], source)
        else:
            raise FormatError(ExtractionErrorCode.MALFORMED_JSON, "baked value is not a badge")
    except FormatError as exc:
        job.fail(exc, source)


def _from_json_text(
    job: _Job, text: str, envelope: Envelope, raw: bytes, source: str | None
) -> None:
    value = load_json(text, job.limits)
    docs = value if isinstance(value, list) else [value]
    for doc in docs[: job.limits.max_nested]:
        if not isinstance(doc, dict):
            raise FormatError(ExtractionErrorCode.NOT_A_BADGE, "JSON that is not an object")
        sealed = parse_sealed(doc, text if len(docs) == 1 else json.dumps(doc))
        if sealed is not None:
            job.add(sealed, raw, source)
            continue
        token = enveloped_token(doc)
        if token is not None:
            inner = Envelope.JWT if envelope == Envelope.JSON else envelope
            job.add(_form_from_compact(token, inner, job.limits), raw, source)
        else:
            job.add(_form_from_doc(doc, envelope), raw, source)


def _from_compact(
    job: _Job, token: str, envelope: Envelope | None, raw: bytes, source: str | None
) -> None:
    """``token`` has been matched by :func:`jose.looks_compact` (every caller sniffs first)."""
    job.add(_form_from_compact(token, envelope, job.limits, shape_checked=True), raw, source)


def _form_from_doc(
    doc: dict[str, Any], envelope: Envelope, compact: str | None = None
) -> CredentialForm:
    """Route a decoded document to the Blockcerts, OB 3.0 / CLR or OB 1.x / 2.0 parser."""
    spec = blockcerts_spec(doc)
    if spec is not None:
        return parse_blockcerts(doc, spec, envelope)
    if is_edc(doc):
        return parse_edc(doc, envelope)
    spec = vc_spec(doc)
    if spec is not None:
        return parse_vc(doc, spec, envelope, compact=compact)
    spec = spec_of_assertion(doc)
    if spec is not None:
        return parse_assertion(doc, spec, envelope, compact=compact)
    kinds = types_of(doc)
    infrastructure = kinds & NOT_CREDENTIAL_TYPES
    if infrastructure:
        detail = f"a {sorted(infrastructure)[0]}, not an assertion or credential"
        raise FormatError(ExtractionErrorCode.NOT_A_BADGE, detail)
    raise FormatError(
        ExtractionErrorCode.UNKNOWN_FORMAT,
        "JSON that is neither an Open Badges assertion nor a verifiable credential",
    )


def _form_from_compact(
    token: str, envelope: Envelope | None, limits: Limits, *, shape_checked: bool = False
) -> CredentialForm:
    """A VC-JWT (VCDM 1.1 ``vc`` claim or VCDM 2.0 payload) or an OB 2.0 signed assertion."""
    _header, payload = jose.decode_compact(token, limits, shape_checked=shape_checked)
    if is_edc(payload):
        return parse_edc(payload, Envelope.JADES, sealed=token)
    found = credential_and_spec_from_jwt(payload)
    if found is not None:
        credential, vc = found
        return parse_vc(credential, vc, envelope or Envelope.JWT, compact=token)
    ob = spec_of_assertion(payload)
    if ob is not None:
        return parse_assertion(payload, ob, envelope or Envelope.JWS, compact=token)
    raise FormatError(
        ExtractionErrorCode.UNKNOWN_FORMAT, "a JWS/JWT that carries no credential or assertion"
    )


def _nested_form(item: Any, limits: Limits) -> tuple[CredentialForm, bytes]:
    """A CLR-nested entry (JSON object or compact VC-JWT) and the bytes it is stored as."""
    token = item.strip() if isinstance(item, str) else None
    if isinstance(item, dict):
        token = enveloped_token(item)
    if token is not None and jose.looks_compact(token):
        return _form_from_compact(token, None, limits), token.encode()
    if isinstance(item, dict):
        raw = json.dumps(item, sort_keys=True, separators=(",", ":")).encode()
        return _form_from_doc(item, Envelope.JSON), raw
    raise FormatError(ExtractionErrorCode.NOT_A_BADGE, "not a credential")


def _from_document(job: _Job, data: bytes, source: str | None) -> None:
    text = extract_text_from_document(data, source, job.limits)
    links = find_credential_urls(text)
    if not links:
        raise FormatError(ExtractionErrorCode.NOT_A_BADGE, "no credential links in the document")
    _from_links(job, links, source)


def _from_links(job: _Job, links: list[str], source: str | None) -> None:
    """Record links; with a fetcher follow at most ``MAX_FOLLOWED_LINKS`` of them, and at most
    ``MAX_LINK_DEPTH`` references deep (an URL baked in an image served at an URL…)."""
    job.result.links.extend(links)
    if job.fetcher is None:
        return
    if job.depth >= MAX_LINK_DEPTH:
        detail = f"references nested more than {MAX_LINK_DEPTH} deep; not followed"
        job.fail(FormatError(ExtractionErrorCode.NOT_FETCHED, detail), source)
        return
    for url in links[:MAX_FOLLOWED_LINKS]:
        _follow(job, url)


def _follow(job: _Job, url: str) -> None:
    assert job.fetcher is not None
    target = fetch_url_for(url)
    try:
        response = job.fetcher.get(target, accept=ACCEPT, max_bytes=job.limits.max_image_bytes)
    except FetchError as exc:
        detail = f"{target}: {exc.kind.value}: {exc.detail}"
        error = FormatError(ExtractionErrorCode.FETCH_FAILED, detail).to_error(url)
        job.result.errors.append(error.model_copy(update={"transient": exc.is_transient}))
        return
    if response.content_type == "text/html":
        detail = f"{target} serves an HTML page, not a credential"
        job.fail(FormatError(ExtractionErrorCode.NOT_A_BADGE, detail), url)
        return
    inner = _Job(job.limits, job.fetcher, job.depth + 1)
    _run(inner, response.content, url, response.content_type)
    for form in inner.result.credentials:
        if form.envelope == Envelope.JSON and form.spec in (Spec.OB1, Spec.OB2):
            form.envelope = Envelope.HOSTED
    job.result.credentials.extend(inner.result.credentials)
    job.result.errors.extend(inner.result.errors)
    job.result.links.extend(inner.result.links)


def _enrich_ob2(form: CredentialForm, fetcher: Fetcher, limits: Limits) -> None:
    """Fill an OB 2.0 form's BadgeClass / Issuer names from their URLs (best effort).

    Only the summary fields change; ``document`` stays as received, and the verifier fetches
    and checks these nodes itself."""
    from ats_match.formats.ob2 import achievement_info, issuer_info

    if form.spec not in (Spec.OB1, Spec.OB2) or form.achievement.name:
        return
    if not isinstance(form.document.get("badge"), str):
        return
    badge = _fetch_json(fetcher, form.document["badge"], limits)
    if badge is None:
        return
    form.achievement = achievement_info(badge)
    issuer = badge.get("issuer")
    fetched = _fetch_json(fetcher, issuer, limits) if isinstance(issuer, str) else None
    form.issuer = issuer_info(fetched or issuer)


def _fetch_json(fetcher: Fetcher, url: str, limits: Limits) -> dict[str, Any] | None:
    try:
        response = fetcher.get(url, accept=ACCEPT, max_bytes=limits.max_document_bytes)
        value = load_json(response.content, limits)
    except (FetchError, FormatError):
        return None
    return value if isinstance(value, dict) else None
