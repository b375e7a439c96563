"""Single sign-on as a company sets it up: an admin configures the provider through the API,
then people of its domains sign in at /login through a real OpenID Connect provider on loopback
(authorization code + PKCE), and every way the flow can be wrong is refused with a sentence."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Role, User
from tests.factories import make_org, make_user
from tests.support.oidc_provider import OidcProvider, Person
from tests.web.browse import form_token


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    with OidcProvider() as running:
        yield running


@pytest.fixture
def domain() -> str:
    """A domain of this test's own (the SQLite database is shared by the session's tests)."""
    return f"northwind-{uuid.uuid4().hex[:8]}.example"


@pytest.fixture
def admin_key(database_url: str, domain: str) -> tuple[str, uuid.UUID]:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        org = make_org(session, "Northwind")
        _, key = make_user(session, org, Role.ADMIN)
        recruiter = User(organization_id=org.id, email=f"rita@{domain}", role=Role.RECRUITER)
        session.add(recruiter)
        session.commit()
        org_id = org.id
    engine.dispose()
    return key, org_id


def _configure(client: TestClient, key: str, provider: OidcProvider, domain: str) -> None:
    body = {
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "email_domains": [domain.title()],
        "default_role": "viewer",
    }
    response = client.put("/api/v1/sso", json=body, headers={"authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["has_client_secret"] and "client_secret" not in shown
    assert shown["email_domains"] == [domain]


def _sign_in_with_sso(client: TestClient, email: str) -> httpx.Response:
    """What the browser does: the form, the provider's redirect, the callback."""
    token = form_token(client, "/login")
    started = client.post(
        "/login/sso", data={"email": email, "csrf_token": token}, follow_redirects=False
    )
    if started.status_code != 303:
        return started
    at_provider = httpx.get(started.headers["location"], follow_redirects=False)
    if at_provider.status_code != 302:
        return at_provider
    back = urlsplit(at_provider.headers["location"])
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_a_provider_set_up_through_the_api_signs_people_in(
    client: TestClient,
    admin_key: tuple[str, uuid.UUID],
    provider: OidcProvider,
    database_url: str,
    domain: str,
) -> None:
    key, org_id = admin_key
    _configure(client, key, provider, domain)
    provider.person = Person(f"Rita@{domain}")
    done = _sign_in_with_sso(client, f"rita@{domain}")
    assert done.status_code == 303 and done.headers["location"] == "/", done.text
    assert "atsm_session" in done.headers.get("set-cookie", "") or client.cookies
    page = client.get("/")
    assert page.status_code == 200 and "Jobs" in page.text
    assert provider.token_requests == 1

    # A person of the domain with no user yet gets one, with the connection's default role.
    client.cookies.clear()
    provider.person = Person(f"new.person@{domain}", name="New Person")
    assert _sign_in_with_sso(client, f"new.person@{domain}").status_code == 303
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        users = session.exec(select(User).where(col(User.organization_id) == org_id)).all()
    engine.dispose()
    roles = {u.email: u.role for u in users}
    assert roles[f"new.person@{domain}"] == Role.VIEWER
    assert roles[f"rita@{domain}"] == Role.RECRUITER  # existing users keep their role


@pytest.mark.parametrize(
    ("misbehave", "reason"),
    [
        ("audience", "ID token is not valid"),
        ("issuer", "ID token is not valid"),
        ("nonce", "ID token is not valid"),
        ("expired", "ID token is not valid"),
        ("unpublished_key", "ID token is not valid"),
        ("alg_none", "ID token is not valid"),
    ],
)
def test_a_wrong_id_token_is_refused(
    client: TestClient,
    admin_key: tuple[str, uuid.UUID],
    provider: OidcProvider,
    misbehave: str,
    reason: str,
    domain: str,
) -> None:
    _configure(client, admin_key[0], provider, domain)
    provider.person = Person(f"rita@{domain}")
    provider.misbehave = misbehave
    refused = _sign_in_with_sso(client, f"rita@{domain}")
    assert refused.status_code == 400 and reason in refused.text
    assert client.get("/", follow_redirects=False).status_code in (302, 303, 401)


def test_addresses_the_provider_does_not_vouch_for_are_refused(
    client: TestClient, admin_key: tuple[str, uuid.UUID], provider: OidcProvider, domain: str
) -> None:
    _configure(client, admin_key[0], provider, domain)
    provider.person = Person("mallory@evil.example")
    refused = _sign_in_with_sso(client, f"rita@{domain}")
    assert refused.status_code == 400 and "not an address of this organisation" in refused.text
    provider.person = Person(f"rita@{domain}", email_verified=False)
    refused = _sign_in_with_sso(client, f"rita@{domain}")
    assert refused.status_code == 400 and "did not vouch for an e-mail" in refused.text


