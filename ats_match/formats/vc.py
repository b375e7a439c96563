"""Open Badges 3.0 / W3C Verifiable Credentials (VCDM 1.1 and 2.0) and CLR 2.0 bundles.

What: :func:`vc_spec` recognises a VC (``OB3`` or ``CLR2``), :func:`credential_from_jwt`
unwraps a VC-JWT in either the VCDM 1.1 form (``vc`` claim plus registered claims) or the
VCDM 2.0 JOSE form (the payload *is* the credential), :func:`parse_vc` fills the internal form,
and :func:`nested_items` yields a CLR bundle's nested credentials for the caller to parse.
Why not verify: proofs are checked by :mod:`ats_match.verification`; this only reads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ats_match.formats import fields as f
from ats_match.formats.model import (
    AchievementInfo,
    AchievementResult,
    CredentialForm,
    Envelope,
    Evidence,
    IssuerInfo,
    RecipientIdentity,
    Spec,
)
from ats_match.formats.ob2 import alignments

VC_CONTEXT_MARKERS = ("www.w3.org/2018/credentials", "www.w3.org/ns/credentials")
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
CLR_TYPES = frozenset({"ClrCredential"})
IDENTITY_TYPES = {
    "emailAddress": "email",
    "email": "email",
    "url": "url",
    "did": "did",
    "phoneNumber": "telephone",
    "telephone": "telephone",
}


NOT_BADGE_TYPES = frozenset(
    {"BitstringStatusListCredential", "StatusList2021Credential", "RevocationList2020Credential"}
)
ENVELOPED_PREFIXES = ("data:application/vc+jwt,", "data:application/vc+ld+json+jwt,")


def vc_spec(doc: dict[str, Any]) -> Spec | None:
    """``CLR2`` for a ClrCredential, ``OB3`` for any other VC, ``None`` if not a VC (or a
    status list, which is infrastructure, not something an applicant earned)."""
    kinds = f.types_of(doc)
    if kinds & NOT_BADGE_TYPES:
        return None
    if kinds & CLR_TYPES:
        return Spec.CLR2
    contexts = " ".join(f.contexts_of(doc))
    if kinds & OB3_TYPES or "VerifiableCredential" in kinds:
        return Spec.OB3
    if any(m in contexts for m in VC_CONTEXT_MARKERS) and "credentialSubject" in doc:
        return Spec.OB3
    return None


def enveloped_token(doc: dict[str, Any]) -> str | None:
    """The VC-JWT inside a VCDM 2.0 ``EnvelopedVerifiableCredential`` (``data:`` URL id)."""
    if "EnvelopedVerifiableCredential" not in f.types_of(doc):
        return None
    value = f.text(doc.get("id")) or ""
    for prefix in ENVELOPED_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :].strip()
    return None


def credential_from_jwt(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The VC carried by a JWT payload, or ``None`` when the payload holds none.

    VCDM 1.1 (``vc`` claim): registered claims fill what the ``vc`` object leaves out, as the VC
    Data Model 1.1 JWT section says (``iss``→issuer, ``sub``→subject id, ``jti``→id,
    ``nbf``→issuanceDate, ``exp``→expirationDate). VCDM 2.0: the payload is the credential."""
    found = credential_and_spec_from_jwt(payload)
    return found[0] if found is not None else None


def credential_and_spec_from_jwt(payload: dict[str, Any]) -> tuple[dict[str, Any], Spec] | None:
    """:func:`credential_from_jwt` and the credential's spec (``OB3`` when a VCDM 1.1 ``vc``
    claim names no known type), reading the types and contexts once."""
    vc = payload.get("vc")
    if isinstance(vc, dict):
        credential = _with_registered_claims(dict(vc), payload)
        return credential, vc_spec(credential) or Spec.OB3
    if "@context" in payload:
        spec = vc_spec(payload)
        if spec is not None:
            return payload, spec
    return None


