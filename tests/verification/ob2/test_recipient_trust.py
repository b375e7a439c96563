"""Recipient binding and issuer trust: every rule of the two checks."""

from __future__ import annotations

import hashlib

from ats_match.formats.model import RecipientIdentity
from ats_match.verification.recipient import check_recipient
from ats_match.verification.report import CheckStatus, TrustPolicy
from ats_match.verification.trust import check_issuer_trust


def _hashed(email: str, salt: str | None, algo: str = "sha256") -> RecipientIdentity:
    digest = hashlib.new(algo, (email + (salt or "")).encode()).hexdigest()
    return RecipientIdentity(type="email", hashed=True, salt=salt, identity=f"{algo}${digest}")


def test_salted_sha256_matches_the_applicant() -> None:
    check = check_recipient([_hashed("ada@example.org", "s4lt")], ["ada@example.org"], [])
    assert check.status == CheckStatus.PASS and check.required


def test_hash_hex_case_and_email_case_are_ignored() -> None:
    ident = _hashed("ada@example.org", "x")
    ident.identity = "sha256$" + ident.identity.split("$")[1].upper()
    assert check_recipient([ident], ["Ada@Example.org"], []).status == CheckStatus.PASS


def test_md5_hash_and_spec_example_without_salt() -> None:
    assert check_recipient([_hashed("a@b.c", "z", "md5")], ["a@b.c"], []).status == "pass"
    spec = RecipientIdentity(
        type="email",
        hashed=True,
        identity="sha256$" + hashlib.sha256(b"mayze").hexdigest(),
    )
    assert check_recipient([spec], ["mayze"], []).status == CheckStatus.PASS


def test_salt_is_part_of_the_hash() -> None:
    check = check_recipient([_hashed("ada@example.org", "s4lt")], ["ada@example.orgX"], [])
    assert check.status == CheckStatus.FAIL
    wrong_salt = _hashed("ada@example.org", "s4lt")
    wrong_salt.salt = "other"
    assert check_recipient([wrong_salt], ["ada@example.org"], []).status == CheckStatus.FAIL


def test_plain_email_case_insensitive_and_mismatch_fails() -> None:
    ident = RecipientIdentity(type="email", identity="Ada@Example.org")
    assert check_recipient([ident], ["ada@example.org"], []).status == CheckStatus.PASS
    failed = check_recipient([ident], ["bob@example.org"], [])
    assert failed.status == CheckStatus.FAIL and "someone else" in failed.detail


def test_did_binding_needs_a_proven_did() -> None:
    """A DID binds only when the applicant proved it; one merely listed on their record (anyone
    can type a DID copied from someone else's credential) stays unproven."""
    ident = RecipientIdentity(type="did", identity="did:example:ada")
    proven = check_recipient([ident], [], [], proven_dids=["did:example:ada"])
    assert (proven.status, proven.outcome) == (CheckStatus.PASS, "proven")
    declared = check_recipient([ident], [], ["did:example:ada"])
    assert declared.outcome == "unproven" and "not proven" in declared.detail
    assert check_recipient([ident], [], [], proven_dids=["did:example:bob"]).outcome == "unproven"


def test_no_recipient_is_unaddressed_and_no_applicant_data_is_unproven() -> None:
    unaddressed = check_recipient([], ["ada@example.org"], [])
    assert (unaddressed.status, unaddressed.outcome) == (CheckStatus.WARN, "unaddressed")
    ident = _hashed("ada@example.org", "s")
    assert check_recipient([ident], [], []).outcome == "unproven"
    did = RecipientIdentity(type="did", identity="did:example:ada")
    assert check_recipient([did], ["ada@example.org"], []).outcome == "unproven"
    assert check_recipient([ident], ["bob@example.org"], []).outcome == "mismatch"
    assert check_recipient([ident], ["ada@example.org"], []).outcome == "bound"


def test_unknown_hash_algorithm_never_matches() -> None:
    ident = RecipientIdentity(type="email", hashed=True, identity="sha1$abc")
    assert check_recipient([ident], ["ada@example.org"], []).status == CheckStatus.FAIL


def test_trust_without_policy_is_skipped() -> None:
    check = check_issuer_trust("https://uni.example/issuer", TrustPolicy())
    assert check.status == CheckStatus.SKIPPED and not check.required


def test_trust_allow_list_and_prefix_boundaries() -> None:
    policy = TrustPolicy(allow=("https://uni.example",))
    assert check_issuer_trust("https://uni.example/issuer", policy).outcome == "trusted"
    assert check_issuer_trust("https://uni.example.evil.test/i", policy).outcome == "unknown"
    assert check_issuer_trust(None, policy).outcome == "unknown"
    dids = TrustPolicy(allow=("did:web:uni.example",))
    assert check_issuer_trust("did:web:uni.example:dept", dids).outcome == "trusted"
    assert check_issuer_trust("did:web:uni.example.evil", dids).outcome == "unknown"


def test_trust_deny_wins() -> None:
    policy = TrustPolicy(allow=("https://uni.example/",), deny=("https://uni.example/bad",))
    denied = check_issuer_trust("https://uni.example/bad", policy)
    assert denied.outcome == "denied" and "deny-list" in denied.detail
    only_deny = TrustPolicy(deny=("https://mill.example",))
    assert check_issuer_trust("https://uni.example/i", only_deny).outcome == "unknown"