def test_unknown_domains_tampered_state_and_a_provider_that_is_down(
    client: TestClient, admin_key: tuple[str, uuid.UUID], provider: OidcProvider, domain: str
) -> None:
    _configure(client, admin_key[0], provider, domain)
    token = form_token(client, "/login")
    unknown = client.post("/login/sso", data={"email": "a@nowhere.example", "csrf_token": token})
    assert unknown.status_code == 404 and "No single sign-on" in unknown.text
    no_csrf = client.post("/login/sso", data={"email": f"rita@{domain}"})
    assert no_csrf.status_code == 403

    provider.person = Person(f"rita@{domain}")
    token = form_token(client, "/login")
    started = client.post(
        "/login/sso",
        data={"email": f"rita@{domain}", "csrf_token": token},
        follow_redirects=False,
    )
    back = urlsplit(httpx.get(started.headers["location"]).headers["location"])
    forged_state = back.query.replace("state=", "state=x")
    refused = client.get(f"{back.path}?{forged_state}", follow_redirects=False)
    assert refused.status_code == 400 and "did not come back" in refused.text

    client.cookies.clear()
    client.cookies.set("atsm_sso", "not-a-sealed-state")
    refused = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert refused.status_code == 400 and "not started here" in refused.text

    provider.__exit__()
    token = form_token(client, "/login")
    down = client.post("/login/sso", data={"email": f"rita@{domain}", "csrf_token": token})
    assert down.status_code == 400 and "could not be reached" in down.text


def test_only_admins_configure_and_each_organisation_sees_its_own(
    client: TestClient,
    admin_key: tuple[str, uuid.UUID],
    provider: OidcProvider,
    database_url: str,
    domain: str,
) -> None:
    key, _ = admin_key
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        other = make_org(session, "Globex")
        _, other_admin = make_user(session, other, Role.ADMIN)
        _, recruiter = make_user(session, other, Role.RECRUITER)
        session.commit()
    engine.dispose()
    _configure(client, key, provider, domain)
    headers = {"authorization": f"Bearer {other_admin}"}
    assert client.get("/api/v1/sso", headers=headers).status_code == 404
    taken = client.put(
        "/api/v1/sso",
        json={
            "issuer": provider.issuer,
            "client_id": "x",
            "email_domains": [domain],
        },
        headers=headers,
    )
    assert taken.status_code == 400 and "Another organisation" in taken.text
    forbidden = client.get("/api/v1/sso", headers={"authorization": f"Bearer {recruiter}"})
    assert forbidden.status_code == 403
    assert client.get("/api/v1/sso", headers={"authorization": f"Bearer {key}"}).status_code == 200


def test_each_of_several_organisations_is_found_by_its_own_domains(
    client: TestClient, provider: OidcProvider, database_url: str
) -> None:
    """The sign-in reads the one connection claiming the address's domain; a domain given up
    is found nowhere until another organisation claims it."""
    suffix = uuid.uuid4().hex[:8]
    keys = []
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        for n in range(3):
            _, key = make_user(session, make_org(session, f"Org {n}"), Role.ADMIN)
            keys.append(key)
        session.commit()
    engine.dispose()

    def configure(key: str, client_id: str, domains: list[str]) -> int:
        body = {"issuer": provider.issuer, "client_id": client_id, "email_domains": domains}
        auth = {"authorization": f"Bearer {key}"}
        return client.put("/api/v1/sso", json=body, headers=auth).status_code

    def client_id_for(email: str) -> str | None:
        token = form_token(client, "/login")
        started = client.post(
            "/login/sso", data={"email": email, "csrf_token": token}, follow_redirects=False
        )
        if started.status_code != 303:
            return None
        query = dict(
            part.split("=", 1) for part in urlsplit(started.headers["location"]).query.split("&")
        )
        return query["client_id"]

    for n, key in enumerate(keys):
        domains = [f"org{n}-{suffix}.example", f"mail.org{n}-{suffix}.example"]
        assert configure(key, f"client-{n}", domains) == 200
    for n in range(3):
        assert client_id_for(f"ada@org{n}-{suffix}.example") == f"client-{n}"
        assert client_id_for(f"bob@MAIL.org{n}-{suffix}.example") == f"client-{n}"
    assert client_id_for(f"eve@nowhere-{suffix}.example") is None

    assert configure(keys[0], "client-0", [f"org0-{suffix}.example"]) == 200  # gives one up
    assert client_id_for(f"bob@mail.org0-{suffix}.example") is None
    assert (
        configure(keys[1], "client-1", [f"org1-{suffix}.example", f"mail.org0-{suffix}.example"])
        == 200
    )
    assert client_id_for(f"bob@mail.org0-{suffix}.example") == "client-1"
    assert client_id_for(f"ada@org0-{suffix}.example") == "client-0"
    assert configure(keys[2], "client-2", [f"org1-{suffix}.example"]) == 400  # taken
