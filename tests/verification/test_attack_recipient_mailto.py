"""Attack corpus / binding: ``credentialSubject.id`` as a ``mailto:`` URI is an e-mail identity.

A VC names an e-mail subject as ``"id": "mailto:ada@example.org"``. It must bind to the applicant
with that address (case-insensitively), never to another applicant, and never be compared with
DIDs (where it would always look like "someone else")."""

from __future__ import annotations

from typing import Any

import pytest

from ats_match.formats.model import RecipientIdentity
from ats_match.verification import VerificationContext, verify_credential
from ats_match.verification.recipient import check_recipient
from ats_match.verification.report import CheckStatus
from tests.support.signing import TestKey, ob3_credential, sign_data_integrity, sign_vc_jwt
from tests.verification.vc.helpers import OfflineFetcher, form


@pytest.fixture(scope="module")
def key() -> TestKey:
    return TestKey.generate()


def _recipient(report: Any) -> Any:
    return next(c for c in report.checks if c.name == "recipient")


def _credentials(key: TestKey, subject: str) -> list[Any]:
    vc = ob3_credential(key.did_key(), subject_id=subject)
    return [
        form(sign_vc_jwt(vc, key, kid=key.did_key_vm())),
        form(sign_data_integrity(vc, key, key.did_key_vm())),
    ]


def _verify(credential: Any, emails: tuple[str, ...] = (), dids: tuple[str, ...] = ()) -> Any:
    context = VerificationContext(
        fetcher=OfflineFetcher(), applicant_emails=emails, applicant_dids=dids
    )
    return verify_credential(credential, context)


@pytest.mark.parametrize(
    "applicant", ["ada@example.org", "Ada@Example.ORG", "mailto:ada@example.org"]
)
def test_mailto_subject_binds_to_the_applicants_email(key: TestKey, applicant: str) -> None:
    for credential in _credentials(key, "mailto:ADA@example.org"):
        report = _verify(credential, emails=(applicant,))
        assert _recipient(report).status == CheckStatus.PASS, _recipient(report).detail
        assert report.status.value == "verified"


def test_mailto_subject_of_someone_else_is_a_mismatch(key: TestKey) -> None:
    for credential in _credentials(key, "mailto:mallory@example.org"):
        report = _verify(credential, emails=("ada@example.org",))
        assert _recipient(report).status == CheckStatus.FAIL
        assert "someone else" in _recipient(report).detail


def test_mailto_subject_is_never_compared_with_dids(key: TestKey) -> None:
    """An applicant known only by a DID: nothing proves or disproves the e-mail binding."""
    for credential in _credentials(key, "mailto:ada@example.org"):
        report = _verify(credential, dids=("did:example:ada",))
        assert _recipient(report).status == CheckStatus.INDETERMINATE


def test_a_did_equal_to_the_mailto_text_does_not_bind(key: TestKey) -> None:
    for credential in _credentials(key, "mailto:ada@example.org"):
        report = _verify(credential, dids=("mailto:ada@example.org",))
        assert _recipient(report).status != CheckStatus.PASS


@pytest.mark.parametrize(
    ("identity", "bound"),
    [
        ("mailto:ada%40example.org", True),
        ("mailto:ada@example.org?subject=Badge", True),
        ("MAILTO:ada@example.org", True),
        ("mailto:ada@example.org.evil.test", False),
        ("mailto:", False),
    ],
)
def test_mailto_forms(identity: str, bound: bool) -> None:
    check = check_recipient(
        [RecipientIdentity(type="id", identity=identity)], ["ada@example.org"], []
    )
    assert (check.status == CheckStatus.PASS) is bound