def _with_registered_claims(vc: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    if "issuer" not in vc and isinstance(claims.get("iss"), str):
        vc["issuer"] = claims["iss"]
    if "id" not in vc and isinstance(claims.get("jti"), str):
        vc["id"] = claims["jti"]
    subject = vc.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(claims.get("sub"), str):
        vc["credentialSubject"] = {**subject, "id": claims["sub"]}
    for claim, names in (("nbf", ("issuanceDate", "validFrom")), ("exp", ("expirationDate",))):
        moment = f.timestamp(claims.get(claim))
        if moment is not None and not any(n in vc for n in (*names, "validUntil")):
            vc[names[0]] = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return vc


def parse_vc(
    doc: dict[str, Any], spec: Spec, envelope: Envelope, *, compact: str | None = None
) -> CredentialForm:
    """The internal form of an OB 3.0 / CLR 2.0 credential."""
    subject = _first_subject(doc)
    return CredentialForm(
        spec=spec,
        envelope=envelope,
        id=f.text(doc.get("id")),
        issuer=_issuer(doc.get("issuer")),
        achievement=_achievement(doc, subject, spec),
        recipients=_recipients(doc),
        issued_at=_first_time(doc, "issuanceDate", "awardedDate", "validFrom"),
        valid_from=_first_time(doc, "validFrom", "issuanceDate"),
        valid_until=_first_time(doc, "validUntil", "expirationDate"),
        evidence=_evidence(doc.get("evidence")),
        document=doc,
        compact=compact,
    )


def nested_items(bundle: dict[str, Any]) -> list[Any]:
    """The entries of ``credentialSubject.verifiableCredential`` (JSON objects or JWT strings)."""
    subject = bundle.get("credentialSubject")
    if not isinstance(subject, dict):
        return []
    return f.as_list(subject.get("verifiableCredential"))


def _first_time(doc: dict[str, Any], *names: str) -> datetime | None:
    for name in names:
        moment = f.timestamp(doc.get(name))
        if moment is not None:
            return moment
    return None


def _first_subject(doc: dict[str, Any]) -> dict[str, Any]:
    subject = next((s for s in f.as_list(doc.get("credentialSubject")) if isinstance(s, dict)), {})
    return subject


def _issuer(value: Any) -> IssuerInfo:
    if isinstance(value, str):
        return IssuerInfo(id=value)
    if not isinstance(value, dict):
        return IssuerInfo()
    kinds = sorted(f.types_of(value))
    return IssuerInfo(
        id=f.node_id(value),
        name=f.text(value.get("name")),
        url=f.text(value.get("url")),
        type=kinds[0] if kinds else None,
        email=f.text(value.get("email")),
    )


def _achievement(doc: dict[str, Any], subject: dict[str, Any], spec: Spec) -> AchievementInfo:
    """The achievement (OB3) or, for a CLR bundle, the bundle's own name and description."""
    raw = subject.get("achievement")
    ach = raw if isinstance(raw, dict) else {}
    if spec == Spec.CLR2 and not ach:
        return AchievementInfo(
            id=f.text(doc.get("id")),
            name=f.text(doc.get("name")),
            description=f.text(doc.get("description")),
        )
    criteria = ach.get("criteria")
    results = _results(subject.get("result"), ach)
    return AchievementInfo(
        id=f.node_id(raw),
        name=f.text(ach.get("name")) or f.text(doc.get("name")),
        description=f.text(ach.get("description")) or f.text(doc.get("description")),
        criteria_narrative=f.text(criteria.get("narrative"))
        if isinstance(criteria, dict)
        else None,
        criteria_url=f.node_id(criteria) if criteria is not None else None,
        tags=f.strings(ach.get("tag")) or f.strings(ach.get("tags")),
        alignments=alignments(ach.get("alignment")),
        achievement_type=f.text(ach.get("achievementType")),
        level=_level(ach, results),
        results=results,
    )


def _results(value: Any, achievement: dict[str, Any]) -> list[AchievementResult]:
    """``credentialSubject.result``; an ``achievedLevel`` id is resolved to its level's name."""
    levels = _rubric_levels(achievement)
    out: list[AchievementResult] = []
    for item in f.as_list(value):
        if not isinstance(item, dict):
            continue
        level = f.text(item.get("achievedLevel"))
        out.append(
            AchievementResult(
                value=f.text(item.get("value")),
                achieved_level=levels.get(level or "", level),
                status=f.text(item.get("status")),
                result_description=f.text(item.get("resultDescription")),
            )
        )
    return out


def _rubric_levels(achievement: dict[str, Any]) -> dict[str, str]:
    levels: dict[str, str] = {}
    for desc in f.as_list(achievement.get("resultDescription")):
        if not isinstance(desc, dict):
            continue
        for level in f.as_list(desc.get("rubricCriterionLevel")):
            if isinstance(level, dict) and f.text(level.get("id")) and f.text(level.get("name")):
                levels[str(f.text(level.get("id")))] = str(f.text(level.get("name")))
    return levels


def _level(achievement: dict[str, Any], results: list[AchievementResult]) -> str | None:
    stated = f.text(achievement.get("level")) or f.text(achievement.get("educationalLevel"))
    return stated or next((r.achieved_level for r in results if r.achieved_level), None)


def _recipients(doc: dict[str, Any]) -> list[RecipientIdentity]:
    found: list[RecipientIdentity] = []
    for subject in f.as_list(doc.get("credentialSubject")):
        if not isinstance(subject, dict):
            continue
        sid = f.text(subject.get("id"))
        if sid:
            kind = "did" if sid.startswith("did:") else "url" if "://" in sid else "id"
            found.append(RecipientIdentity(type=kind, identity=sid))
        for ident in f.as_list(subject.get("identifier")):
            if isinstance(ident, dict) and isinstance(ident.get("identityHash"), str):
                salt = ident.get("salt")
                found.append(
                    RecipientIdentity(
                        type=IDENTITY_TYPES.get(str(ident.get("identityType")), "id"),
                        hashed=bool(ident.get("hashed")),
                        salt=salt if isinstance(salt, str) else None,
                        identity=ident["identityHash"],
                    )
                )
    return found


def _evidence(value: Any) -> list[Evidence]:
    return [
        Evidence(
            id=f.node_id(e),
            name=f.text(e.get("name")) if isinstance(e, dict) else None,
            description=f.text(e.get("description")) if isinstance(e, dict) else None,
            narrative=f.text(e.get("narrative")) if isinstance(e, dict) else None,
        )
        for e in f.as_list(value)
        if isinstance(e, dict | str)
    ]
