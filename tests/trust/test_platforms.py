"""Evidence tiers for platform links, each platform's shapes played on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ats_match.net.http import HttpFetcher
from ats_match.verification.answers import EvidenceTier
from ats_match.verification.platforms import PLATFORMS, assess_link, recognise
from tests.support.hostmap import HostMapFetcher
from tests.support.issuer_server import IssuerServer

BADGE = "0f4c7b2e-9a51-4d1e-8c3a-2b6d5e7f8a90"
ALL_HOSTS = {h for p in PLATFORMS for h in p.page_hosts | p.record_hosts} | {"evil.example"}


@pytest.fixture
def platform_fetcher(server: IssuerServer, fetcher: HttpFetcher) -> Iterator[HostMapFetcher]:
    yield HostMapFetcher(fetcher, server, ALL_HOSTS)


def _page(title: str) -> str:
    return f'<html><head><meta property="og:title" content="{title}"><title>x</title></head><body></body></html>'


@pytest.mark.parametrize(
    ("url", "platform", "kind", "credential_id"),
    [
        (f"https://www.credly.com/badges/{BADGE}/public_url", "Credly", "page", BADGE),
        (f"https://api.credly.com/v1/obi/v2/badge_assertions/{BADGE}", "Credly", "record", BADGE),
        (
            f"https://www.credly.com/api/v1/obi/v3/open_badge_credentials/{BADGE}",
            "Credly",
            "signed",
            BADGE,
        ),
        (f"https://www.credential.net/{BADGE}", "Accredible", "page", BADGE),
        (
            "https://www.coursera.org/account/accomplishments/verify/LBUFQRNR2VWA?utm_source=x",
            "Coursera",
            "page",
            "LBUFQRNR2VWA",
        ),
        ("https://coursera.org/verify/LBUFQRNR2VWA", "Coursera", "page", "LBUFQRNR2VWA"),
        (
            "https://www.coursera.org/account/accomplishments/professional-cert/5TTMZHDGUV8E",
            "Coursera",
            "page",
            "5TTMZHDGUV8E",
        ),
        (
            "https://www.linkedin.com/learning/certificates/"
            + "ab" * 32
            + "?trk=share_certificate",
            "LinkedIn Learning",
            "page",
            "ab" * 32,
        ),
        (
            "https://credentials.edx.org/credentials/40a98642295d4fdbb74476d3ecccad3d/",
            "edX",
            "page",
            "40a98642295d4fdbb74476d3ecccad3d",
        ),
        (
            "https://courses.edx.org/certificates/88b256ce8d95476f9d2851f2304c4db7",
            "edX",
            "page",
            "88b256ce8d95476f9d2851f2304c4db7",
        ),
        ("https://confirm.udacity.com/C4VUQJ7Q", "Udacity", "page", "C4VUQJ7Q"),
        (
            "https://learn.microsoft.com/api/credentials/share/en-us/KenGraham-7404/1DFEFA0DA6C7420B?sharingId=E4D8B57667DD7D08",
            "Microsoft Learn",
            "page",
            "1DFEFA0DA6C7420B",
        ),
        (
            "https://learn.microsoft.com/en-us/users/someone/transcript/dlmxyzabc123",
            "Microsoft Learn",
            "page",
            "dlmxyzabc123",
        ),
        (
            "https://cp.certmetrics.com/amazon/en/public/verify/credential/455c09a58c6c43beb001b21d3ccec2a0",
            "AWS Certification",
            "page",
            "455c09a58c6c43beb001b21d3ccec2a0",
        ),
        (
            "https://cp.certmetrics.com/amazon/en/public/verify/credential/8F6FGKNCV2RQQH3P",
            "AWS Certification",
            "page",
            "8F6FGKNCV2RQQH3P",
        ),
        (
            "https://certification.pmi.org/registry.aspx",
            "PMI Certification Registry",
            "search",
            None,
        ),
    ],
)
def test_verification_url_shapes_are_recognised(
    url: str, platform: str, kind: str, credential_id: str | None
) -> None:
    found = recognise(url)
    assert found is not None and found.platform.name == platform
    assert found.kind == kind and found.credential_id == credential_id
    assert "utm_" not in found.url and "trk=" not in found.url


def test_tracking_is_dropped_but_sharing_ids_kept() -> None:
    found = recognise(
        "https://learn.microsoft.com/api/credentials/share/en-us/U/1DFEFA0DA6C7420B?sharingId=E4D8&utm_x=1"
    )
    assert found is not None and found.url.endswith("?sharingId=E4D8")


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.credly.com.evil.test/badges/{BADGE}",
        f"https://evil.example/badges/{BADGE}",
        "https://www.coursera.org/learn/python",
        "ftp://www.coursera.org/verify/LBUFQRNR2VWA",
    ],
)
def test_lookalikes_and_other_pages_are_not_recognised(url: str) -> None:
    assert recognise(url) is None


def test_credly_badge_confirmed_by_its_ob2_record(
    server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    record = f"https://api.credly.com/v1/obi/v2/badge_assertions/{BADGE}"
    server.serve(
        f"/api.credly.com/v1/obi/v2/badge_assertions/{BADGE}",
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": record,
            "recipient": {"type": "email", "hashed": True, "identity": "sha256$00"},
            "badge": "https://api.credly.com/v1/obi/v2/badge_classes/x",
            "issuedOn": "2025-01-02T00:00:00Z",
            "expires": "2028-01-02T00:00:00Z",
            "verification": {"type": "hosted"},
        },
    )
    tier, facts = assess_link(f"https://www.credly.com/badges/{BADGE}", platform_fetcher)
    assert tier == EvidenceTier.ISSUER_RECORD and facts.record_url == record
    assert facts.expires_on == "2028-01-02T00:00:00Z" and not facts.revoked


def test_credly_revoked_assertion_is_reported(
    server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    server.serve(f"/api.credly.com/v1/obi/v2/badge_assertions/{BADGE}", b"", status=410)
    tier, facts = assess_link(f"https://www.credly.com/badges/{BADGE}", platform_fetcher)
    assert tier == EvidenceTier.ISSUER_RECORD and facts.revoked


def test_credly_page_with_holder_when_the_record_is_missing(
    server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    server.serve(
        f"/www.credly.com/badges/{BADGE}",
        _page("Python Essentials 2 was issued by Cisco to Vishal V."),
        content_type="text/html",
    )
    tier, facts = assess_link(f"https://www.credly.com/badges/{BADGE}/public_url", platform_fetcher)
    assert tier == EvidenceTier.PLATFORM_PAGE
    assert (facts.title, facts.issuer_name, facts.holder_name) == (
        "Python Essentials 2",
        "Cisco",
        "Vishal V",
    )


def test_credly_ob3_download_is_left_to_the_verifier_not_downgraded(
    server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    url = f"https://www.credly.com/api/v1/obi/v3/open_badge_credentials/{BADGE}"
    server.serve(
        f"/www.credly.com/api/v1/obi/v3/open_badge_credentials/{BADGE}",
        {"type": ["VerifiableCredential"]},
    )
    tier, facts = assess_link(url, platform_fetcher)
    assert tier == EvidenceTier.ISSUER_RECORD and facts.verify_as_credential


def test_accredible_public_record(server: IssuerServer, platform_fetcher: HostMapFetcher) -> None:
    server.serve(
        f"/api.accredible.com/v1/credential-net/credentials/{BADGE}",
        {
            "data": {
                "uuid": BADGE,
                "name": "Databricks Lakehouse Fundamentals",
                "issued_on": "2024-06-22",
                "expired_on": None,
                "private": False,
                "recipient": {"name": "Ada Lovelace"},
                "issuer": {"name": "Databricks"},
            }
        },
    )
    tier, facts = assess_link(f"https://www.credential.net/{BADGE}", platform_fetcher)
    assert tier == EvidenceTier.ISSUER_RECORD
    assert (facts.title, facts.holder_name, facts.issued_on) == (
        "Databricks Lakehouse Fundamentals",
        "Ada Lovelace",
        "2024-06-22",
    )


def test_microsoft_transcript_record_keeps_certifications_not_contact_data(
    server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    server.serve(
        "/learn.microsoft.com/api/profiles/transcript/share/dlmxyzabc123",
        {
            "userName": "someone",
            "contactEmail": "someone@mail.example",
            "certificationData": {
                "legalName": "Some One",
                "mcid": "123",
                "activeCertifications": [
                    {"name": "Microsoft Certified: Azure Fundamentals", "status": "Active"}
                ],
            },
        },
    )
    tier, facts = assess_link(
        "https://learn.microsoft.com/en-us/users/someone/transcript/dlmxyzabc123", platform_fetcher
    )
    assert (
        tier == EvidenceTier.ISSUER_RECORD
        and facts.title == "Microsoft Certified: Azure Fundamentals"
    )
    assert facts.holder_name == "Some One" and "someone@mail.example" not in facts.model_dump_json()


@pytest.mark.parametrize(
    "url",
    [
        "https://www.coursera.org/account/accomplishments/verify/LBUFQRNR2VWA",
        "https://www.linkedin.com/learning/certificates/" + "ab" * 32,
        "https://credentials.edx.org/credentials/40a98642295d4fdbb74476d3ecccad3d/",
        "https://confirm.udacity.com/C4VUQJ7Q",
        "https://learn.microsoft.com/api/credentials/share/en-us/U/1DFEFA0DA6C7420B?sharingId=E4D8B57667DD7D08",
        "https://cp.certmetrics.com/amazon/en/public/verify/credential/455c09a58c6c43beb001b21d3ccec2a0",
    ],
)
def test_verification_pages_that_exist_are_tier_three(
    url: str, server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    server.serve(
        f"/{parts.hostname}{parts.path}",
        _page("Completion certificate: Data Analysis"),
        content_type="text/html",
    )
    tier, facts = assess_link(url, platform_fetcher)
    assert (
        tier == EvidenceTier.PLATFORM_PAGE
        and facts.title == "Completion certificate: Data Analysis"
    )


def test_missing_unreachable_and_redirected_pages_stay_claimed(
    server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    url = "https://confirm.udacity.com/C4VUQJ7Q"
    tier, facts = assess_link(url, platform_fetcher)  # 404
    assert tier == EvidenceTier.CLAIMED and not facts.retry and "no such" in facts.reason
    server.serve(
        "/confirm.udacity.com/C4VUQJ7Q", b"", status=302, headers={"Location": "/evil.example/page"}
    )
    server.serve("/evil.example/page", _page("Looks real"), content_type="text/html")
    assert (
        assess_link(url, platform_fetcher)[0] == EvidenceTier.CLAIMED
    )  # left the platform's hosts
    server.down()
    tier, facts = assess_link(
        "https://courses.edx.org/certificates/88b256ce8d95476f9d2851f2304c4db7", platform_fetcher
    )
    assert tier == EvidenceTier.CLAIMED and facts.retry


def test_search_forms_and_unknown_links_are_not_fetched(platform_fetcher: HostMapFetcher) -> None:
    assert (
        assess_link("https://certification.pmi.org/registry.aspx", platform_fetcher)[0]
        == EvidenceTier.CLAIMED
    )
    assert (
        assess_link("https://portfolio.example/certs/aws.png", platform_fetcher)[0]
        == EvidenceTier.CLAIMED
    )
    assert platform_fetcher.asked == []


# -- the four answers a platform-backed link gets (what the pipeline stores for it) ------------
def test_a_platform_record_is_genuine_at_the_issuer_record_tier(
    server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    from worker.links import platform_link_form, platform_report

    server.serve(
        f"/api.credly.com/v1/obi/v2/badge_assertions/{BADGE}",
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": f"https://api.credly.com/v1/obi/v2/badge_assertions/{BADGE}",
            "recipient": {"type": "email", "hashed": True, "identity": "sha256$00"},
            "badge": "https://api.credly.com/v1/obi/v2/badge_classes/x",
            "issuedOn": "2025-01-02T00:00:00Z",
            "expires": "2028-01-02T00:00:00Z",
            "verification": {"type": "hosted"},
        },
    )
    form = platform_link_form(f"https://www.credly.com/badges/{BADGE}", platform_fetcher)
    assert form is not None
    report = platform_report(form)
    assert report is not None
    assert (report.authenticity.status, report.validity.status) == ("genuine", "current")
    assert report.holder.status == "unproven"  # a platform's holder name is not an identity
    assert report.evidence_tier == "issuer_record"


def test_a_revoked_platform_record_is_revoked(
    server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    from worker.links import platform_link_form, platform_report

    server.serve(f"/api.credly.com/v1/obi/v2/badge_assertions/{BADGE}", b"", status=410)
    form = platform_link_form(f"https://www.credly.com/badges/{BADGE}", platform_fetcher)
    report = platform_report(form) if form else None
    assert report is not None and report.validity.status == "revoked"
    assert report.status.value == "failed"


def test_a_verification_page_is_tier_three_and_needs_review(
    server: IssuerServer, platform_fetcher: HostMapFetcher
) -> None:
    from rules import (
        CandidateEvidence,
        CredentialEvidence,
        RequirementSet,
        SkillEvidence,
        compile_requirement_set,
    )
    from worker.links import platform_link_form, platform_report

    server.serve(
        f"/www.credly.com/badges/{BADGE}",
        _page("Python Essentials 2 was issued by Cisco to Vishal V."),
        content_type="text/html",
    )
    url = f"https://www.credly.com/badges/{BADGE}/public_url"
    form = platform_link_form(url, platform_fetcher)
    report = platform_report(form) if form else None
    assert report is not None
    assert (report.authenticity.status, report.evidence_tier) == ("unknown", "platform_page")
    assert not report.retryable
    assert report.label == "Verification page on Credly"
    assert "Vishal V" in report.holder.reason
    evidence = CredentialEvidence(
        credential_id="c1",
        achievement_name=report.achievement.name,
        verdict=report.status.value,
        authenticity=report.authenticity.status,
        validity=report.validity.status,
        holder=report.holder.status,
        issuer_trust=report.issuer_trust.status,
        evidence_tier=report.evidence_tier,
    )
    skill = SkillEvidence(skill_uri="urn:python", credential_id="c1")
    candidate = CandidateEvidence(candidate_id="x", credentials=[evidence], skills=[skill])

    def outcome(accept: dict[str, object]) -> str:
        rule = {"id": "py", "label": "Python", "weight": 1, "skill": {"uri": "urn:python"}}
        body = {"id": "r", "name": "R", "requirements": [rule], "defaults": {"accept": accept}}
        compiled = compile_requirement_set(
            RequirementSet.model_validate(body), report.verified_at.date()
        )
        return compiled.explain(candidate).rules[0].outcome

    assert outcome({}) == "not_evaluable"  # default: needs review, never "not qualified"
    assert (
        outcome({"authenticity": ["genuine", "unknown"], "min_tier": "platform_page"})
        == "partly_met"
    )
    assert outcome({"authenticity": ["genuine", "unknown"], "min_tier": "issuer_record"}) == "unmet"
