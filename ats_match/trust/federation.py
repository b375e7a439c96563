"""An OpenID Federation 1.0 registry: trust chains from an issuer up to one configured anchor.

How an issuer is looked up (OpenID Federation 1.0, entity configuration at
``<entity id>/.well-known/openid-federation``; a superior's ``federation_fetch_endpoint`` answers
``GET <endpoint>?sub=<entity id>`` with the subordinate statement it issued about that entity):

- **DID issuers** (as the DCC Member Registry lists them): a DID cannot publish an entity
  configuration, so the trust anchor's fetch endpoint is asked about the DID directly;
  404 means "not registered". Chain: ``[statement(anchor -> DID), anchor configuration]``.
- **https issuers**: the issuer's origin is the entity id. Its entity configuration is fetched
  and its ``authority_hints`` are followed upwards (each superior's configuration, then its
  fetch endpoint about the entity below) until the configured trust anchor is reached, at most
  :data:`MAX_PATH` superiors and :data:`MAX_HINTS` hints per entity. An issuer that publishes no
  configuration is asked about at the anchor, as a DID is.

How the chain ``ES[0] .. ES[n]`` (``ES[n]`` the anchor's configuration) is verified, which the
DCC reference client does not do (it only decodes the JWTs): every statement passes
:func:`~.statements.parse_statement` (typ, pinned algorithms, NumericDate ``iat``/``exp``, not
expired); for each ``j < n``, ``ES[j].iss == ES[j+1].sub`` and ``ES[j]`` verifies with a key of
``ES[j+1].jwks`` (a subordinate statement is signed by its superior's keys as *the superior's
own superior* states them); an entity configuration also verifies with its own ``jwks``; the
anchor's configuration verifies with the keys pinned in the registry's configuration, or, when
none are pinned, with its own keys as fetched over https from the configured anchor id.

The issuer's name is taken from the statement its superior issued about it, never from its own
configuration; the accreditor is that superior. Metadata policies and constraints are not
applied (we read names, not protocol metadata): see ``docs/trust.md``.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from joserfc.jwk import KeySet

from ats_match.net.fetcher import Fetcher, FetchError, FetchErrorKind
from ats_match.trust.identifiers import IssuerId
from ats_match.trust.sources import (
    Deadline,
    Listing,
    Lookup,
    Outcome,
    deadline_passed,
    fetch_failure,
)
from ats_match.trust.statements import (
    MAX_STATEMENT_BYTES,
    STATEMENT_TYPE,
    EntityStatement,
    StatementError,
    parse_statement,
    verify_with,
)

KIND = "openid_federation"
WELL_KNOWN = "/.well-known/openid-federation"
MAX_PATH = 4
MAX_HINTS = 4
_ACCEPT = f"application/{STATEMENT_TYPE}, application/jwt;q=0.5"


class _Unreachable(Exception):
    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup


class _Absent(Exception):
    pass


@dataclass(frozen=True)
class TrustChain:
    statements: tuple[EntityStatement, ...]

    @property
    def subject(self) -> str:
        return self.statements[0].sub

    def about_subject(self) -> EntityStatement:
        """The statement a superior issued about the subject (names come from here)."""
        first = self.statements[0]
        return self.statements[1] if first.is_configuration else first


class FederationRegistry:
    """Looks issuers up in one federation, trusting only chains that end at ``trust_anchor``."""

    kind = KIND

    def __init__(
        self,
        name: str,
        *,
        trust_anchor: str,
        fetcher: Fetcher,
        anchor_keys: KeySet | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.name = name
        self.trust_anchor = trust_anchor.rstrip("/")
        self.fetcher = fetcher
        self.anchor_keys = anchor_keys
        self._clock = clock or time.time

    # -- the IssuerSource contract ------------------------------------------------------------
    def lookup(self, issuer: IssuerId, deadline: Deadline) -> Lookup:
        if not self.trust_anchor.startswith("https://"):
            return Lookup(Outcome.INVALID, f"the trust anchor of {self.name} is not https")
        try:
            chain = self.resolve(issuer, deadline)
        except _Unreachable as exc:
            return exc.lookup
        except _Absent:
            return Lookup(Outcome.ABSENT, f"The issuer is not registered in {self.name}.")
        except StatementError as exc:
            return Lookup(
                Outcome.INVALID, f"the federation {self.name} gave a statement that fails: {exc}"
            )
        return Lookup.listed(self._listing(chain), f"The issuer is registered in {self.name}.")

    # -- resolution -----------------------------------------------------------------------------
    def resolve(self, issuer: IssuerId, deadline: Deadline) -> TrustChain:
        """The verified chain for ``issuer`` (raises ``_Absent``, ``_Unreachable`` or
        :class:`StatementError`)."""
        anchor = self._configuration(self.trust_anchor, deadline)
        if issuer.did is not None or issuer.origin is None:
            return self._verified([self._subordinate(anchor, issuer.key, deadline), anchor])
        entity = issuer.origin
        if entity == self.trust_anchor:
            raise _Absent  # the anchor is not its own member
        try:
            leaf = self._configuration(entity, deadline)
        except _Absent:
            return self._verified([self._subordinate(anchor, entity, deadline), anchor])
        path = self._climb(leaf, anchor, deadline, seen={entity})
        return self._verified([leaf, *path])

    def _climb(
        self, below: EntityStatement, anchor: EntityStatement, deadline: Deadline, seen: set[str]
    ) -> list[EntityStatement]:
        """Statements from ``below``'s superior up to the anchor's configuration."""
        if len(seen) > MAX_PATH + 1:
            raise _Absent
        for hint in below.authority_hints[:MAX_HINTS]:
            hint = hint.rstrip("/")
            if hint in seen:
                continue
            if hint == self.trust_anchor:
                return [self._subordinate(anchor, below.sub, deadline), anchor]
            try:
                superior = self._configuration(hint, deadline)
                statement = self._subordinate(superior, below.sub, deadline)
                return [statement, *self._climb(superior, anchor, deadline, seen | {hint})]
            except _Absent:
                continue
        raise _Absent

    def _verified(self, statements: list[EntityStatement]) -> TrustChain:
        """Check the whole chain as described in the module docstring."""
        now = self._clock()
        for statement in statements:
            parse_statement(statement.token, now=now)  # expiry, once more, at one instant
        for lower, upper in itertools.pairwise(statements):
            if lower.iss != upper.sub:
                raise StatementError(f"{lower.iss} is not the subject of the statement above it")
            verify_with(lower, upper.jwks, signer=lower.iss)
        top = statements[-1]
        if not (top.is_configuration and top.sub == self.trust_anchor):
            raise StatementError(f"the chain does not end at the trust anchor {self.trust_anchor}")
        if self.anchor_keys is not None:
            verify_with(top, self.anchor_keys, signer=f"{self.trust_anchor} (pinned keys)")
        return TrustChain(tuple(statements))

    # -- fetching ---------------------------------------------------------------------------------
    def _configuration(self, entity: str, deadline: Deadline) -> EntityStatement:
        statement = self._fetch(entity + WELL_KNOWN, deadline)
        if not (statement.is_configuration and statement.sub == entity):
            raise StatementError(f"{entity} served an entity configuration about {statement.sub}")
        verify_with(statement, statement.jwks, signer=entity)
        return statement

    def _subordinate(
        self, superior: EntityStatement, sub: str, deadline: Deadline
    ) -> EntityStatement:
        endpoint = superior.federation_entity().get("federation_fetch_endpoint")
        if not isinstance(endpoint, str) or not endpoint.startswith("https://"):
            raise StatementError(f"{superior.sub} has no https federation_fetch_endpoint")
        separator = "&" if urlsplit(endpoint).query else "?"
        statement = self._fetch(f"{endpoint}{separator}sub={quote(sub, safe='')}", deadline)
        if statement.iss != superior.sub or statement.sub != sub:
            raise StatementError(f"{superior.sub}'s fetch endpoint answered about {statement.sub}")
        return statement

    def _fetch(self, url: str, deadline: Deadline) -> EntityStatement:
        if deadline.passed:
            raise _Unreachable(deadline_passed(self.name))
        try:
            response = self.fetcher.get(url, accept=_ACCEPT, max_bytes=MAX_STATEMENT_BYTES)
        except FetchError as exc:
            if exc.kind == FetchErrorKind.HTTP_ERROR and exc.status == 404:
                raise _Absent from None
            raise _Unreachable(fetch_failure(self.name, exc)) from None
        try:
            text = response.content.decode("ascii")
        except UnicodeDecodeError:
            raise StatementError(f"{url} did not answer with a JWT") from None
        return parse_statement(text, now=self._clock())

    # -- the answer ------------------------------------------------------------------------------
    def _listing(self, chain: TrustChain) -> Listing:
        about = chain.about_subject()
        entity = about.federation_entity()
        extra = about.metadata.get("institution_additional_information")
        # The superior's name as stated about it one level up (or by the anchor of itself).
        superior = next((s for s in chain.statements if s.sub == about.iss), None)
        superior_name = superior.federation_entity().get("organization_name") if superior else None
        facts: dict[str, object] = {
            "trust_anchor": self.trust_anchor,
            "chain": [s.iss for s in chain.statements],
        }
        if isinstance(extra, dict) and isinstance(extra.get("legal_name"), str):
            facts["legal_name"] = extra["legal_name"]
        for key, field in (("credential_registry_entity", "ctid"), ("ror_entity", "rorid")):
            value = about.metadata.get(key)
            if isinstance(value, dict) and isinstance(value.get(field), str):
                facts[field] = value[field]
        return Listing(
            registry=self.name,
            kind=KIND,
            name=_text(entity.get("organization_name")),
            url=_text(entity.get("homepage_uri")),
            accreditor=_text(superior_name) or about.iss,
            accreditor_id=about.iss,
            facts=facts,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
