"""EU trusted lists (ETSI TS 119 612 XML): the qualified-seal CAs, read from signed data.

What: :func:`qualified_anchors` reads the trusted list configured in ``edc_trusted_list``
(a national list, or the EU list of the lists, LOTL, whose pointers name national lists kept
as local files beside it), verifies its XML signature with ``signxml`` against the certificate(s)
in ``edc_trusted_list_signer`` (a national list named by a LOTL: against the certificates the
LOTL gives for it), and takes the CA certificates of services of type ``CA/QC`` whose status is
*granted* and which the list marks for e-seals (additional service information ``ForeSeals`` or
the qualifier ``QCForESeal``). Only what the signature covers is read (the signed element
signxml returns), so nothing can be slipped in beside the signed list.
Why: "qualified" must come from the list the Member State signed, not from a hand-kept file;
the PEM file ``edc_qualified_anchors`` stays as the simpler option when no list is configured.
A list whose signature does not verify is refused: qualified is then "not known".
Not read: a service's history (the status *at signing time*), the list's ``NextUpdate``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from cryptography import x509
from lxml import etree
from signxml.algorithms import SignatureMethod
from signxml.exceptions import SignXMLException
from signxml.verifier import SignatureConfiguration, XMLVerifier

from ats_match.verification.report import Check, CheckStatus

log = logging.getLogger(__name__)
TSL = "http://uri.etsi.org/02231/v2#"
DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"tsl": TSL, "ds": DS}
CA_QC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
GRANTED = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
FOR_ESEALS = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals"
QC_FOR_ESEAL = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForESeal"
LOTL_TYPE = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists"
_SIGNATURE_METHODS = frozenset(
    m for m in SignatureMethod if m.name.startswith(("RSA_", "ECDSA_", "SHA256_RSA"))
)
_MAX_LISTS = 64
_MAX_REFERENCES = 4
_MAX_FILES = 256


class TrustedListError(Exception):
    """The trusted list cannot be used (unreadable, or its signature does not verify)."""


@dataclass(frozen=True)
class QualifiedAnchors:
    """The qualified-seal CAs and where they came from (``source``: ``None`` = nothing is
    configured); ``problem``: why a configured trusted list was refused."""

    anchors: tuple[x509.Certificate, ...] = ()
    source: str | None = None
    problem: str | None = None
    skipped: tuple[str, ...] = ()
    """National lists a LOTL names that are missing here or were refused."""


def qualified_anchors(settings: Any) -> QualifiedAnchors:
    """The qualified anchors from the configured trusted list, else from the PEM file."""
    list_path, signer_path = settings.edc_trusted_list, settings.edc_trusted_list_signer
    if list_path:
        try:
            anchors, skipped = _cached_list(
                list_path, _folder_stamp(list_path), signer_path, _mtime(signer_path)
            )
        except TrustedListError as exc:
            log.warning("EDC trusted list %s refused: %s", list_path, exc)
            return QualifiedAnchors(source="the EU trusted list", problem=str(exc))
        return QualifiedAnchors(anchors, "the EU trusted list", skipped=skipped)
    pem = settings.edc_qualified_anchors
    if pem:
        return QualifiedAnchors(_pem_certificates(pem), "the configured qualified CA file")
    return QualifiedAnchors()


def qualified_check(
    listed: QualifiedAnchors, chains_to: Callable[[tuple[x509.Certificate, ...]], bool]
) -> Check:
    """The informational ``qualified`` check of a verified seal (``chains_to``: whether its
    chain validates to the given anchors at the signing time)."""
    if listed.source is None:
        return _info(
            "Whether the seal is qualified is not known: EU trusted-list data is not configured "
            "(settings edc_trusted_list, or edc_qualified_anchors)."
        )
    if listed.problem is not None:
        return _info(
            "Whether the seal is qualified is not known: the configured EU trusted list was "
            f"refused ({listed.problem})."
        )
    if listed.anchors and chains_to(listed.anchors):
        return _info(
            f"Qualified seal: the chain ends at a qualified CA for e-seals of {listed.source}.",
            CheckStatus.PASS,
        )
    if listed.skipped:
        names = ", ".join(listed.skipped[:5]) + (", ..." if len(listed.skipped) > 5 else "")
        return _info(
            "Whether the seal is qualified is not known: its chain ends at no qualified CA of "
            f"the lists read, and {len(listed.skipped)} list(s) the LOTL names are missing here "
            f"or were refused ({names})."
        )
    return _info(
        f"Not a qualified seal: its chain ends at no qualified CA for e-seals of {listed.source}."
    )


def _info(detail: str, status: CheckStatus = CheckStatus.WARN) -> Check:
    return Check(name="qualified", status=status, required=False, detail=detail)


def _folder_stamp(path: str) -> tuple[tuple[str, float], ...]:
    """The list's folder's XML files and their mtimes: a LOTL's lists are re-read on change."""
    folder = Path(path).parent
    try:
        files = sorted(folder.glob("*.xml"))[:_MAX_FILES]
    except OSError:
        return ()
    return tuple((f.name, _mtime(str(f))) for f in files)


def _mtime(path: str | None) -> float:
    return Path(path).stat().st_mtime if path and Path(path).is_file() else 0.0


