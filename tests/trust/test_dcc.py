"""The DCC legacy registry read from a loopback https server, as verifiers read DCC's."""

from __future__ import annotations

from ats_match.net.http import HttpFetcher
from ats_match.trust import DccLegacyRegistry, Deadline, Outcome, parse_issuer
from tests.support.issuer_server import IssuerServer

# The shape of DCC's sandbox/community registry.json (meta + registry keyed by DID).
MEMBER = "did:key:z6MkpLDL3RoAoMRTwTgo3rs39ZwssfaPKtGdZw7AGRN7CK4W"
REGISTRY = {
    "meta": {"created": "2022-10-27T17:57:31+00:00", "updated": "2025-03-12T16:20:00+00:00"},
    "registry": {
        MEMBER: {
            "name": "(Example) My University",
            "location": "Cambridge, MA, USA",
            "url": "https://digitalcredentials.mit.edu",
        },
        "did:web:www.credly.com:api:v1:obi:v3:issuers:ede32dcc-9168-4563-9352-8725936d5231": {
            "name": "Credly Test OBv3 PM"
        },
    },
}


def _issuer(value: str):  # type: ignore[no-untyped-def]
    parsed = parse_issuer(value)
    assert parsed is not None
    return parsed


def test_a_listed_did_is_found_with_the_registrys_name_for_it(
    server: IssuerServer, fetcher: HttpFetcher
) -> None:
    url = server.serve("/registry.json", REGISTRY)
    registry = DccLegacyRegistry("DCC Sandbox Registry", url=url, fetcher=fetcher)
    lookup = registry.lookup(_issuer(MEMBER + "#key-1"), Deadline(5))
    assert lookup.outcome == Outcome.LISTED and lookup.listing is not None
    assert lookup.listing.name == "(Example) My University"
    assert lookup.listing.facts == {"location": "Cambridge, MA, USA"}
    credly = "did:web:www.credly.com:api:v1:obi:v3:issuers:ede32dcc-9168-4563-9352-8725936d5231"
    assert registry.lookup(_issuer(credly), Deadline(5)).outcome == Outcome.LISTED


def test_the_registry_is_fetched_once_for_many_lookups(
    server: IssuerServer, fetcher: HttpFetcher
) -> None:
    url = server.serve("/registry.json", REGISTRY)
    registry = DccLegacyRegistry("DCC", url=url, fetcher=fetcher)
    for _ in range(5):
        registry.lookup(_issuer("did:key:z6MkOther"), Deadline(5))
    assert server.requests == ["/registry.json"]


def test_an_absent_did_and_an_https_issuer_are_not_listed(
    server: IssuerServer, fetcher: HttpFetcher
) -> None:
    registry = DccLegacyRegistry("DCC", url=server.serve("/r.json", REGISTRY), fetcher=fetcher)
    assert registry.lookup(_issuer("did:key:z6MkNotThere"), Deadline(5)).outcome == Outcome.ABSENT
    assert registry.lookup(_issuer("https://uni.example/i"), Deadline(5)).outcome == Outcome.ABSENT


def test_unreachable_missing_or_malformed_registries_never_list_anyone(
    server: IssuerServer, fetcher: HttpFetcher
) -> None:
    member = _issuer(MEMBER)
    missing = DccLegacyRegistry("gone", url=server.url("/missing.json"), fetcher=fetcher)
    assert missing.lookup(member, Deadline(5)).outcome == Outcome.UNREACHABLE  # 404 on the list
    bad = DccLegacyRegistry("bad", url=server.serve("/bad.json", {"issuers": []}), fetcher=fetcher)
    assert bad.lookup(member, Deadline(5)).outcome == Outcome.INVALID
    plain = DccLegacyRegistry("plain", url="http://127.0.0.1:1/r.json", fetcher=fetcher)
    assert plain.lookup(member, Deadline(5)).outcome == Outcome.INVALID
    url = server.serve("/down.json", REGISTRY)
    server.down()
    down = DccLegacyRegistry("down", url=url, fetcher=fetcher).lookup(member, Deadline(5))
    assert down.outcome == Outcome.UNREACHABLE and "could not be reached" in down.reason


def test_a_spent_deadline_asks_nothing(server: IssuerServer, fetcher: HttpFetcher) -> None:
    url = server.serve("/registry.json", REGISTRY)
    lookup = DccLegacyRegistry("DCC", url=url, fetcher=fetcher).lookup(_issuer(MEMBER), Deadline(0))
    assert lookup.outcome == Outcome.UNREACHABLE and server.requests == []
