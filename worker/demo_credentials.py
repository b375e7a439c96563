"""The files the demo applicants upload, one per :class:`~worker.demo_people.Badge` form.

Every credential is made the way a real issuer makes it (the product's own verifiers are not
asked how): OB 3.0 VC-JWTs and Data Integrity credentials signed by ``did:key`` issuers, baked
PNG and SVG files, Open Badges 2.0 hosted and RS256-signed assertions whose issuer documents
this app serves (:mod:`web.demo_issuer`), CLR 2.0 transcripts. Defects are made as an attacker
or an issuer would make them: a claim edited after signing, a proof by another key, an entry
in the issuer's status list.

Dates of the OB 2.0 and status-list documents are fixed (:data:`EPOCH`) because the server
rebuilds them (a status list is signed once per state) and they must equal the copies seeded
earlier.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import struct
import zlib
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import quoteattr

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.jwk import OKPKey, RSAKey

from ats_match.settings import get_settings
from ats_match.verification.dataintegrity import sign_proof
from ats_match.verification.jsonld import DEFAULT_LOADER
from connectors import Attachment
from worker.demo_people import (
    OB2_ISSUER,
    UNIVERSITY,
    Applicant,
    Badge,
    Defect,
    DemoIssuer,
    Form,
    all_badges,
)

ESCO = "http://data.europa.eu/esco/skill/"
OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CLR_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
"""Issue date of the served OB 2.0 assertions and of the status list."""
DEMO_ISSUER_PATH = "/demo-issuer"
_FORGER = DemoIssuer("demo forger")


def demo_issuer_url(path: str = "") -> str:
    """Absolute URL under this app's demo issuer (``Settings.base_url`` + ``/demo-issuer``)."""
    return get_settings().base_url.rstrip("/") + DEMO_ISSUER_PATH + path


def attachments_for(applicant: Applicant, now: datetime) -> tuple[Attachment, ...]:
    """The files the applicant uploads: one per badge, the CLR-form badges in one transcript."""
    files = [
        _attachment(applicant, badge, index, now)
        for index, badge in enumerate(applicant.badges, 1)
        if badge.form is not Form.CLR
    ]
    in_transcript = [b for b in applicant.badges if b.form is Form.CLR]
    if in_transcript:
        files.append(
            Attachment(
                filename="transcript.jwt",
                content_type="application/vc+jwt",
                data=_clr(applicant, in_transcript, now).encode(),
            )
        )
    return tuple(files)


def _attachment(applicant: Applicant, badge: Badge, index: int, now: datetime) -> Attachment:
    email = badge.holder or applicant.email
    name = f"badge-{index}"
    if badge.form is Form.DATA_INTEGRITY:
        body = json.dumps(_data_integrity(badge, email, now)).encode()
        return Attachment(f"{name}.json", "application/vc+ld+json", body)
    if badge.form is Form.PNG:
        return Attachment(f"{name}.png", "image/png", bake_png(vc_jwt(badge, email, now)))
    if badge.form is Form.SVG:
        return Attachment(f"{name}.svg", "image/svg+xml", bake_svg(ob2_assertion_url(badge, email)))
    if badge.form is Form.OB2_HOSTED:
        body = json.dumps(ob2_assertion(badge, email)).encode()
        return Attachment(f"{name}.json", "application/json", body)
    if badge.form is Form.OB2_SIGNED:
        return Attachment(f"{name}.txt", "text/plain", ob2_signed(badge, email).encode())
    return Attachment(f"{name}.jwt", "application/vc+jwt", vc_jwt(badge, email, now).encode())


# -- Open Badges 3.0 ---------------------------------------------------------------------------


