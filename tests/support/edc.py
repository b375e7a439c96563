"""European Digital Credentials sealed by the tests: an ELM 3 credential, a throw-away CA
(root and intermediate) issuing e-seal certificates with chosen validity windows, and JAdES
seals in the JWS JSON serialisation (``b64: false``, ``sigT``, ``x5c``), built with
``cryptography`` alone so the product's verifier is checked against an independent signer."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

SKILL_PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
SKILL_SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
OCCUPATION = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
LEARNER = "did:example:erika"
EMAIL = "erika@example.eu"
ISSUER = "urn:epass:org:loopback-university"

Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def edc_credential(*, valid_until: str | None = None) -> dict[str, Any]:
    """A European Digital Credential (ELM 3) for one learner and one achievement."""
    doc: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "http://data.europa.eu/snb/model/context/edc-ap",
        ],
        "id": "urn:credential:3f8e0a52-51c4-4c8e-9f0e-0c3b6e7d5a11",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": {
            "id": ISSUER,
            "type": "Organisation",
            "legalName": {"en": "Loopback University", "de": "Loopback Universität"},
        },
        "issuanceDate": "2024-06-01T10:00:00Z",
        "issued": "2024-06-01T10:00:00Z",
        "validFrom": "2024-06-01T10:00:00Z",
        "credentialSubject": {
            "id": LEARNER,
            "type": "Person",
            "fullName": {"en": "Erika Mustermann"},
            "contactPoint": [{"type": "ContactPoint", "emailAddress": [{"id": f"mailto:{EMAIL}"}]}],
            "hasClaim": [
                {
                    "id": "urn:epass:learningAchievement:1",
                    "type": "LearningAchievement",
                    "title": {"de": "Datenanalyse mit Python", "en": "Data analysis with Python"},
                    "specifiedBy": {
                        "id": "urn:epass:qualification:1",
                        "type": "Qualification",
                        "title": {"en": "Certificate in data analysis"},
                        "eqfLevel": {"id": "http://data.europa.eu/snb/eqf/5", "type": "Concept"},
                        "relatedESCOOccupation": [{"id": OCCUPATION, "type": "Concept"}],
                        "learningOutcome": [
                            {
                                "id": "urn:epass:learningOutcome:1",
                                "type": "LearningOutcome",
                                "title": {"en": "Write Python programs"},
                                "relatedESCOSkill": [{"id": SKILL_PYTHON, "type": "Concept"}],
                            },
                            {
                                "id": "urn:epass:learningOutcome:2",
                                "type": "LearningOutcome",
                                "title": {"en": "Query databases"},
                                "relatedESCOSkill": [
                                    {
                                        "id": SKILL_SQL,
                                        "type": "Concept",
                                        "prefLabel": {"en": "SQL"},
                                    }
                                ],
                            },
                        ],
                    },
                }
            ],
        },
    }
    if valid_until:
        doc["validUntil"] = valid_until
    return doc


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "EU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Loopback Trust Services"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


@dataclass
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _ca_cert(
    subject: str, key: ec.EllipticCurvePrivateKey, parent: Authority | None
) -> x509.Certificate:
    issuer_name = parent.cert.subject if parent else _name(subject)
    signer = parent.key if parent else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), False
        )
    )
    return builder.sign(signer, hashes.SHA256())


def make_authority(name: str = "Loopback Root CA", parent: Authority | None = None) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    return Authority(key, _ca_cert(name, key, parent))


def seal_certificate(
    authority: Authority, key: Key, *, not_before: datetime, not_after: datetime
) -> x509.Certificate:
    """An e-seal certificate (digitalSignature, nonRepudiation) for the university."""
    return (
        x509.CertificateBuilder()
        .subject_name(_name("Loopback University e-seal"))
        .issuer_name(authority.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()), False
        )
        .sign(authority.key, hashes.SHA256())
    )


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def seal(
    document: dict[str, Any],
    key: Key,
    chain: list[x509.Certificate],
    *,
    signed_at: datetime,
    unencoded: bool = True,
    content_token: Callable[[bytes], bytes] | None = None,
) -> str:
    """The JAdES seal of ``document``: JWS JSON serialisation (general form); with
    ``content_token`` (DER timestamp token over the given bytes), a signed ``adoTst`` over the
    payload as it is signed."""
    alg = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
    header: dict[str, Any] = {
        "alg": alg,
        "x5c": [
            base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain
        ],
        "sigT": signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "crit": ["b64", "sigT"] if unencoded else ["sigT"],
    }
    if unencoded:
        header["b64"] = False
    payload_text = json.dumps(document, ensure_ascii=False)
    payload = payload_text if unencoded else b64u(payload_text.encode())
    if content_token is not None:
        token = base64.b64encode(content_token(payload.encode())).decode()
        header["adoTst"] = {"tstTokens": [{"val": token}]}
        header["crit"] = [*header["crit"], "adoTst"]
    protected = b64u(json.dumps(header).encode())
    data = f"{protected}.{payload}".encode()
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    jws = {
        "payload": payload,
        "signatures": [
            {"protected": protected, "header": {"etsiU": []}, "signature": b64u(signature)}
        ],
    }
    return json.dumps(jws)


def days(n: int) -> timedelta:
    return timedelta(days=n)
