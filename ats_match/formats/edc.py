"""European Digital Credentials for Learning (EDC, Europass; European Learning Model 3 JSON-LD).

What: :func:`is_edc` recognises an EDC (a VC whose ``type`` names
``EuropeanDigitalCredential``); :func:`sealed_payload` unwraps a JAdES seal in the JWS JSON
serialisation (general or flattened, ``b64: false`` unencoded payload or base64url);
:func:`parse_edc` fills the internal form: the learner, the first achievement's title and
description, the EQF level, and as explicit alignments every ESCO skill and occupation URI the
achievements' learning outcomes and specifications name, so skills map exactly.
Why not verify: the seal is checked by :mod:`ats_match.verification.edc`; this only reads.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ats_match.formats import fields as f
from ats_match.formats.errors import FormatError
from ats_match.formats.model import (
    AchievementInfo,
    Alignment,
    CredentialForm,
    Envelope,
    ExtractionErrorCode,
    IssuerInfo,
    RecipientIdentity,
    Spec,
)

EDC_TYPE = "EuropeanDigitalCredential"
ESCO = "http://data.europa.eu/esco/"
EQF = "http://data.europa.eu/snb/eqf/"
SKILL_KEYS = ("relatedESCOSkill", "relatedSkill")
OCCUPATION_KEYS = ("relatedESCOOccupation", "limitOccupation", "occupation")
MAX_ALIGNMENTS = 500
_LANGUAGES = ("en", "en-GB", "en-US")


def is_edc(doc: dict[str, Any]) -> bool:
    return EDC_TYPE in f.types_of(doc)


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise FormatError(ExtractionErrorCode.MALFORMED_JSON, "JWS part is not base64url") from exc


def jws_signature_entries(jws: dict[str, Any]) -> list[dict[str, Any]]:
    """The signature objects of a general (``signatures``) or flattened JWS JSON."""
    if isinstance(jws.get("signatures"), list):
        return [s for s in jws["signatures"] if isinstance(s, dict)]
    if isinstance(jws.get("protected"), str) and isinstance(jws.get("signature"), str):
        return [{k: jws[k] for k in ("protected", "header", "signature") if k in jws}]
    return []


def protected_header(entry: dict[str, Any]) -> dict[str, Any]:
    try:
        header = json.loads(b64url_decode(str(entry.get("protected", ""))))
    except ValueError as exc:
        raise FormatError(ExtractionErrorCode.MALFORMED_JSON, "JWS header is not JSON") from exc
    if not isinstance(header, dict):
        raise FormatError(ExtractionErrorCode.MALFORMED_JSON, "JWS header is not an object")
    return header


def sealed_payload(jws: dict[str, Any]) -> dict[str, Any] | None:
    """The credential a JWS JSON serialisation carries, or None when ``jws`` is not one."""
    entries = jws_signature_entries(jws)
    payload = jws.get("payload")
    if not entries or not isinstance(payload, str):
        return None
    unencoded = protected_header(entries[0]).get("b64") is False
    text = payload.encode() if unencoded else b64url_decode(payload)
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise FormatError(ExtractionErrorCode.MALFORMED_JSON, "sealed payload is not JSON") from exc
    return doc if isinstance(doc, dict) else None


def parse_sealed(jws: dict[str, Any], jws_text: str) -> CredentialForm | None:
    """A JWS JSON serialisation read as the sealed EDC it carries (``None``: not a JWS)."""
    payload = sealed_payload(jws)
    if payload is None:
        return None
    if not is_edc(payload):
        raise FormatError(
            ExtractionErrorCode.UNKNOWN_FORMAT, "a JWS that carries no European Digital Credential"
        )
    return parse_edc(payload, Envelope.JADES, sealed=jws_text)


def lang_text(value: Any) -> str | None:
    """An ELM language map (``{"en": "..."}``), a JSON-LD value object or plain text; English
    preferred, else the first language given."""
    if isinstance(value, list):
        return next((t for t in map(lang_text, value) if t), None)
    if isinstance(value, dict):
        if "@value" in value:
            return f.text(value["@value"])
        for language in (*_LANGUAGES, *value):
            found = lang_text(value.get(language))
            if found:
                return found
        return None
    return f.text(value)


def parse_edc(
    doc: dict[str, Any], envelope: Envelope, *, sealed: str | None = None
) -> CredentialForm:
    """The internal form of an EDC (``sealed``: the JAdES JWS it arrived in, kept verbatim)."""
    subject = next((s for s in f.as_list(doc.get("credentialSubject")) if isinstance(s, dict)), {})
    claims = [c for c in f.as_list(subject.get("hasClaim")) if isinstance(c, dict)]
    return CredentialForm(
        spec=Spec.EDC,
        envelope=envelope,
        id=f.text(doc.get("id")),
        issuer=_issuer(doc.get("issuer")),
        achievement=_achievement(doc, claims),
        recipients=_learner(subject),
        issued_at=f.timestamp(doc.get("issued") or doc.get("issuanceDate")),
        valid_from=f.timestamp(doc.get("validFrom") or doc.get("issuanceDate")),
        valid_until=f.timestamp(doc.get("validUntil") or doc.get("expirationDate")),
        document=doc,
        compact=sealed,
    )


def _issuer(value: Any) -> IssuerInfo:
    if isinstance(value, str):
        return IssuerInfo(id=value)
    if not isinstance(value, dict):
        return IssuerInfo()
    return IssuerInfo(
        id=f.node_id(value),
        name=lang_text(value.get("legalName")) or lang_text(value.get("name")),
        url=_first_id(value.get("homepage")),
        type="Organisation",
    )


def _first_id(value: Any) -> str | None:
    for item in f.as_list(value):
        found = item.get("contentURL") or item.get("id") if isinstance(item, dict) else item
        if isinstance(found, str):
            return found
    return None


def _learner(subject: dict[str, Any]) -> list[RecipientIdentity]:
    found = []
    sid = f.text(subject.get("id"))
    if sid and sid.startswith("did:"):
        found.append(RecipientIdentity(type="did", identity=sid))
    for point in f.as_list(subject.get("contactPoint")):
        for mail in f.as_list(point.get("emailAddress") if isinstance(point, dict) else None):
            address = mail.get("id") if isinstance(mail, dict) else mail
            if isinstance(address, str) and address:
                email = address.removeprefix("mailto:")
                found.append(RecipientIdentity(type="email", identity=email))
    return found


def _achievement(doc: dict[str, Any], claims: list[dict[str, Any]]) -> AchievementInfo:
    first = claims[0] if claims else {}
    specified = first.get("specifiedBy")
    spec: dict[str, Any] = specified if isinstance(specified, dict) else {}
    alignments: list[Alignment] = []
    level = None
    for claim in claims:
        for node in _nodes(claim):
            alignments.extend(_alignments(node))
            level = level or _eqf(node.get("eqfLevel"))
    return AchievementInfo(
        id=f.text(first.get("id")),
        name=lang_text(first.get("title")) or lang_text(spec.get("title")),
        description=lang_text(first.get("description")) or lang_text(spec.get("description")),
        achievement_type=f.text(first.get("type")),
        level=level,
        alignments=_unique(alignments)[:MAX_ALIGNMENTS],
    )


def _nodes(claim: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """The claim, its specification(s), their learning outcomes and sub-achievements."""
    if depth > 4:
        return []
    found = [claim]
    for key in ("specifiedBy", "learningOutcome", "hasPart", "learningOutcomes"):
        for item in f.as_list(claim.get(key)):
            if isinstance(item, dict):
                found.extend(_nodes(item, depth + 1))
    return found


def _alignments(node: dict[str, Any]) -> list[Alignment]:
    label = lang_text(node.get("title"))
    found = []
    for keys, kind in ((SKILL_KEYS, "skill"), (OCCUPATION_KEYS, "occupation")):
        for key in keys:
            for concept in f.as_list(node.get(key)):
                uri = concept.get("id") if isinstance(concept, dict) else concept
                if not isinstance(uri, str) or not uri.startswith(ESCO):
                    continue
                name = lang_text(concept.get("prefLabel")) if isinstance(concept, dict) else None
                found.append(
                    Alignment(
                        target_url=uri,
                        target_name=name or label,
                        target_framework="ESCO",
                        target_type=kind,
                    )
                )
    return found


def _eqf(value: Any) -> str | None:
    uri = value.get("id") if isinstance(value, dict) else value
    if isinstance(uri, str) and uri.startswith(EQF):
        return f"EQF {uri.removeprefix(EQF).strip('/')}"
    return None


def _unique(alignments: list[Alignment]) -> list[Alignment]:
    seen: set[str] = set()
    unique = []
    for alignment in alignments:
        if alignment.target_url and alignment.target_url not in seen:
            seen.add(alignment.target_url)
            unique.append(alignment)
    return unique
