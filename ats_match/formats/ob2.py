"""Open Badges 1.x / 2.0 assertions into the internal form.

What: :func:`is_ob2_assertion` recognises an assertion; :func:`upgrade_ob1` rewrites a legacy
1.0/0.5 assertion into the 2.0 shape the way the 1EdTech validator does (``uid`` and
``verify.url`` become ``id``/``verification``, a string recipient becomes an IdentityObject,
Unix times become ISO dates); :func:`parse_assertion` fills a :class:`CredentialForm`.
Why no network: the BadgeClass and Issuer are often only URLs; the form then carries their ids
and :mod:`ats_match.formats.extract` fills names only when a fetcher was given.
"""

from __future__ import annotations

import copy
from typing import Any

from ats_match.formats import fields as f
from ats_match.formats.model import (
    AchievementInfo,
    Alignment,
    CredentialForm,
    Envelope,
    Evidence,
    IssuerInfo,
    RecipientIdentity,
    Spec,
)

OB2_CONTEXT_MARKERS = ("w3id.org/openbadges/v2", "openbadgespec.org/v2")
OB1_CONTEXT_MARKERS = ("w3id.org/openbadges/v1", "openbadgespec.org/v1")


def spec_of_assertion(doc: dict[str, Any]) -> Spec | None:
    """``OB2`` / ``OB1`` when ``doc`` is an Open Badges assertion, else ``None``."""
    contexts = " ".join(f.contexts_of(doc))
    if any(m in contexts for m in OB2_CONTEXT_MARKERS):
        return Spec.OB2 if "Assertion" in f.types_of(doc) or "recipient" in doc else None
    if any(m in contexts for m in OB1_CONTEXT_MARKERS):
        return Spec.OB1
    if "@context" not in doc and "recipient" in doc and "badge" in doc:
        return Spec.OB1  # 1.0 without context, or 0.5
    if "Assertion" in f.types_of(doc) and ("recipient" in doc or "badge" in doc):
        return Spec.OB2  # an unknown context: the verifier reports it, the parser still reads
    return None


def upgrade_ob1(doc: dict[str, Any]) -> dict[str, Any]:
    """A 2.0-shaped copy of a 1.1 / 1.0 / 0.5 assertion (the original is left untouched).

    Mirrors the 1EdTech validator's ``upgrade_0_5_node`` / ``upgrade_1_0_node`` /
    ``upgrade_1_1_node``: the id comes from ``verify.url`` (hosted) or ``uid:<uid>`` (signed);
    a string recipient becomes an IdentityObject (hashed when it holds no ``@``, ``salt`` moved
    in); ``issued_on`` becomes ``issuedOn``; Unix or date-only times become ISO 8601; a 0.5
    issuer's ``origin``/``contact``/``org`` become ``url``/``email``/name suffix; 1.x alignment
    ``url``/``name``/``description`` become ``target*``."""
    out = copy.deepcopy(doc)
    out["@context"] = "https://w3id.org/openbadges/v2"
    out["type"] = "Assertion"
    _upgrade_identity(doc, out)
    _upgrade_recipient(out)
    if "issued_on" in out and "issuedOn" not in out:
        out["issuedOn"] = out.pop("issued_on")
    for key in ("issuedOn", "expires"):
        moment = f.timestamp(out.get(key))
        if moment is not None:
            out[key] = moment.isoformat()
    badge = out.get("badge")
    if isinstance(badge, dict):
        _upgrade_badge(badge)
    return out


def _upgrade_identity(doc: dict[str, Any], out: dict[str, Any]) -> None:
    raw_verify = doc.get("verify")
    verify: dict[str, Any] = raw_verify if isinstance(raw_verify, dict) else {}
    kind = f.text(verify.get("type"))
    url = f.text(verify.get("url"))
    if kind:
        signed = kind == "signed"
        out["verification"] = {"type": "signed" if signed else "hosted"}
        if signed and url:
            out["verification"]["creator"] = url
    if not f.text(doc.get("id")):
        if kind == "hosted" and url:
            out["id"] = url
        elif kind == "signed" and doc.get("uid") is not None:
            out["id"] = f"uid:{doc['uid']}"


def _upgrade_recipient(out: dict[str, Any]) -> None:
    recipient = out.get("recipient")
    if isinstance(recipient, str):
        identity: dict[str, Any] = {
            "type": "email",
            "hashed": "@" not in recipient,
            "identity": recipient,
        }
        if isinstance(out.get("salt"), str):
            identity["salt"] = out.pop("salt")
        out["recipient"] = identity


