"""Read how credentials relate, and who vouches for their issuer, from the documents themselves.

What: plain-JSON readers the workers use to fill :mod:`rules.inputs` - CLR 2.0
``credentialSubject.association`` (``isChildOf``, ``isParentOf``, ``isPartOf``, ``precedes``,
``replacedBy``...), OB 3.0 ``Achievement.related`` and ``alignment``, and the registry and
accreditation facts of a verification's ``issuer`` answer.

Why here: the rules engine owns the meaning of these fields (stacks, focus, trust in
conditions); the worker only knows where the stored documents are. No database, no network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, get_args

from rules.inputs import Association, AssociationType

ASSOCIATION_TYPES = frozenset(get_args(AssociationType))


def _items(value: Any) -> list[Any]:
    """JSON-LD allows one value where a list is meant."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _subject(document: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    return subject if isinstance(subject, Mapping) else {}


def clr_associations(document: Mapping[str, Any]) -> list[Association]:
    """The associations a CLR 2.0 credential states between its achievements.

    Unknown association types and entries without both ends are skipped (a typo in one
    issuer's bundle must not hide the rest)."""
    found: list[Association] = []
    for raw in _items(_subject(document).get("association")):
        if not isinstance(raw, Mapping):
            continue
        kind, source, target = raw.get("associationType"), raw.get("sourceId"), raw.get("targetId")
        if kind in ASSOCIATION_TYPES and isinstance(source, str) and isinstance(target, str):
            found.append(Association(kind=kind, source=source, target=target))
    return found


def achievement_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The OB 3.0 achievement a credential document is about (empty when none)."""
    achievement = _subject(document).get("achievement")
    return achievement if isinstance(achievement, Mapping) else {}


def related_ids(achievement: Mapping[str, Any]) -> list[str]:
    """OB 3.0 ``Achievement.related``: ids of the same achievement in other versions/languages."""
    ids = []
    for item in _items(achievement.get("related")):
        value = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(value, str) and value:
            ids.append(value)
    return ids


def alignment_targets(alignments: Iterable[Mapping[str, Any]]) -> list[str]:
    """Each alignment's target URL, else its code (either spelling: OB JSON or our form)."""
    targets = []
    for a in alignments:
        value = a.get("targetUrl") or a.get("target_url") or a.get("targetCode")
        value = value or a.get("target_code")
        if isinstance(value, str) and value:
            targets.append(value)
    return targets


def registries_of(issuer_detail: Mapping[str, Any]) -> list[str]:
    """The registries or lists that trusted the issuer (a trusted answer names one)."""
    registry = issuer_detail.get("registry")
    return [registry] if isinstance(registry, str) else []


def accreditors_of(issuer_detail: Mapping[str, Any]) -> list[str]:
    """The certification bodies an accreditation list says accredit the issuer."""
    found = []
    for item in _items(issuer_detail.get("accreditations")):
        name = item.get("accreditor") if isinstance(item, Mapping) else None
        if isinstance(name, str) and name not in found:
            found.append(name)
    if issuer_detail.get("registry_kind") == "accreditation_list":
        name = issuer_detail.get("accreditor")
        if isinstance(name, str) and name not in found:
            found.append(name)
    return found
