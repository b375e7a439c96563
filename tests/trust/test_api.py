"""Issuer registries through the API: create, then use what was created (on both databases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from ats_match import db
from ats_match.models import Organization, Role
from ats_match.net.http import HttpFetcher
from ats_match.settings import get_settings
from ats_match.trust import parse_dcc_registry
from tests.factories import make_org, make_user
from tests.support.federation import Entity, public_jwks
from tests.support.issuer_server import IssuerServer

PREFIX = "/api/v1/issuer-registries"
UNI = "did:key:z6MkpLDL3RoAoMRTwTgo3rs39ZwssfaPKtGdZw7AGRN7CK4W"


@pytest.fixture
def keys(database_url: str) -> dict[str, str]:
    """Admin and recruiter keys of one organisation, and an admin key of another."""
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        org, other = make_org(session, "Acme"), make_org(session, "Globex")
        _, admin = make_user(session, org, Role.ADMIN)
        _, recruiter = make_user(session, org, Role.RECRUITER)
        _, stranger = make_user(session, other, Role.ADMIN)
        session.commit()
    engine.dispose()
    return {"admin": admin, "recruiter": recruiter, "stranger": stranger}


@pytest.fixture
def app_trusts_test_ca(server: IssuerServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's shared fetcher, built afresh, trusting the loopback server's test CA."""
    from worker.pipeline import shared_fetcher

    monkeypatch.setenv("ATS_MATCH_FETCH_CA_BUNDLE", str(server.ca_path))
    get_settings.cache_clear()
    shared_fetcher.cache_clear()
    yield
    shared_fetcher.cache_clear()


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def _check(client: TestClient, key: str, issuer: str) -> dict:  # type: ignore[type-arg]
    response = client.post(PREFIX + "/check", json={"issuer": issuer}, headers=_auth(key))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_dcc_registry_created_through_the_api_vouches_for_its_members(
    client: TestClient, keys: dict[str, str], server: IssuerServer, app_trusts_test_ca: None
) -> None:
    url = server.serve("/registry.json", {"meta": {}, "registry": {UNI: {"name": "My University"}}})
    created = client.post(
        PREFIX,
        json={"kind": "dcc_legacy", "name": "DCC Sandbox Registry", "url": url},
        headers=_auth(keys["admin"]),
    )
    assert created.status_code == 201, created.text
    answer = _check(client, keys["admin"], UNI)
    assert answer["status"] == "trusted"
    assert answer["detail"]["registry"] == "DCC Sandbox Registry"
    assert answer["detail"]["registered_name"] == "My University"
    assert _check(client, keys["admin"], "did:key:z6MkSomeoneElse")["status"] == "unknown"
    # Disabled, it vouches for no one.
    registry_id = created.json()["id"]
    patched = client.patch(
        f"{PREFIX}/{registry_id}", json={"enabled": False}, headers=_auth(keys["admin"])
    )
    assert patched.status_code == 200 and patched.json()["enabled"] is False
    assert _check(client, keys["admin"], UNI)["status"] == "unknown"


def test_a_federation_with_pinned_anchor_keys_created_through_the_api(
    client: TestClient, keys: dict[str, str], server: IssuerServer, app_trusts_test_ca: None
) -> None:
    anchor = Entity(server, "/ta", "Anchor")
    anchor.publish()
    anchor.vouch(UNI, anchor.statement_about(UNI, name="My University"))
    created = client.post(
        PREFIX,
        json={
            "kind": "openid_federation",
            "name": "Member Federation",
            "trust_anchor": anchor.id,
            "trust_anchor_jwks": public_jwks(anchor.key),
        },
        headers=_auth(keys["admin"]),
    )
    assert created.status_code == 201, created.text
    answer = _check(client, keys["admin"], UNI)
    assert answer["status"] == "trusted" and answer["detail"]["accreditor_id"] == anchor.id


def test_entries_must_be_dids_or_https_and_kinds_their_own_fields(
    client: TestClient, keys: dict[str, str]
) -> None:
    bad = [
        {
            "kind": "employer_list",
            "name": "L",
            "entries": [{"issuer": "Nursing and Midwifery Council", "effect": "allow"}],
        },
        {"kind": "dcc_legacy", "name": "D", "url": "http://registry.example/r.json"},
        {"kind": "dcc_legacy", "name": "D"},
        {"kind": "openid_federation", "name": "F", "trust_anchor": "http://ta.example"},
        {
            "kind": "openid_federation",
            "name": "F",
            "trust_anchor": "https://ta.example",
            "trust_anchor_jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]},
        },
        {"kind": "accreditation_list", "name": "A", "entries": [{"issuer": UNI}]},
        {"kind": "employer_list", "name": "L", "published": True, "entries": []},
    ]
    for body in bad:
        response = client.post(PREFIX, json=body, headers=_auth(keys["admin"]))
        assert response.status_code == 422, (body, response.text)


