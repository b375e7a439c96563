"""Plain words for what the candidate page shows: the four answers, the evidence tier, check
names and the issuer's identifier, and the link to the candidate in the ATS."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

AUTHENTICITY = {
    "genuine": "Genuine: the issuer's signature checks out",
    "forged": "Not genuine: the proof does not hold",
    "unknown": "Not confirmed yet: the issuer could not be reached (checked again later)",
}
VALIDITY = {
    "current": "In force",
    "expired": "Expired",
    "not_yet_valid": "Not in force yet",
    "revoked": "Revoked by the issuer",
    "suspended": "Suspended by the issuer",
    "unknown": "Could not check whether it is still in force (checked again later)",
}
HOLDER = {
    "bound": "Issued to this applicant",
    "proven": "Issued to this applicant (identity proven)",
    "unproven": "Names an identity the applicant has not proven",
    "unaddressed": "Names no recipient, so it could be anyone's",
    "mismatch": "Issued to someone else",
}
ISSUER = {
    "trusted": "Trusted",
    "unknown": "Not on any list you trust",
    "denied": "On your deny list",
}
TIER = {
    "cryptographic": "Signed by the issuer (strongest)",
    "issuer_record": "Confirmed by the issuer's own record",
    "platform_page": "A verification page on the issuing platform",
    "claimed": "Claimed only (nothing confirms it)",
}
CHECKS = {
    "proof": "Signature",
    "context": "Vocabulary",
    "jwt_claims": "Token dates",
    "schema": "Structure",
    "status": "Revocation status",
    "recipient": "Recipient",
    "holder": "Recipient",
    "issuer": "Issuer",
    "expiry": "Dates",
    "dates": "Dates",
    "key": "Issuer's key",
    "hosted": "Issuer's record",
    "validity": "Dates",
    "structure": "Structure",
    "revocation": "Revocation status",
    "nested": "Inner credential",
    "conformance": "Standard conformance",
    "jwt_validity": "Token dates",
    "internal": "Internal check",
}
_ATS_RECORD = {
    "greenhouse": "https://app.greenhouse.io/people/{candidate}?application_id={application}",
    "lever": "https://hire.lever.co/candidates/{candidate}",
}


_STANDARD = {
    "ob1": "Open Badges 1.x",
    "ob2": "Open Badges 2.0",
    "ob3": "Open Badges 3.0",
    "clr2": "CLR 2.0 transcript",
    "blockcerts2": "Blockcerts v2 (anchored on a blockchain)",
    "blockcerts3": "Blockcerts v3 (anchored on a blockchain)",
    "edc": "European Digital Credential",
    "vc": "W3C Verifiable Credential",
    "platform": "a badge platform's record",
}
_PACKAGING = {
    "json": "a JSON document",
    "hosted": "fetched from the issuer's hosted copy",
    "jws": "a signed assertion (JWS)",
    "jwt": "a signed token (VC-JWT)",
    "png": "baked into a PNG image",
    "svg": "baked into an SVG image",
    "jades": "sealed (JAdES)",
    "link": "a link",
}


def form_words(stored_format: str | None, source: str | None = None) -> str:
    """What the credential is and how it reached us, in words: "Open Badges 3.0, baked into a
    PNG image, from a wallet (OpenID4VP)"."""
    spec, _, envelope = (stored_format or "").partition("-")
    if stored_format == "link":
        spec, envelope = "", "link"
    parts = [p for p in (_STANDARD.get(spec, ""), _PACKAGING.get(envelope, "")) if p]
    words = ", ".join(parts) or (stored_format or "unknown format")
    if source and source.startswith("wallet:"):
        via = "OpenID4VP" if source == "wallet:oid4vp" else "a Verifiable Presentation"
        return f"{words}, presented from the candidate's wallet ({via})"
    if source and source.startswith(("https://", "http://")):
        return f"{words}, from a link the candidate gave"
    return f"{words}, {'file ' + source if source else 'attached'}"


def word(table: dict[str, str], status: str | None) -> str:
    return table.get(status or "", (status or "unknown").replace("_", " "))


def check_name(name: str) -> str:
    return CHECKS.get(name, name.replace("_", " ").capitalize())


def identifier(issuer_id: str | None) -> str:
    """How an issuer is identified, shortened for reading: the domain of a ``did:web`` or an
    https origin, a ``did:key`` as such (no domain vouches for it)."""
    if not issuer_id:
        return "not identified"
    if issuer_id.startswith("did:web:"):
        return issuer_id.split(":")[2].replace("%3A", ":") + " (did:web)"
    if issuer_id.startswith("did:key:"):
        return "a self-made key (did:key …" + issuer_id[-6:] + ")"
    if issuer_id.startswith(("https://", "http://")):
        return urlsplit(issuer_id).netloc or issuer_id
    return issuer_id if len(issuer_id) <= 40 else issuer_id[:32] + "…" + issuer_id[-6:]


def ats_record_url(
    vendor: str | None, settings: dict[str, Any], application: Any, candidate: Any
) -> str | None:
    """The candidate in the ATS: the integration's ``record_url`` template (``{candidate}``,
    ``{application}``) or the vendor's usual address; ``None`` without external ids."""
    template = settings.get("record_url") or _ATS_RECORD.get(vendor or "")
    if not template or not candidate.external_id:
        return None
    return str(template).format(
        candidate=quote(str(candidate.external_id), safe=""),
        application=quote(str(application.external_id or ""), safe=""),
    )
