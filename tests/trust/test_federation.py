"""OpenID Federation trust chains on loopback: anchor + intermediate + leaf, and every way a
chain must fail (bad signature, expired statement, wrong anchor, unreachable)."""

from __future__ import annotations

import pytest

from ats_match.net.http import HttpFetcher
from ats_match.trust import Deadline, FederationRegistry, Outcome, parse_issuer
from ats_match.trust.statements import StatementError, key_set, parse_statement
from tests.support.federation import Entity, new_key, public_jwks, sign
from tests.support.issuer_server import IssuerServer

DID = "did:web:twotr.testschool.example"


@pytest.fixture
def entities(server: IssuerServer) -> tuple[Entity, Entity, Entity]:
    """anchor <- intermediate <- leaf (the leaf is the server's origin, as issuers are)."""
    anchor, intermediate = Entity(server, "/ta", "Anchor"), Entity(server, "/int", "Nursing Board")
    leaf = Entity(server, "", "Leaf")
    anchor.publish()
    intermediate.publish(hints=(anchor.id,))
    leaf.publish(hints=(intermediate.id,))
    anchor.vouch(
        intermediate.id,
        anchor.statement_about(
            intermediate.id, name="Nursing Board", jwks=public_jwks(intermediate.key)
        ),
    )
    intermediate.vouch(
        leaf.id,
        intermediate.statement_about(leaf.id, name="Leaf College", jwks=public_jwks(leaf.key)),
    )
    return anchor, intermediate, leaf


def _registry(anchor: Entity, fetcher: HttpFetcher, **kw) -> FederationRegistry:  # type: ignore[no-untyped-def]
    return FederationRegistry("Test Federation", trust_anchor=anchor.id, fetcher=fetcher, **kw)


def _lookup(registry: FederationRegistry, issuer: str):  # type: ignore[no-untyped-def]
    parsed = parse_issuer(issuer)
    assert parsed is not None
    return registry.lookup(parsed, Deadline(10))


def test_a_good_chain_through_an_intermediate_is_trusted_with_names_from_superiors(
    entities: tuple[Entity, Entity, Entity], fetcher: HttpFetcher
) -> None:
    anchor, intermediate, leaf = entities
    lookup = _lookup(_registry(anchor, fetcher), leaf.id + "/issuers/1.json")
    assert lookup.outcome == Outcome.LISTED, lookup.reason
    listing = lookup.listing
    assert listing is not None
    assert listing.name == "Leaf College"  # what the intermediate says, not "(self-declared)"
    assert listing.accreditor == "Nursing Board" and listing.accreditor_id == intermediate.id
    assert listing.facts["chain"] == [leaf.id, intermediate.id, anchor.id, anchor.id]


def test_pinned_anchor_keys_must_sign_the_anchor_configuration(
    entities: tuple[Entity, Entity, Entity], fetcher: HttpFetcher
) -> None:
    anchor, _, leaf = entities
    pinned = key_set(public_jwks(anchor.key))
    assert (
        _lookup(_registry(anchor, fetcher, anchor_keys=pinned), leaf.id).outcome == Outcome.LISTED
    )
    other = key_set(public_jwks(new_key(anchor.key.kid)))  # same kid, another key
    lookup = _lookup(_registry(anchor, fetcher, anchor_keys=other), leaf.id)
    assert lookup.outcome == Outcome.INVALID and "pinned" in lookup.reason


def test_a_subordinate_statement_not_signed_by_its_superior_fails(
    entities: tuple[Entity, Entity, Entity], fetcher: HttpFetcher
) -> None:
    anchor, intermediate, _ = entities
    forged = anchor.statement_about(
        intermediate.id, jwks=public_jwks(intermediate.key), signing_key=new_key("x")
    )
    anchor.vouch(intermediate.id, forged)
    lookup = _lookup(_registry(anchor, fetcher), entities[2].id)
    assert lookup.outcome == Outcome.INVALID and "not signed" in lookup.reason


def test_a_leaf_whose_keys_its_superior_does_not_vouch_for_fails(
    entities: tuple[Entity, Entity, Entity], fetcher: HttpFetcher
) -> None:
    _, intermediate, leaf = entities
    intermediate.vouch(
        leaf.id, intermediate.statement_about(leaf.id, jwks=public_jwks(new_key(leaf.key.kid)))
    )
    lookup = _lookup(_registry(entities[0], fetcher), leaf.id)
    assert lookup.outcome == Outcome.INVALID


