"""The issuer judge: deny wins, names never count, registries in order, unknown when unsure."""

from __future__ import annotations

from datetime import date, timedelta

from ats_match.net.http import HttpFetcher
from ats_match.trust import (
    AccreditationList,
    DccLegacyRegistry,
    RegistryJudge,
    parse_dcc_registry,
    rules_from,
    rules_from_rows,
)
from ats_match.verification.answers import IssuerTrust
from tests.support.issuer_server import IssuerServer

UNI = "did:key:z6MkUniversity"
NMC_IMPOSTOR = "did:key:z6MkImpostorCallingItselfNMC"


def _inline(name: str, *dids: str) -> DccLegacyRegistry:
    document = {"registry": {d: {"name": f"{name} member"} for d in dids}}
    return DccLegacyRegistry(name, entries=parse_dcc_registry(document))


def test_deny_wins_over_allow_and_registries() -> None:
    rules = rules_from([UNI], allow=True, list_name="org") + rules_from(
        [UNI], allow=False, list_name="org"
    )
    answer = RegistryJudge(rules=rules, sources=[_inline("R", UNI)])(UNI)
    assert answer.status == IssuerTrust.DENIED and answer.detail["entry"] == UNI


def test_a_self_declared_name_on_the_allow_list_never_trusts_anyone() -> None:
    """The attack from the issue: an allow-list entry "Nursing and Midwifery Council" matched
    the issuer's self-declared name. Names are not entries; the impostor stays unknown."""
    rules = rules_from(["Nursing and Midwifery Council"], allow=True, list_name="org")
    assert rules == []
    answer = RegistryJudge(rules=rules)(NMC_IMPOSTOR)
    assert answer.status == IssuerTrust.UNKNOWN


def test_allow_by_https_origin_covers_did_web_of_that_origin() -> None:
    rules = rules_from_rows(
        "Employer list", [{"issuer": "https://www.nmc.org.uk", "effect": "allow"}]
    )
    judge = RegistryJudge(rules=rules)
    assert judge("did:web:www.nmc.org.uk").status == IssuerTrust.TRUSTED
    assert judge("https://www.nmc.org.uk/issuer.json").detail["registry"] == "Employer list"
    assert judge("https://www.nmc.org.uk.evil.test/issuer").status == IssuerTrust.UNKNOWN


def test_the_first_registry_that_lists_the_issuer_answers() -> None:
    judge = RegistryJudge(sources=[_inline("First", "did:key:z6MkOther"), _inline("Second", UNI)])
    answer = judge(UNI)
    assert answer.status == IssuerTrust.TRUSTED
    assert (
        answer.detail["registry"] == "Second"
        and answer.detail["registered_name"] == "Second member"
    )
    assert "accreditor" in answer.detail
    missing = judge("did:key:z6MkNobody")
    assert missing.status == IssuerTrust.UNKNOWN and missing.detail["checked"] == [
        "First",
        "Second",
    ]


def test_an_unreachable_registry_gives_unknown_with_retry_never_trusted(
    server: IssuerServer, fetcher: HttpFetcher
) -> None:
    url = server.serve("/registry.json", {"registry": {UNI: {"name": "U"}}})
    server.down()
    judge = RegistryJudge(sources=[DccLegacyRegistry("Down", url=url, fetcher=fetcher)])
    answer = judge(UNI)
    assert answer.status == IssuerTrust.UNKNOWN
    assert answer.detail["retry"] is True and answer.detail["unchecked"][0]["registry"] == "Down"
    assert "could not be checked" in answer.reason
    server.up()
    assert judge(UNI).status == IssuerTrust.TRUSTED  # a retryable answer is not cached


def test_one_total_deadline_for_all_registries(server: IssuerServer, fetcher: HttpFetcher) -> None:
    slow = server.serve("/slow.json", {"registry": {}}, delay_first=1.5)
    fast = server.serve("/fast.json", {"registry": {UNI: {"name": "U"}}})
    judge = RegistryJudge(
        sources=[
            DccLegacyRegistry("Slow", url=slow, fetcher=fetcher),
            DccLegacyRegistry("Fast", url=fast, fetcher=fetcher),
        ],
        deadline_seconds=1.0,
    )
    answer = judge(UNI)
    assert answer.status == IssuerTrust.UNKNOWN and "/fast.json" not in server.requests
    assert answer.detail["unchecked"][0]["registry"] == "Fast"


def test_accreditation_lists_vouch_with_the_accreditor_and_expire() -> None:
    today = date.today()
    accredited = AccreditationList.from_rows(
        "Accredited bodies",
        [
            {
                "issuer": "https://www.resus.org.uk",
                "accreditor": "ANAB (ISO/IEC 17024)",
                "program": "BLS",
                "valid_until": (today + timedelta(days=30)).isoformat(),
            },
            {
                "issuer": "did:key:z6MkLapsed",
                "accreditor": "NCCA",
                "valid_until": (today - timedelta(days=1)).isoformat(),
            },
        ],
    )
    judge = RegistryJudge(sources=[accredited, _inline("R", "did:key:z6MkLapsed")])
    answer = judge("did:web:www.resus.org.uk")
    assert answer.status == IssuerTrust.TRUSTED
    assert answer.detail["accreditor"] == "ANAB (ISO/IEC 17024)"
    assert answer.detail["accreditations"][0]["program"] == "BLS"
    lapsed = judge("did:key:z6MkLapsed")  # trusted by the registry, but the accreditation lapsed
    assert lapsed.detail["registry"] == "R" and "accreditations" not in lapsed.detail


def test_no_issuer_or_a_name_is_unknown() -> None:
    judge = RegistryJudge(sources=[_inline("R", UNI)])
    assert judge(None).status == IssuerTrust.UNKNOWN
    assert judge("Example University").status == IssuerTrust.UNKNOWN
