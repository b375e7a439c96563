"""Issuer registries per organisation: configure them, publish one, and build the issuer judge.

- create / update / delete / list :class:`~ats_match.models.IssuerRegistry` rows (admin; every
  change audited; the service never commits);
- :func:`published_document`: a published ``dcc_legacy`` row's entries in the DCC format, as the
  app serves them at :func:`published_url` for other verifiers (and for the demo organisation);
- :func:`issuer_judge_for`: the :class:`~ats_match.trust.RegistryJudge` of an organisation, from
  its allow/deny lists and its enabled registries in order. A registry whose URL is one this app
  publishes is read from the database instead of over the network: the same document, without
  a loopback fetch (which the safe fetcher refuses unless allow-listed).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col

from ats_match.errors import InvalidInput, NotFound
from ats_match.models import IssuerRegistry, Organization, RegistryKind, User
from ats_match.models.base import utcnow
from ats_match.models.trust import IssuerRegistryBase
from ats_match.net.fetcher import Fetcher
from ats_match.repositories import IssuerRegistryRepository
from ats_match.services.admin import audit
from ats_match.services.trust_input import IssuerRegistryIn, IssuerRegistryPatch, checked
from ats_match.settings import get_settings
from ats_match.trust import (
    AccreditationList,
    DccLegacyRegistry,
    FederationRegistry,
    IssuerSource,
    ListRule,
    RegistryJudge,
    dcc_document,
    parse_dcc_registry,
    rules_from,
    rules_from_rows,
)
from ats_match.trust.judge import DEFAULT_DEADLINE, ORG_LIST
from ats_match.trust.statements import key_set

PUBLISHED_PATH = "/trust/registries/{id}/registry.json"
_PUBLISHED_RE = re.compile(r"^/trust/registries/([0-9a-f-]{36})/registry\.json$")


# -- configuration ------------------------------------------------------------------------------
def list_registries(session: Session, organization_id: uuid.UUID) -> Sequence[IssuerRegistry]:
    repo = IssuerRegistryRepository(session, organization_id)
    statement = repo.query().order_by(col(IssuerRegistry.position), col(IssuerRegistry.created_at))
    return session.exec(statement).all()


def create_registry(session: Session, actor: User, data: IssuerRegistryIn) -> IssuerRegistry:
    values = checked(data.model_dump(), self_served=is_published_url)
    repo = IssuerRegistryRepository(session, actor.organization_id)
    _unique_name(repo, values["name"], None)
    registry = IssuerRegistry.model_validate(
        values, update={"organization_id": actor.organization_id}
    )
    repo.add(registry)
    audit(
        session, actor, "trust.registry.create", "issuer_registry", registry.id, _summary(registry)
    )
    return registry


def update_registry(
    session: Session, actor: User, registry_id: uuid.UUID, patch: IssuerRegistryPatch
) -> IssuerRegistry:
    repo = IssuerRegistryRepository(session, actor.organization_id)
    registry = repo.get_or_404(registry_id)
    # warnings=False: enum columns come back from the database as their plain string values.
    merged = {**registry.model_dump(warnings=False), **patch.model_dump(exclude_unset=True)}
    values = checked(merged, self_served=is_published_url)
    _unique_name(repo, values["name"], registry.id)
    for key in IssuerRegistryBase.model_fields:
        setattr(registry, key, values[key])
    registry.updated_at = utcnow()
    session.add(registry)
    audit(
        session, actor, "trust.registry.update", "issuer_registry", registry.id, _summary(registry)
    )
    return registry


def delete_registry(session: Session, actor: User, registry_id: uuid.UUID) -> None:
    registry = IssuerRegistryRepository(session, actor.organization_id).get_or_404(registry_id)
    audit(
        session, actor, "trust.registry.delete", "issuer_registry", registry.id, _summary(registry)
    )
    session.delete(registry)
    session.flush()


# -- publishing ---------------------------------------------------------------------------------
def published_url(registry_id: uuid.UUID) -> str:
    return get_settings().base_url.rstrip("/") + PUBLISHED_PATH.format(id=registry_id)


def is_published_url(url: str) -> bool:
    return _published_id(url) is not None


def published_document(session: Session, registry_id: uuid.UUID) -> dict[str, Any]:
    """The DCC document of a published registry (any organisation's: publishing is public)."""
    registry = session.get(IssuerRegistry, registry_id)
    if registry is None or not registry.published or registry.kind != RegistryKind.DCC_LEGACY:
        raise NotFound(f"no published registry {registry_id}")
    return dcc_document(registry.entries, updated=registry.updated_at.isoformat())


def ensure_served_registry(
    session: Session, organization_id: uuid.UUID, name: str, entries: list[dict[str, Any]]
) -> IssuerRegistry:
    """Publish ``entries`` as a DCC registry and make the organisation trust issuers through
    that served registry (an enabled row whose URL is the published one). Idempotent: seeding
    again refreshes the entries. Used by the demo organisation."""
    repo = IssuerRegistryRepository(session, organization_id)
    published_name = f"{name} (published list)"
    source = _named(repo, published_name) or IssuerRegistry(
        organization_id=organization_id, kind=RegistryKind.DCC_LEGACY, name=published_name
    )
    source.entries, source.published, source.enabled = entries, True, False
    source.updated_at = utcnow()
    checked(source.model_dump(warnings=False), self_served=is_published_url)
    session.add(source)
    session.flush()
    reader = _named(repo, name) or IssuerRegistry(
        organization_id=organization_id, kind=RegistryKind.DCC_LEGACY, name=name, position=10
    )
    reader.url, reader.enabled = published_url(source.id), True
    session.add(reader)
    session.flush()
    return reader


def _named(repo: IssuerRegistryRepository, name: str) -> IssuerRegistry | None:
    return repo.session.exec(repo.query().where(col(IssuerRegistry.name) == name)).first()


def _published_id(url: str) -> uuid.UUID | None:
    base = get_settings().base_url.rstrip("/")
    if not url.startswith(base + "/"):
        return None
    match = _PUBLISHED_RE.match(url[len(base) :])
    return uuid.UUID(match.group(1)) if match else None


# -- the judge ----------------------------------------------------------------------------------
def issuer_judge_for(
    session: Session,
    organization_id: uuid.UUID,
    fetcher: Fetcher,
    *,
    deadline_seconds: float = DEFAULT_DEADLINE,
) -> RegistryJudge:
    """The issuer judge of ``organization_id``: its allow/deny lists, then its enabled
    registries in ascending ``position``."""
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound(f"organisation {organization_id} not found")
    rules: list[ListRule] = [
        *rules_from(org.issuer_deny, allow=False, list_name=ORG_LIST),
        *rules_from(org.issuer_allow, allow=True, list_name=ORG_LIST),
    ]
    sources: list[IssuerSource] = []
    for row in list_registries(session, organization_id):
        if not row.enabled:
            continue
        if row.kind == RegistryKind.EMPLOYER_LIST:
            rules += rules_from_rows(row.name, row.entries)
        elif (source := _source(session, row, fetcher)) is not None:
            sources.append(source)
    return RegistryJudge(rules=rules, sources=sources, deadline_seconds=deadline_seconds)


def _source(session: Session, row: IssuerRegistry, fetcher: Fetcher) -> IssuerSource | None:
    if row.kind == RegistryKind.ACCREDITATION_LIST:
        return AccreditationList.from_rows(row.name, row.entries)
    if row.kind == RegistryKind.OPENID_FEDERATION and row.trust_anchor:
        keys = key_set(row.trust_anchor_jwks) if row.trust_anchor_jwks else None
        return FederationRegistry(
            row.name, trust_anchor=row.trust_anchor, fetcher=fetcher, anchor_keys=keys
        )
    if row.kind == RegistryKind.DCC_LEGACY:
        if row.url and (published := _published_id(row.url)) is not None:
            try:
                document = published_document(session, published)
            except NotFound:
                document = {"registry": {}}
            return DccLegacyRegistry(row.name, entries=parse_dcc_registry(document))
        if row.url:
            return DccLegacyRegistry(row.name, url=row.url, fetcher=fetcher)
        return DccLegacyRegistry(row.name, entries=parse_dcc_registry(dcc_document(row.entries)))
    return None


def _unique_name(repo: IssuerRegistryRepository, name: str, own: uuid.UUID | None) -> None:
    clash = _named(repo, name)
    if clash is not None and clash.id != own:
        raise InvalidInput(f"a registry named {name!r} already exists")


def _summary(registry: IssuerRegistry) -> dict[str, Any]:
    return {
        "kind": registry.kind,
        "name": registry.name,
        "url": registry.url,
        "trust_anchor": registry.trust_anchor,
        "entries": len(registry.entries),
        "enabled": registry.enabled,
    }


__all__ = [
    "create_registry",
    "delete_registry",
    "ensure_served_registry",
    "is_published_url",
    "issuer_judge_for",
    "list_registries",
    "published_document",
    "published_url",
    "update_registry",
]