def test_an_expired_statement_breaks_the_chain(
    entities: tuple[Entity, Entity, Entity], fetcher: HttpFetcher
) -> None:
    anchor, intermediate, leaf = entities
    intermediate.vouch(
        leaf.id, intermediate.statement_about(leaf.id, jwks=public_jwks(leaf.key), lifetime=-3600)
    )
    lookup = _lookup(_registry(anchor, fetcher), leaf.id)
    assert lookup.outcome == Outcome.INVALID and "expired" in lookup.reason


def test_a_chain_to_another_anchor_is_not_trusted(
    server: IssuerServer, entities: tuple[Entity, Entity, Entity], fetcher: HttpFetcher
) -> None:
    anchor, intermediate, leaf = entities
    rogue = Entity(server, "/rogue", "Rogue Anchor")
    rogue.publish()
    intermediate.publish(hints=(rogue.id,))
    rogue.vouch(
        intermediate.id, rogue.statement_about(intermediate.id, jwks=public_jwks(intermediate.key))
    )
    assert _lookup(_registry(anchor, fetcher), leaf.id).outcome == Outcome.ABSENT
    # An anchor id that answers with another entity's configuration is refused too.
    server.serve("/fake/.well-known/openid-federation", anchor.configuration())
    fake = FederationRegistry("F", trust_anchor=server.url("/fake"), fetcher=fetcher)
    assert _lookup(fake, leaf.id).outcome == Outcome.INVALID


def test_an_unreachable_federation_leaves_the_issuer_unknown(
    server: IssuerServer, entities: tuple[Entity, Entity, Entity], fetcher: HttpFetcher
) -> None:
    server.down()
    lookup = _lookup(_registry(entities[0], fetcher), entities[2].id)
    assert lookup.outcome == Outcome.UNREACHABLE


def test_a_did_is_looked_up_at_the_anchor_as_dcc_registers_members(
    server: IssuerServer, fetcher: HttpFetcher
) -> None:
    """DCC's member registry answers ``fetch?sub=<DID>`` with a statement signed by the
    anchor that has metadata but no jwks (a DID has no federation keys)."""
    anchor = Entity(server, "/ta", "DCC")
    anchor.publish()
    anchor.vouch(
        DID,
        anchor.statement_about(
            DID,
            name="TwoTraining Nursing School",
            metadata={
                "federation_entity": {"organization_name": "TwoTraining Nursing School"},
                "institution_additional_information": {"legal_name": "TwoTraining Ltd"},
            },
        ),
    )
    registry = _registry(anchor, fetcher)
    lookup = _lookup(registry, DID)
    assert lookup.outcome == Outcome.LISTED and lookup.listing is not None
    assert lookup.listing.name == "TwoTraining Nursing School"
    assert lookup.listing.facts["legal_name"] == "TwoTraining Ltd"
    assert _lookup(registry, "did:web:unknown.example").outcome == Outcome.ABSENT  # 404


@pytest.mark.parametrize(
    ("header", "claims", "message"),
    [
        ({"typ": "JWT"}, {}, "typ"),
        ({"alg": "HS256"}, {}, "algorithm"),
        ({}, {"exp": "9999999999"}, "NumericDate"),
        ({}, {"iat": True}, "NumericDate"),
        ({}, {"crit": ["x"]}, "do not process"),
        ({}, {"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}}, "public keys"),
    ],
)
def test_malformed_statements_are_refused(header: dict, claims: dict, message: str) -> None:  # type: ignore[type-arg]
    key = new_key("k")
    base = {"iss": "https://a.example", "sub": "https://a.example", "iat": 1, "exp": 9999999999}
    token = sign(key, {**base, **claims}, typ=header.get("typ", "entity-statement+jwt"))
    if "alg" in header:  # re-encode the header with a refused algorithm
        import base64
        import json

        head = base64.urlsafe_b64encode(
            json.dumps({"alg": "HS256", "typ": "entity-statement+jwt", "kid": "k"}).encode()
        )
        token = head.decode().rstrip("=") + token[token.index(".") :]
    with pytest.raises(StatementError, match=message):
        parse_statement(token)