def _pem_certificates(path: str | None) -> tuple[x509.Certificate, ...]:
    if not path or not Path(path).is_file():
        return ()
    try:
        return tuple(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    except ValueError:
        return ()


@functools.lru_cache(maxsize=4)
def _cached_list(
    list_path: str, _folder: tuple[tuple[str, float], ...], signer_path: str | None, _at: float
) -> tuple[tuple[x509.Certificate, ...], tuple[str, ...]]:
    """The qualified anchors of the list (a LOTL: of the lists it names) and the names of
    the lists it names that are missing or refused."""
    signers = _pem_certificates(signer_path)
    if not signers:
        raise TrustedListError("no trusted-list signing certificate is configured or readable")
    root = signed_list(Path(list_path), signers)
    if _text(root, "tsl:SchemeInformation/tsl:TSLType") != LOTL_TYPE:
        return qc_seal_cas(root), ()
    found: list[x509.Certificate] = []
    skipped: list[str] = []
    for location, certs in _pointers(root)[:_MAX_LISTS]:
        national = Path(list_path).parent / Path(urlparse(location).path).name
        if national.resolve() == Path(list_path).resolve():
            continue
        try:
            found += qc_seal_cas(signed_list(national, certs))
        except TrustedListError as exc:
            log.warning("EDC trusted list %s named by the LOTL skipped: %s", location, exc)
            skipped.append(national.name)
    return tuple(found), tuple(skipped)


def signed_list(path: Path, signers: tuple[x509.Certificate, ...]) -> Any:
    """The ``TrustServiceStatusList`` element as the signature of ``path`` covers it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrustedListError(f"{path.name} cannot be read") from exc
    config = SignatureConfiguration(
        expect_references=_reference_count(data), signature_methods=_SIGNATURE_METHODS
    )
    problem = "no signing certificate given"
    for signer in signers:
        try:
            results = XMLVerifier().verify(data, x509_cert=signer, expect_config=config)
        except (SignXMLException, etree.LxmlError, ValueError) as exc:
            problem = str(exc) or type(exc).__name__
            continue
        for result in results if isinstance(results, list) else [results]:
            if etree.QName(result.signed_xml).localname == "TrustServiceStatusList":
                return result.signed_xml
        problem = "the signature does not cover the list"
    raise TrustedListError(f"the signature of {path.name} does not verify ({problem})")


def _reference_count(data: bytes) -> int:
    """How many references the signature has: 1 (plain enveloped), or more with XAdES (the
    SignedProperties, the KeyInfo); every one must verify, and one must be the list itself."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise TrustedListError("the trusted list is not XML") from exc
    count = len(root.findall("ds:Signature/ds:SignedInfo/ds:Reference", NS))
    return count if 1 <= count <= _MAX_REFERENCES else 1


def qc_seal_cas(root: Any) -> tuple[x509.Certificate, ...]:
    """The CA certificates of granted qualified-certificate services for e-seals."""
    found: list[x509.Certificate] = []
    path = "tsl:TrustServiceProviderList/tsl:TrustServiceProvider/tsl:TSPServices/tsl:TSPService"
    for service in root.findall(path, NS):
        info = service.find("tsl:ServiceInformation", NS)
        if info is None or not _is_granted_qc_for_seals(info):
            continue
        found += _certificates(info.findall("tsl:ServiceDigitalIdentity", NS))
    return tuple(found)


def _is_granted_qc_for_seals(info: Any) -> bool:
    if _text(info, "tsl:ServiceTypeIdentifier") != CA_QC:
        return False
    if _text(info, "tsl:ServiceStatus") != GRANTED:
        return False
    extensions = info.find("tsl:ServiceInformationExtensions", NS)
    if extensions is None:
        return False
    uris = {(e.text or "").strip() for e in extensions.iter(f"{{{TSL}}}URI")}
    qualifiers = {e.get("uri") for e in extensions.iter() if e.get("uri")}
    return FOR_ESEALS in uris or QC_FOR_ESEAL in qualifiers


def _pointers(lotl: Any) -> list[tuple[str, tuple[x509.Certificate, ...]]]:
    """The LOTL's pointers to XML trusted lists: location and the certificates that sign it."""
    found: list[tuple[str, tuple[x509.Certificate, ...]]] = []
    path = "tsl:SchemeInformation/tsl:PointersToOtherTSL/tsl:OtherTSLPointer"
    for pointer in lotl.findall(path, NS):
        location = _text(pointer, "tsl:TSLLocation")
        mime = {
            (e.text or "").strip() for e in pointer.iter() if etree.QName(e).localname == "MimeType"
        }
        if not location or (mime and "application/vnd.etsi.tsl+xml" not in mime):
            continue
        if LOTL_TYPE in {(e.text or "").strip() for e in pointer.iter(f"{{{TSL}}}TSLType")}:
            continue  # the LOTL's pointer to itself
        identities = pointer.findall("tsl:ServiceDigitalIdentities/tsl:ServiceDigitalIdentity", NS)
        found.append((location, tuple(_certificates(identities))))
    return found


def _certificates(identities: list[Any]) -> list[x509.Certificate]:
    found: list[x509.Certificate] = []
    for identity in identities:
        for element in identity.findall("tsl:DigitalId/tsl:X509Certificate", NS):
            try:
                der = base64.b64decode("".join((element.text or "").split()), validate=True)
                found.append(x509.load_der_x509_certificate(der))
            except (binascii.Error, ValueError):
                log.info("EDC trusted list: an unreadable certificate was skipped")
    return found


def _text(element: Any, path: str) -> str | None:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else None
