"""What an administrator may send to configure an issuer registry, and how it is checked.

Each kind has its own required fields and entry shape; every issuer in an entry must be a DID or
an https URL (:func:`ats_match.trust.validate_entry`), never a name. Registry URLs and trust
anchors must be https (a URL this app publishes is accepted as it is, since it is read from the
database). Pinned trust-anchor keys must be public keys.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ats_match.errors import InvalidInput
from ats_match.models import RegistryKind
from ats_match.models.trust import IssuerRegistryBase
from ats_match.trust.identifiers import validate_entry
from ats_match.trust.statements import key_set

MAX_ENTRIES = 10_000


class IssuerRegistryIn(IssuerRegistryBase):
    """A new registry (the table's fields less the ids and dates)."""


class IssuerRegistryPatch(BaseModel):
    """A partial update; fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=2000)
    trust_anchor: str | None = Field(default=None, max_length=2000)
    trust_anchor_jwks: dict[str, Any] | None = None
    entries: list[dict[str, Any]] | None = None
    position: int | None = None
    enabled: bool | None = None
    published: bool | None = None


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issuer: str

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        return validate_entry(value)


class DccEntry(_Entry):
    name: str = Field(min_length=1, max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    location: str | None = Field(default=None, max_length=300)

    @field_validator("issuer")
    @classmethod
    def _did(cls, value: str) -> str:
        if not value.startswith("did:"):
            raise ValueError("a DCC registry is keyed by DID")
        return value


class ListEntry(_Entry):
    effect: Literal["allow", "deny"]
    note: str | None = Field(default=None, max_length=500)


class AccreditationEntry(_Entry):
    accreditor: str = Field(min_length=1, max_length=300)
    accreditor_id: str | None = None
    program: str | None = Field(default=None, max_length=300)
    valid_until: date | None = None
    evidence_url: str | None = Field(default=None, max_length=2000)

    @field_validator("accreditor_id")
    @classmethod
    def _accreditor_id(cls, value: str | None) -> str | None:
        return validate_entry(value) if value else None


_ENTRY_MODEL: dict[RegistryKind, type[_Entry]] = {
    RegistryKind.DCC_LEGACY: DccEntry,
    RegistryKind.EMPLOYER_LIST: ListEntry,
    RegistryKind.ACCREDITATION_LIST: AccreditationEntry,
}


def checked(values: dict[str, Any], *, self_served: Callable[[str], bool]) -> dict[str, Any]:
    """``values`` (a registry's fields) validated for its kind; raises :class:`InvalidInput`."""
    try:
        kind = RegistryKind(values["kind"])
    except (KeyError, ValueError):
        raise InvalidInput(f"unknown registry kind {values.get('kind')!r}") from None
    problems: list[str] = []
    out = dict(values, kind=kind)
    out["entries"] = _entries(kind, values.get("entries") or [], problems)
    url, anchor = values.get("url"), values.get("trust_anchor")
    if kind == RegistryKind.DCC_LEGACY:
        if url and not (url.startswith("https://") or self_served(url)):
            problems.append("url must be https")
        if not url and not out["entries"]:
            problems.append("a DCC registry needs a url or inline entries")
    elif url:
        problems.append(f"a {kind.value} has no url")
    if kind == RegistryKind.OPENID_FEDERATION:
        _federation(anchor, values.get("trust_anchor_jwks"), problems)
    elif anchor or values.get("trust_anchor_jwks"):
        problems.append(f"a {kind.value} has no trust anchor")
    if values.get("published") and (kind != RegistryKind.DCC_LEGACY or url):
        problems.append("only a DCC registry with inline entries can be published")
    if problems:
        raise InvalidInput("; ".join(problems), [{"msg": p} for p in problems])
    return out


def _entries(kind: RegistryKind, entries: list[Any], problems: list[str]) -> list[dict[str, Any]]:
    model = _ENTRY_MODEL.get(kind)
    if model is None:
        if entries:
            problems.append(f"a {kind.value} has no inline entries")
        return []
    if len(entries) > MAX_ENTRIES:
        problems.append(f"at most {MAX_ENTRIES} entries")
        return []
    out: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        try:
            out.append(model.model_validate(entry).model_dump(mode="json", exclude_none=True))
        except ValidationError as exc:
            first = exc.errors()[0]
            problems.append(f"entries[{index}]: {first['msg']}")
    return out


def _federation(anchor: Any, jwks: Any, problems: list[str]) -> None:
    if not isinstance(anchor, str) or not anchor.startswith("https://"):
        problems.append("an OpenID Federation needs an https trust_anchor entity id")
    elif "?" in anchor or "#" in anchor:
        problems.append("a trust anchor entity id has no query or fragment")
    if jwks is not None and key_set(jwks) is None:
        problems.append("trust_anchor_jwks must be a JWKS of public keys")
