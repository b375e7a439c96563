"""OpenID Connect single sign-on: the authorization-code flow with PKCE, per organisation.

:func:`begin` finds the organisation's provider from the person's work e-mail domain (one
indexed read of ``sso_domain``), reads the
provider's discovery document, and returns where to send the browser plus the sealed login state
(state, nonce and PKCE verifier, Fernet-encrypted with a 10-minute lifetime; it rides in a
cookie, so any server process can finish the login; the authorization URL and the PKCE
challenge are authlib's). :func:`finish` redeems the code through the address-guarded
transport, verifies the ID token with the provider's published keys (joserfc; algorithms
pinned to asymmetric ones; ``iss``, ``aud``, ``exp``, ``nonce`` checked), and returns the
organisation's user for the verified e-mail address, creating one with the connection's
default role the first time the provider vouches for a person of its domains.

Every discovery and key fetch goes through the safe fetcher (no private or loopback address
unless allow-listed, one total deadline, a byte cap); nothing is trusted from the browser but the
code and the state, which must equal the sealed one.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from cryptography.fernet import InvalidToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session, col, select

from ats_match.crypto import cipher
from ats_match.errors import AtsMatchError, NotFound
from ats_match.models import User
from ats_match.models.sso import SsoConnection, SsoConnectionUpdate, SsoDomain
from ats_match.net.fetcher import Fetcher, FetchError
from ats_match.net.http import guarded_client_options

STATE_LIFETIME_SECONDS = 600
SCOPE = "openid email profile"
ID_TOKEN_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"]
MAX_PROVIDER_DOCUMENT_BYTES = 256 * 1024


class SsoFailed(AtsMatchError):
    """Sign-in through the provider did not succeed; the message is for the person signing in."""

    status_code = 400
    code = "sso_failed"


@dataclass(frozen=True)
class Started:
    redirect_to: str
    sealed_state: str


def connection_of(session: Session, organization_id: uuid.UUID) -> SsoConnection | None:
    return session.exec(
        select(SsoConnection).where(col(SsoConnection.organization_id) == organization_id)
    ).first()


def configure(
    session: Session, organization_id: uuid.UUID, update: SsoConnectionUpdate
) -> SsoConnection:
    """Create or replace the organisation's provider; an omitted secret keeps the stored one."""
    if not update.issuer.startswith("https://") and not update.issuer.startswith("http://"):
        raise SsoFailed("The issuer must be an http(s) URL.")
    taken = _connection_for_domains(session, update.email_domains)
    if taken is not None and taken.organization_id != organization_id:
        raise SsoFailed("Another organisation signs in people of one of these domains.")
    row = connection_of(session, organization_id) or SsoConnection(
        organization_id=organization_id, issuer=update.issuer, client_id=update.client_id
    )
    for name, value in update.model_dump(exclude={"client_secret"}).items():
        setattr(row, name, value)
    if update.client_secret is not None:
        row.client_secret = update.client_secret
    session.add(row)
    session.flush()
    _claim_domains(session, row)
    return row


def _claim_domains(session: Session, row: SsoConnection) -> None:
    """Make the connection's ``sso_domain`` rows equal to its ``email_domains``."""
    held = session.exec(select(SsoDomain).where(col(SsoDomain.connection_id) == row.id)).all()
    for claim in held:
        if claim.domain not in row.email_domains:
            session.delete(claim)
    session.flush()  # a domain given up is free before it is claimed again
    kept = {claim.domain for claim in held}
    for domain in row.email_domains:
        if domain not in kept:
            session.add(
                SsoDomain(organization_id=row.organization_id, connection_id=row.id, domain=domain)
            )
    session.flush()


def begin(session: Session, email: str, redirect_uri: str, fetcher: Fetcher) -> Started:
    """Where to send a person who signs in with this work e-mail address."""
    connection = _connection_for_domains(session, [_domain(email)])
    if connection is None or not connection.enabled:
        raise NotFound("No single sign-on is set up for that e-mail domain.")
    provider = _discovery(connection, fetcher)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    url = prepare_grant_uri(
        provider["authorization_endpoint"],
        connection.client_id,
        "code",
        redirect_uri=redirect_uri,
        scope=SCOPE,
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
        login_hint=email,
    )
    sealed = {
        "connection": str(connection.id),
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
    }
    return Started(url, cipher().encrypt(json.dumps(sealed).encode()).decode())