def credential(badge: Badge, email: str, now: datetime) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential (VCDM 2.0), bound to ``email`` by a salted hash."""
    issued = now - timedelta(days=30 * badge.months_ago)
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": _achievement(badge)}
    if badge.defect is not Defect.UNADDRESSED:
        salt = hashlib.sha256(f"{badge.name}{email}".encode()).hexdigest()[:16]
        digest = hashlib.sha256((email + salt).encode()).hexdigest()
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
                "identityHash": "sha256$" + digest,
            }
        ]
    vc: dict[str, Any] = {
        "@context": list(OB3_CONTEXT),
        "id": f"urn:uuid:{_uuid_from(badge.name + email)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": badge.issuer.did, "type": ["Profile"], "name": badge.issuer.name},
        "validFrom": _iso(issued),
        "name": badge.name,
        "credentialSubject": subject,
    }
    if badge.evidence:
        vc["evidence"] = [{"type": ["Evidence"], "name": badge.evidence}]
    if badge.expired:
        vc["validUntil"] = _iso(now - timedelta(days=60))
    if badge.defect is Defect.REVOKED or badge.form is Form.DATA_INTEGRITY:
        index = status_index(badge, email)
        vc["credentialStatus"] = {
            "id": f"{status_list_url(badge.issuer)}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_list_url(badge.issuer),
        }
    return vc


def vc_jwt(badge: Badge, email: str, now: datetime) -> str:
    """The credential as a VC-JWT (VCDM 2.0 claims, EdDSA); a tampered one has its payload
    edited after signing."""
    claims = credential(badge, email, now)
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": badge.issuer.method}
    signer = _FORGER if badge.defect is Defect.FORGED_KEY else badge.issuer
    key = OKPKey.import_key(signer.key)
    token = jws.serialize_compact(header, json.dumps(claims).encode(), key, algorithms=["EdDSA"])
    if badge.defect is not Defect.TAMPERED:
        return token
    head, _, signature = token.split(".")
    claims["validFrom"] = _iso(now)
    claims["credentialSubject"]["achievement"]["name"] += " (Distinction)"
    return f"{head}.{_b64u(json.dumps(claims).encode())}.{signature}"


def _data_integrity(badge: Badge, email: str, now: datetime) -> dict[str, Any]:
    vc = credential(badge, email, now)
    signer = _FORGER if badge.defect is Defect.FORGED_KEY else badge.issuer
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": vc["validFrom"],
        "verificationMethod": badge.issuer.method,
        "proofPurpose": "assertionMethod",
    }
    signed = sign_proof(vc, options, signer.key.sign, DEFAULT_LOADER)
    if badge.defect is Defect.TAMPERED:
        signed["name"] = badge.name + " (Distinction)"
    return signed


def _achievement(badge: Badge) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": badge.achievement_id or f"https://demo.example/achievements/{_slug(badge.name)}",
        "type": ["Achievement"],
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": "Passed the assessment."},
    }
    if badge.skills:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetUrl": ESCO + uri,
                "targetName": _label(ESCO + uri),
                "targetFramework": "ESCO",
            }
            for uri in badge.skills
        ]
    return achievement


def _clr(applicant: Applicant, badges: list[Badge], now: datetime) -> str:
    """A CLR 2.0 transcript (VC-JWT) by the university carrying the badges as VC-JWTs."""
    nested = [vc_jwt(badge, applicant.email, now) for badge in badges]
    transcript = Badge(UNIVERSITY, f"Transcript of {applicant.name}", "Academic transcript.")
    vc: dict[str, Any] = {
        "@context": list(CLR_CONTEXT),
        "id": f"urn:uuid:{_uuid_from('clr' + applicant.email)}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": UNIVERSITY.did, "type": ["Profile"], "name": UNIVERSITY.name},
        "validFrom": _iso(now - timedelta(days=45)),
        "name": transcript.name,
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": credential(transcript, applicant.email, now)["credentialSubject"][
                "identifier"
            ],
            "verifiableCredential": nested,
        },
    }
    claims = vc
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": UNIVERSITY.method}
    key = OKPKey.import_key(UNIVERSITY.key)
    return jws.serialize_compact(header, json.dumps(claims).encode(), key, algorithms=["EdDSA"])


# -- the status list ---------------------------------------------------------------------------


def status_list_url(issuer: DemoIssuer) -> str:
    return demo_issuer_url(f"/status/{_slug(issuer.name)}")


def status_index(badge: Badge, email: str) -> int:
    """A stable index in the issuer's list (the list has 131,072 entries)."""
    return int(hashlib.sha256(f"{badge.name}|{email}".encode()).hexdigest()[:8], 16) % 131072