def test_employer_lists_deny_and_allow_by_identifier(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = {
        "kind": "employer_list",
        "name": "Hospital list",
        "entries": [
            {"issuer": "https://www.nmc.org.uk", "effect": "allow"},
            {"issuer": "did:key:z6MkForger", "effect": "deny", "note": "reported forger"},
        ],
    }
    assert client.post(PREFIX, json=body, headers=_auth(keys["admin"])).status_code == 201
    assert _check(client, keys["admin"], "did:web:www.nmc.org.uk")["status"] == "trusted"
    assert _check(client, keys["admin"], "did:key:z6MkForger")["status"] == "denied"


def test_only_admins_and_only_their_own_organisation(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = {"kind": "employer_list", "name": "L", "entries": []}
    assert client.post(PREFIX, json=body, headers=_auth(keys["recruiter"])).status_code == 403
    created = client.post(PREFIX, json=body, headers=_auth(keys["admin"])).json()
    assert (
        client.post(PREFIX, json=body, headers=_auth(keys["admin"])).status_code == 422
    )  # name taken
    url = f"{PREFIX}/{created['id']}"
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"enabled": False}} if method == "patch" else {}
        response = getattr(client, method)(url, headers=_auth(keys["stranger"]), **kwargs)
        assert response.status_code == 404
    assert client.get(PREFIX, headers=_auth(keys["stranger"])).json() == []
    assert [r["name"] for r in client.get(PREFIX, headers=_auth(keys["admin"])).json()] == ["L"]
    assert client.delete(url, headers=_auth(keys["admin"])).status_code == 204
    assert client.get(PREFIX, headers=_auth(keys["admin"])).json() == []


def test_a_published_registry_is_served_in_the_dcc_format(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = {
        "kind": "dcc_legacy",
        "name": "Our issuers",
        "published": True,
        "entries": [{"issuer": UNI, "name": "My University", "url": "https://uni.example"}],
    }
    created = client.post(PREFIX, json=body, headers=_auth(keys["admin"])).json()
    assert created["published_url"].endswith(f"/trust/registries/{created['id']}/registry.json")
    served = client.get(f"/trust/registries/{created['id']}/registry.json")  # no key needed
    assert served.status_code == 200
    assert parse_dcc_registry(served.json())[UNI]["name"] == "My University"
    client.patch(
        f"{PREFIX}/{created['id']}", json={"published": False}, headers=_auth(keys["admin"])
    )
    assert client.get(f"/trust/registries/{created['id']}/registry.json").status_code == 404


def test_the_demo_organisation_trusts_its_issuers_through_the_registry_it_serves(
    client: TestClient, database_url: str
) -> None:
    from sqlmodel import col, select

    from ats_match.services.trust import issuer_judge_for, list_registries
    from worker import demo

    engine = db.make_engine(database_url)
    with Session(engine) as session:
        org = Organization(name="Demo Corp", slug=f"demo-{id(session) % 10000}")
        session.add(org)
        session.flush()
        demo._ensure_issuer_registry(session, org)
        demo._ensure_issuer_registry(session, org)  # seeding twice changes nothing
        session.commit()
        rows = list_registries(session, org.id)
        reader = next(r for r in rows if r.enabled)
        assert len(rows) == 2 and reader.url is not None
        # No loopback allowed: the served registry is read from the database, not fetched.
        judge = issuer_judge_for(session, org.id, HttpFetcher(allow_hosts=()))
        answer = judge(demo.NMC.did)
        assert answer.status == "trusted" and answer.detail["registry"] == "Demo issuer registry"
        assert answer.detail["registered_name"] == "Nursing and Midwifery Council"
        assert judge("did:key:z6MkCallsItselfNMC").status == "unknown"
        assert session.exec(select(Organization).where(col(Organization.id) == org.id)).first()
    engine.dispose()
    path = reader.url.removeprefix(get_settings().base_url.rstrip("/"))
    served = client.get(path).json()
    assert set(parse_dcc_registry(served)) == {issuer.did for issuer in demo.ISSUERS}