def finish(session: Session, sealed_state: str, state: str, code: str, fetcher: Fetcher) -> User:
    """The user the provider vouched for, after checking everything the flow carries."""
    login = _unseal(sealed_state)
    if not secrets.compare_digest(login["state"], state):
        raise SsoFailed("The sign-in did not come back from the request we sent. Try again.")
    connection = session.get(SsoConnection, uuid.UUID(login["connection"]))
    if connection is None or not connection.enabled:
        raise SsoFailed("Single sign-on is no longer set up for this organisation.")
    provider = _discovery(connection, fetcher)
    token = _token(connection, provider["token_endpoint"], code, login)
    claims = _verified_claims(connection, provider, token.get("id_token"), login["nonce"], fetcher)
    return _user_for(session, connection, claims)


def _unseal(sealed_state: str) -> dict[str, str]:
    try:
        raw = cipher().decrypt(sealed_state.encode(), ttl=STATE_LIFETIME_SECONDS)
    except InvalidToken as exc:
        raise SsoFailed("The sign-in took too long or was not started here. Try again.") from exc
    value = json.loads(raw)
    return {str(k): str(v) for k, v in value.items()}


def _verified_claims(
    connection: SsoConnection,
    provider: dict[str, Any],
    id_token: Any,
    nonce: str,
    fetcher: Fetcher,
) -> dict[str, Any]:
    if not isinstance(id_token, str):
        raise SsoFailed("The identity provider sent no ID token.")
    keys = KeySet.import_key_set(_json(fetcher, provider["jwks_uri"]))  # type: ignore[arg-type]
    try:
        decoded = jwt.decode(id_token, keys, algorithms=ID_TOKEN_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": connection.issuer},
            aud={"essential": True, "value": connection.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise SsoFailed(f"The identity provider's ID token is not valid: {exc}") from exc
    return dict(decoded.claims)


def _user_for(session: Session, connection: SsoConnection, claims: dict[str, Any]) -> User:
    email = str(claims.get("email") or "").strip().lower()
    if not email or claims.get("email_verified") is False:
        raise SsoFailed("The identity provider did not vouch for an e-mail address.")
    if _domain(email) not in connection.email_domains:
        raise SsoFailed(f"{email} is not an address of this organisation's domains.")
    user = session.exec(
        select(User).where(
            col(User.organization_id) == connection.organization_id, col(User.email) == email
        )
    ).first()
    if user is None:
        name = str(claims.get("name") or email.split("@")[0])[:200]
        user = User(
            organization_id=connection.organization_id,
            email=email,
            name=name,
            role=connection.default_role,
        )
        session.add(user)
        session.flush()
    return user


def _discovery(connection: SsoConnection, fetcher: Fetcher) -> dict[str, Any]:
    url = connection.issuer.rstrip("/") + "/.well-known/openid-configuration"
    document = _json(fetcher, url)
    if document.get("issuer") != connection.issuer:
        raise SsoFailed("The identity provider's discovery document names another issuer.")
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    if not all(isinstance(document.get(name), str) for name in needed):
        raise SsoFailed("The identity provider's discovery document is incomplete.")
    return document


def _json(fetcher: Fetcher, url: str) -> dict[str, Any]:
    try:
        response = fetcher.get(
            url, accept="application/json", max_bytes=MAX_PROVIDER_DOCUMENT_BYTES
        )
        value = json.loads(response.content)
    except (FetchError, ValueError) as exc:
        raise SsoFailed(f"The identity provider could not be reached ({url}).") from exc
    if not isinstance(value, dict) or response.status_code != 200:
        raise SsoFailed(f"The identity provider answered {url} with something unexpected.")
    return value


def _token(
    connection: SsoConnection, endpoint: str, code: str, login: dict[str, str]
) -> dict[str, Any]:
    """Redeem the code (client_secret_basic, PKCE verifier) through the guarded client."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": login["redirect_uri"],
        "code_verifier": login["verifier"],
        "client_id": connection.client_id,
    }
    # RFC 6749 2.3.1: the id and secret are form-encoded before they are joined for Basic.
    auth = (quote(connection.client_id, safe=""), quote(connection.client_secret or "", safe=""))
    try:
        with httpx.Client(**guarded_client_options()) as client:
            response = client.post(endpoint, data=form, auth=auth)
        answer = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoFailed("The identity provider could not be reached to finish.") from exc
    if response.status_code != 200 or not isinstance(answer, dict):
        error = answer.get("error") if isinstance(answer, dict) else response.status_code
        raise SsoFailed(f"The identity provider refused the sign-in ({error}).")
    return answer


def _connection_for_domains(session: Session, domains: list[str]) -> SsoConnection | None:
    """The connection that claims any of ``domains`` (at most one does: the column is unique)."""
    wanted = sorted({d.lower() for d in domains})
    if not wanted:
        return None
    return session.exec(
        select(SsoConnection)
        .join(SsoDomain, col(SsoDomain.connection_id) == col(SsoConnection.id))
        .where(col(SsoDomain.domain).in_(wanted))
        .limit(1)
    ).first()


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()