def status_list(issuer_slug: str) -> str | None:
    """The issuer's BitstringStatusListCredential as a VC-JWT, with every revoked demo badge's
    bit set; ``None`` for an issuer the demo does not have."""
    issuer = next((b.issuer for _, b in all_badges() if _slug(b.issuer.name) == issuer_slug), None)
    if issuer is None:
        return None
    revoked = sorted(
        status_index(badge, badge.holder or applicant.email)
        for applicant, badge in all_badges()
        if badge.issuer is issuer and badge.defect is Defect.REVOKED
    )
    return _signed_status_list(issuer, status_list_url(issuer), tuple(revoked))


@lru_cache(maxsize=32)
def _signed_status_list(issuer: DemoIssuer, url: str, revoked: tuple[int, ...]) -> str:
    """Signed once per list state: the issuer, the list's URL (it follows the base URL) and
    the revoked bits are all a list is made of, so a request for an unchanged list does not
    compress 16 KiB and sign it again."""
    vc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": _iso(EPOCH),
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": _bitstring(list(revoked)),
        },
    }
    claims = vc
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": issuer.method}
    key = OKPKey.import_key(issuer.key)
    return jws.serialize_compact(header, json.dumps(claims).encode(), key, algorithms=["EdDSA"])


def _bitstring(set_bits: list[int], size: int = 131072) -> str:
    data = bytearray(size // 8)
    for index in set_bits:
        data[index // 8] |= 0x80 >> (index % 8)
    return "u" + _b64u(gzip.compress(bytes(data), mtime=0))


# -- Open Badges 2.0 ---------------------------------------------------------------------------


def ob2_slug(badge: Badge, email: str) -> str:
    return hashlib.sha256(f"{badge.name}|{email}".encode()).hexdigest()[:16]


def ob2_assertion_url(badge: Badge, email: str) -> str:
    return demo_issuer_url(f"/ob2/assertions/{ob2_slug(badge, email)}.json")


def ob2_badge_url(badge: Badge) -> str:
    folder = "/ob2/unavailable" if badge.defect is Defect.ISSUER_DOWN else "/ob2/badges"
    return demo_issuer_url(f"{folder}/{_slug(badge.name)}.json")


def ob2_assertion(badge: Badge, email: str) -> dict[str, Any]:
    """The OB 2.0 assertion (hosted, or the payload of the signed one)."""
    salt = hashlib.sha256(f"ob2{badge.name}{email}".encode()).hexdigest()[:12]
    signed = badge.form is Form.OB2_SIGNED
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": ob2_assertion_url(badge, email)
        if not signed
        else f"urn:uuid:{_uuid_from('ob2' + badge.name + email)}",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
        },
        "badge": ob2_badge_url(badge),
        "issuedOn": _iso(EPOCH - timedelta(days=30 * badge.months_ago)),
        "verification": {"type": "signed", "creator": demo_issuer_url("/ob2/key.json")}
        if signed
        else {"type": "hosted"},
    }


def ob2_signed(badge: Badge, email: str) -> str:
    key = RSAKey.import_key(_ob2_private_pem())
    payload = json.dumps(ob2_assertion(badge, email)).encode()
    return jws.serialize_compact({"alg": "RS256"}, payload, key, algorithms=["RS256"])


def ob2_issuer() -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": demo_issuer_url("/ob2/issuer.json"),
        "name": OB2_ISSUER,
        "url": demo_issuer_url(),
        "email": "badges@demo.example",
        "publicKey": demo_issuer_url("/ob2/key.json"),
        "revocationList": demo_issuer_url("/ob2/revocations.json"),
    }


