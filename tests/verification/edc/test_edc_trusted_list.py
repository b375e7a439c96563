"""'Qualified' from an EU trusted list the tests build and sign (ETSI TS 119 612): a national
list, and a LOTL naming a national list file beside it; the list's signature is verified, so a
tampered list or one signed by another key is refused (qualified: not known); only granted
qualified CA services for e-seals count."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ats_match.settings import get_settings
from ats_match.verification import VerificationReport
from tests.support import trusted_list as tl
from tests.verification.edc.conftest import Seals
from tests.verification.edc.test_edc_seal import CERT_FROM, CERT_UNTIL, SIGNED


@pytest.fixture(scope="module")
def operator() -> tl.ListSigner:
    return tl.make_signer()


def _configure(seals: Seals, list_file: Path, signer: tl.ListSigner) -> None:
    signer_file = seals.folder / "tl-signer.pem"
    signer_file.write_bytes(signer.pem)
    seals.monkeypatch.setenv("ATS_MATCH_EDC_TRUSTED_LIST", str(list_file))
    seals.monkeypatch.setenv("ATS_MATCH_EDC_TRUSTED_LIST_SIGNER", str(signer_file))
    get_settings.cache_clear()


def _write(seals: Seals, name: str, data: bytes) -> Path:
    path = seals.folder / name
    path.write_bytes(data)
    return path


def _qualified(seals: Seals) -> tuple[str, str, VerificationReport]:
    report = seals.verify(
        seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL)
    )
    found = next(c for c in report.checks if c.name == "qualified")
    return found.status.value, found.detail, report


@pytest.mark.parametrize("xades", [False, True], ids=["xmldsig", "xades"])
def test_signed_national_list_makes_the_seal_qualified(
    seals: Seals, operator: tl.ListSigner, xades: bool
) -> None:
    listed = tl.national_list([tl.Service(seals.intermediate.cert)])
    data = tl.signed(listed, operator, xades=xades)
    _configure(seals, _write(seals, "LB.xml", data), operator)
    status, detail, report = _qualified(seals)
    assert status == "pass" and "Qualified seal" in detail and "EU trusted list" in detail
    assert report.authenticity.status == "genuine"


def test_listed_qualified_ca_is_a_trust_anchor_too(seals: Seals, operator: tl.ListSigner) -> None:
    seals.monkeypatch.delenv("ATS_MATCH_EDC_TRUST_ANCHORS")
    data = tl.signed(tl.national_list([tl.Service(seals.intermediate.cert)]), operator)
    _configure(seals, _write(seals, "LB.xml", data), operator)
    status, _, report = _qualified(seals)
    assert status == "pass" and report.authenticity.status == "genuine", report.checks


@pytest.mark.parametrize("xades", [False, True], ids=["xmldsig", "xades"])
def test_tampered_list_is_refused(seals: Seals, operator: tl.ListSigner, xades: bool) -> None:
    listed = tl.national_list([tl.Service(seals.intermediate.cert, uses=[tl.FOR_ESIGNATURES])])
    data = tl.signed(listed, operator, xades=xades).replace(
        tl.FOR_ESIGNATURES.encode(), tl.FOR_ESEALS.encode()
    )
    _configure(seals, _write(seals, "LB.xml", data), operator)
    status, detail, report = _qualified(seals)
    assert status == "warn" and "not known" in detail and "refused" in detail
    assert report.authenticity.status == "genuine"  # still chains to edc_trust_anchors


def test_list_signed_by_another_key_is_refused(seals: Seals, operator: tl.ListSigner) -> None:
    impostor = tl.make_signer("Impostor")
    data = tl.signed(tl.national_list([tl.Service(seals.intermediate.cert)]), impostor)
    _configure(seals, _write(seals, "LB.xml", data), operator)
    status, detail, _ = _qualified(seals)
    assert status == "warn" and "not known" in detail


@pytest.mark.parametrize(
    "service",
    [
        {"status": tl.WITHDRAWN},
        {"uses": [tl.FOR_ESIGNATURES]},
        {"type": tl.TSA_QTST},
    ],
    ids=["withdrawn", "for-e-signatures", "not-a-ca"],
)
def test_only_granted_qualified_cas_for_eseals_count(
    seals: Seals, operator: tl.ListSigner, service: dict[str, object]
) -> None:
    listed = tl.Service(seals.intermediate.cert, **service)  # type: ignore[arg-type]
    data = tl.signed(tl.national_list([listed]), operator)
    _configure(seals, _write(seals, "LB.xml", data), operator)
    status, detail, _ = _qualified(seals)
    assert status == "warn" and "Not a qualified seal" in detail


def test_lotl_names_a_national_list_file_beside_it(seals: Seals, operator: tl.ListSigner) -> None:
    national_operator = tl.make_signer("Loopback national scheme operator")
    national = tl.signed(tl.national_list([tl.Service(seals.intermediate.cert)]), national_operator)
    _write(seals, "LB.xml", national)
    lotl = tl.signed(tl.lotl([("https://tl.example.eu/LB.xml", national_operator)]), operator)
    _configure(seals, _write(seals, "eu-lotl.xml", lotl), operator)
    status, detail, _ = _qualified(seals)
    assert status == "pass" and "Qualified seal" in detail


def test_lotl_refuses_a_national_list_not_signed_by_the_named_key(
    seals: Seals, operator: tl.ListSigner
) -> None:
    named = tl.make_signer("The operator the LOTL names")
    national = tl.signed(tl.national_list([tl.Service(seals.intermediate.cert)]), operator)
    _write(seals, "LB.xml", national)
    lotl = tl.signed(tl.lotl([("https://tl.example.eu/LB.xml", named)]), operator)
    _configure(seals, _write(seals, "eu-lotl.xml", lotl), operator)
    status, detail, _ = _qualified(seals)
    assert status == "warn" and "not known" in detail and "LB.xml" in detail


def test_lotl_list_not_mirrored_here_leaves_qualified_unknown(
    seals: Seals, operator: tl.ListSigner
) -> None:
    other = tl.make_signer("Another national operator")
    national = tl.signed(tl.national_list([tl.Service(seals.root.cert)]), other)
    _write(seals, "AA.xml", national)
    pointers = [("https://tl.example.eu/AA.xml", other), ("https://tl.example.eu/LB.xml", other)]
    lotl = tl.signed(tl.lotl(pointers), operator)
    _configure(seals, _write(seals, "eu-lotl.xml", lotl), operator)
    status, detail, _ = _qualified(seals)
    # The seal's chain does end at AA's listed root: qualified, whatever LB would have said.
    assert status == "pass", detail
    national = tl.signed(tl.national_list([tl.Service(tl.make_signer().cert)]), other)
    path = _write(seals, "AA.xml", national)  # re-read: the folder changed
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    status, detail, _ = _qualified(seals)
    assert status == "warn" and "not known" in detail and "LB.xml" in detail


def test_national_list_update_under_a_lotl_is_read_again(
    seals: Seals, operator: tl.ListSigner
) -> None:
    national_operator = tl.make_signer("Loopback national scheme operator")
    withdrawn = tl.Service(seals.intermediate.cert, status=tl.WITHDRAWN)
    _write(seals, "LB.xml", tl.signed(tl.national_list([withdrawn]), national_operator))
    lotl = tl.signed(tl.lotl([("https://tl.example.eu/LB.xml", national_operator)]), operator)
    _configure(seals, _write(seals, "eu-lotl.xml", lotl), operator)
    assert _qualified(seals)[0] == "warn"
    granted = tl.Service(seals.intermediate.cert)
    path = _write(seals, "LB.xml", tl.signed(tl.national_list([granted]), national_operator))
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    assert _qualified(seals)[0] == "pass"
