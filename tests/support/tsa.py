"""A test time-stamping authority: a TSA certificate (critical EKU timeStamping) issued by a
test CA, and RFC 3161 timestamp tokens made with ``asn1crypto`` + ``cryptography``, so the
product's verifier (``rfc3161-client``) is checked against an independent token maker."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.support.edc import Authority, b64u


@dataclass
class TimestampAuthority:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    ca: Authority

    def token(
        self, message: bytes, gen_time: datetime, *, serial: int = 1, with_ca: bool = False
    ) -> bytes:
        """The DER TimeStampToken (CMS ContentInfo) over SHA-256(``message``) at ``gen_time``;
        ``with_ca``: the TSA's CA certificate is carried in the token too."""
        return timestamp_token(self, hashlib.sha256(message).digest(), gen_time, serial, with_ca)


def make_tsa(ca: Authority, *, not_after: datetime | None = None) -> TimestampAuthority:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Loopback TSA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(not_after or datetime(2040, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), False
        )
        .sign(ca.key, hashes.SHA256())
    )
    return TimestampAuthority(key, cert, ca)


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def timestamp_token(
    tsa: TimestampAuthority,
    digest: bytes,
    gen_time: datetime,
    serial: int = 1,
    with_ca: bool = False,
) -> bytes:
    info = tsp.TSTInfo(
        {
            "version": "v1",
            "policy": "1.3.6.1.4.1.99999.1",
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "hashed_message": digest,
            },
            "serial_number": serial,
            "gen_time": core.GeneralizedTime(gen_time.astimezone(UTC)),
        }
    )
    content = info.dump()
    leaf = asn1_x509.Certificate.load(_der(tsa.cert))
    signed_attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
            cms.CMSAttribute(
                {"type": "message_digest", "values": [hashlib.sha256(content).digest()]}
            ),
            cms.CMSAttribute(
                {
                    "type": "signing_certificate_v2",
                    "values": [{"certs": [{"cert_hash": hashlib.sha256(_der(tsa.cert)).digest()}]}],
                }
            ),
        ]
    )
    signature = tsa.key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": leaf.issuer,
                        "serial_number": leaf.serial_number,
                    }
                }
            ),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": signed_attrs,
            "signature_algorithm": {"algorithm": "sha256_rsa"},
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {
                "content_type": "tst_info",
                "content": core.ParsableOctetString(content),
            },
            "certificates": [leaf, asn1_x509.Certificate.load(_der(tsa.ca.cert))]
            if with_ca
            else [leaf],
            "signer_infos": [signer],
        }
    )
    token = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
    return bytes(token.dump())


def timestamped(
    sealed: str,
    tsa: TimestampAuthority,
    gen_time: datetime,
    *,
    over: bytes | None = None,
    encoded: bool = True,
    with_ca: bool = False,
) -> str:
    """``sealed`` (a JAdES JWS JSON) with a ``sigTst`` unsigned property: a token by ``tsa``
    over the base64url signature value (or over ``over``), as a base64url ``etsiU`` item
    (``encoded``) or a clear JSON one."""
    jws = json.loads(sealed)
    entry = jws["signatures"][0]
    message = over if over is not None else entry["signature"].encode()
    token = tsa.token(message, gen_time, with_ca=with_ca)
    item: dict[str, object] = {"sigTst": {"tstTokens": [{"val": base64.b64encode(token).decode()}]}}
    entry.setdefault("header", {}).setdefault("etsiU", []).append(
        b64u(json.dumps(item).encode()) if encoded else item
    )
    return json.dumps(jws)