def ob2_key() -> dict[str, Any]:
    return {
        "@context": OB2_CONTEXT,
        "type": "CryptographicKey",
        "id": demo_issuer_url("/ob2/key.json"),
        "owner": demo_issuer_url("/ob2/issuer.json"),
        "publicKeyPem": _ob2_public_pem(),
    }


def ob2_revocations() -> dict[str, Any]:
    revoked = [
        ob2_assertion(badge, badge.holder or applicant.email)["id"]
        for applicant, badge in all_badges()
        if badge.form in (Form.OB2_HOSTED, Form.OB2_SIGNED, Form.SVG)
        and badge.defect is Defect.REVOKED
    ]
    return {
        "@context": OB2_CONTEXT,
        "type": "RevocationList",
        "id": demo_issuer_url("/ob2/revocations.json"),
        "issuer": demo_issuer_url("/ob2/issuer.json"),
        "revokedAssertions": [{"id": i, "revocationReason": "Issued in error."} for i in revoked],
    }


def ob2_badge_class(slug: str) -> dict[str, Any] | None:
    badge = next((b for _, b in all_badges() if _slug(b.name) == slug and _is_ob2(b)), None)
    if badge is None:
        return None
    document = _achievement(badge)
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": demo_issuer_url(f"/ob2/badges/{slug}.json"),
        "name": badge.name,
        "description": badge.description,
        "image": demo_issuer_url("/ob2/badge.svg"),
        "criteria": {"narrative": "Passed the assessment."},
        "alignment": [
            {k: v for k, v in a.items() if k != "type"} for a in document.get("alignment", [])
        ],
        "issuer": demo_issuer_url("/ob2/issuer.json"),
    }


def ob2_hosted(slug: str) -> dict[str, Any] | None:
    """The hosted assertion whose URL ends in ``slug`` (``None`` if there is none)."""
    for applicant, badge in all_badges():
        email = badge.holder or applicant.email
        if badge.form in (Form.OB2_HOSTED, Form.SVG) and ob2_slug(badge, email) == slug:
            return ob2_assertion(badge, email)
    return None


def _is_ob2(badge: Badge) -> bool:
    return badge.form in (Form.OB2_HOSTED, Form.OB2_SIGNED, Form.SVG)


@lru_cache(maxsize=1)
def _ob2_private_pem() -> bytes:
    """The OB 2.0 issuer's RSA key, made once and kept in the data directory (mode 0600), so
    the seeding process and the server sign and publish with the same key."""
    path = get_settings().data_dir / "demo-ob2-issuer.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(pem)
        temporary.chmod(0o600)
        temporary.replace(path)
    return path.read_bytes()


def _ob2_public_pem() -> str:
    key = serialization.load_pem_private_key(_ob2_private_pem(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


# -- baking --------------------------------------------------------------------------------------


def bake_png(text: str) -> bytes:
    """A 1x1 PNG with the credential in an iTXt ``openbadgecredential`` chunk (OB 3.0 baking)."""
    itxt = b"openbadgecredential\0\0\0\0\0" + text.encode()
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\0\x33\x66\x99\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"iTXt", itxt)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def bake_svg(assertion_url: str) -> bytes:
    """An SVG baked with an OB 2.0 hosted assertion's URL (``verify`` attribute)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" '
        'width="64" height="64" viewBox="0 0 64 64">\n'
        f"  <openbadges:assertion verify={quoteattr(assertion_url)}></openbadges:assertion>\n"
        '  <circle cx="32" cy="32" r="30" fill="#369"/>\n'
        "</svg>\n"
    ).encode()


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


# -- small helpers -------------------------------------------------------------------------------


def _label(uri: str) -> str:
    from ats_match.taxonomy import default_taxonomy

    skill = default_taxonomy().get(uri)
    return skill.preferred_label if skill else uri


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _uuid_from(text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