def _upgrade_badge(badge: dict[str, Any]) -> None:
    issuer = badge.get("issuer")
    if isinstance(issuer, dict):
        for old, new in (("contact", "email"), ("origin", "url")):
            if issuer.get(old) and not issuer.get(new):
                issuer[new] = issuer.pop(old)
        if issuer.get("name") and issuer.get("org"):
            issuer["name"] = f"{issuer['name']}: {issuer.pop('org')}"
    for item in f.as_list(badge.get("alignment")):
        if isinstance(item, dict):
            for old, new in (("url", "targetUrl"), ("name", "targetName")):
                if item.get(old) and not item.get(new):
                    item[new] = item.pop(old)
            if item.get("description") and not item.get("targetDescription"):
                item["targetDescription"] = item.pop("description")


def parse_assertion(
    doc: dict[str, Any], spec: Spec, envelope: Envelope, *, compact: str | None = None
) -> CredentialForm:
    """The internal form of an OB assertion (``doc`` as received; 1.x is read via the upgrade)."""
    view = upgrade_ob1(doc) if spec == Spec.OB1 else doc
    badge = view.get("badge")
    badge_doc = badge if isinstance(badge, dict) else {}
    return CredentialForm(
        spec=spec,
        envelope=envelope,
        id=f.text(view.get("id")) or f.text(view.get("uid")),
        issuer=issuer_info(badge_doc.get("issuer")),
        achievement=achievement_info(badge),
        recipients=_recipients(view.get("recipient")),
        issued_at=f.timestamp(view.get("issuedOn")),
        valid_until=f.timestamp(view.get("expires")),
        evidence=_evidence(view.get("evidence"), view.get("narrative")),
        document=doc,
        compact=compact,
    )


def issuer_info(value: Any) -> IssuerInfo:
    """An OB2 Issuer Profile given inline or by URL (0.5's ``origin`` read as its url)."""
    if isinstance(value, str):
        return IssuerInfo(id=value)
    if not isinstance(value, dict):
        return IssuerInfo()
    kinds = sorted(f.types_of(value))
    return IssuerInfo(
        id=f.node_id(value),
        name=f.text(value.get("name")),
        url=f.text(value.get("url")) or f.text(value.get("origin")),
        type=kinds[0] if kinds else None,
        email=f.text(value.get("email")) or f.text(value.get("contact")),
    )


def achievement_info(badge: Any) -> AchievementInfo:
    """An OB2 BadgeClass given inline or by URL."""
    if not isinstance(badge, dict):
        return AchievementInfo(id=f.node_id(badge))
    criteria = badge.get("criteria")
    return AchievementInfo(
        id=f.node_id(badge),
        name=f.text(badge.get("name")),
        description=f.text(badge.get("description")),
        criteria_narrative=f.text(criteria.get("narrative"))
        if isinstance(criteria, dict)
        else None,
        criteria_url=f.node_id(criteria) if criteria is not None else None,
        tags=f.strings(badge.get("tags")),
        alignments=alignments(badge.get("alignment") or badge.get("alignments")),
        achievement_type=f.text(badge.get("achievementType")),
        level=f.text(badge.get("level")) or f.text(badge.get("educationalLevel")),
    )


def alignments(value: Any) -> list[Alignment]:
    """AlignmentObjects (OB2) / Alignments (OB3): both use the ``target*`` names."""
    return [
        Alignment(
            target_name=f.text(a.get("targetName")),
            target_url=f.text(a.get("targetUrl")),
            target_framework=f.text(a.get("targetFramework")),
            target_code=f.text(a.get("targetCode")),
            target_description=f.text(a.get("targetDescription")),
            target_type=f.text(a.get("targetType")),
        )
        for a in f.as_list(value)
        if isinstance(a, dict)
    ]


def _recipients(value: Any) -> list[RecipientIdentity]:
    if isinstance(value, str):
        return [RecipientIdentity(type="email", hashed="$" in value, identity=value)]
    if not isinstance(value, dict) or not isinstance(value.get("identity"), str):
        return []
    salt = value.get("salt")
    return [
        RecipientIdentity(
            type=f.text(value.get("type")) or "email",
            hashed=value.get("hashed") is True or value.get("hashed") == "true",
            salt=salt if isinstance(salt, str) else None,
            identity=value["identity"],
        )
    ]


def _evidence(value: Any, narrative: Any) -> list[Evidence]:
    items: list[Evidence] = []
    for entry in f.as_list(value):
        if isinstance(entry, str):
            items.append(Evidence(id=entry))
        elif isinstance(entry, dict):
            items.append(
                Evidence(
                    id=f.node_id(entry),
                    name=f.text(entry.get("name")),
                    description=f.text(entry.get("description")),
                    narrative=f.text(entry.get("narrative")),
                )
            )
    if not items and f.text(narrative):
        items.append(Evidence(narrative=f.text(narrative)))
    return items
