"""EU trusted lists (ETSI TS 119 612 XML) built and signed by the tests: a national list of
trust service providers and their services, a list of the lists (LOTL) pointing at national
list files, each signed (enveloped XML signature, ``signxml``) by a throw-away signing key."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.signer import XMLSigner
from signxml.xades.xades import XAdESSigner

TSL = "http://uri.etsi.org/02231/v2#"
CA_QC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
TSA_QTST = "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST"
GRANTED = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
WITHDRAWN = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn"
FOR_ESEALS = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals"
FOR_ESIGNATURES = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures"
NATIONAL = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric"
LOTL = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists"


@dataclass
class ListSigner:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def make_signer(name: str = "Loopback Trusted List Scheme Operator") -> ListSigner:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return ListSigner(key, cert)


@dataclass
class Service:
    cert: x509.Certificate
    type: str = CA_QC
    status: str = GRANTED
    uses: list[str] = field(default_factory=lambda: [FOR_ESEALS])


def _el(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{TSL}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _der64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _identity(parent: etree._Element, cert: x509.Certificate) -> None:
    _el(_el(_el(parent, "ServiceDigitalIdentity"), "DigitalId"), "X509Certificate", _der64(cert))


def _scheme(root: etree._Element, kind: str, territory: str) -> etree._Element:
    info = _el(root, "SchemeInformation")
    _el(info, "TSLVersionIdentifier", "5")
    _el(info, "TSLType", kind)
    _el(info, "SchemeTerritory", territory)
    return info


def national_list(services: list[Service], territory: str = "LB") -> etree._Element:
    root = etree.Element(f"{{{TSL}}}TrustServiceStatusList", nsmap={"tsl": TSL})
    _scheme(root, NATIONAL, territory)
    provider = _el(_el(root, "TrustServiceProviderList"), "TrustServiceProvider")
    _el(_el(_el(provider, "TSPInformation"), "TSPName"), "Name", "Loopback Trust Services")
    listed = _el(provider, "TSPServices")
    for service in services:
        info = _el(_el(listed, "TSPService"), "ServiceInformation")
        _el(info, "ServiceTypeIdentifier", service.type)
        _el(_el(info, "ServiceName"), "Name", service.cert.subject.rfc4514_string())
        _identity(info, service.cert)
        _el(info, "ServiceStatus", service.status)
        _el(info, "StatusStartingTime", "2020-01-01T00:00:00Z")
        extensions = _el(info, "ServiceInformationExtensions")
        for use in service.uses:
            extension = _el(extensions, "Extension")
            extension.set("Critical", "false")
            _el(_el(extension, "AdditionalServiceInformation"), "URI", use)
    return root


def lotl(pointers: list[tuple[str, ListSigner]]) -> etree._Element:
    """A list of the lists: each pointer a location and the certificate that signs that list."""
    root = etree.Element(f"{{{TSL}}}TrustServiceStatusList", nsmap={"tsl": TSL})
    others = _el(_scheme(root, LOTL, "EU"), "PointersToOtherTSL")
    for location, signer in pointers:
        pointer = _el(others, "OtherTSLPointer")
        _identity(_el(pointer, "ServiceDigitalIdentities"), signer.cert)
        _el(pointer, "TSLLocation", location)
    _el(root, "TrustServiceProviderList")
    return root


def signed(root: etree._Element, signer: ListSigner, *, xades: bool = False) -> bytes:
    """The list with its enveloped XML signature (RSA-SHA256); ``xades``: a XAdES signature
    (SignedProperties and KeyInfo referenced too), as Member States sign their lists."""
    maker = XAdESSigner() if xades else XMLSigner()
    result = maker.sign(root, key=signer.key, cert=[signer.cert])
    return bytes(etree.tostring(result, xml_declaration=True, encoding="UTF-8"))
