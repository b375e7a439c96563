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
