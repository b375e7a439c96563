"""Conformance: the data-model rules we check ourselves, and ``credentialSchema`` via jsonschema.

What: required VC / OB 3.0 / CLR 2.0 structure (contexts, types, issuer, subject) is checked
here and fails the credential when broken. ``credentialSchema`` entries
(``1EdTechJsonSchemaValidator2019`` / ``JsonSchema``) are validated with ``jsonschema`` only
against a pinned local schema. No dependency ships the 1EdTech OB 3.0 / CLR 2.0 JSON schemas,
and schemas are not fetched at verification time, so an unpinned schema gives a non-required
warning that says so. :func:`pin_schema` registers a pinned copy (used by tests and by
deployments that vendor the schemas).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jsonschema

from ats_match.verification.jsonld import VC_V1, VC_V2, context_urls, is_pinned
from ats_match.verification.report import Check, CheckStatus

_PINNED: dict[str, dict[str, Any]] = {}
SCHEMA_TYPES = ("1EdTechJsonSchemaValidator2019", "JsonSchema", "JsonSchemaValidator2018")
OB3_TYPES = ("OpenBadgeCredential", "AchievementCredential", "EndorsementCredential")
VC_ONLY = ("VerifiableCredential",)
"""``expected`` for a plain W3C VC."""


def pin_schema(url: str, schema: dict[str, Any]) -> None:
    """Make ``schema`` the pinned copy for ``url`` (checked as a valid JSON Schema first)."""
    jsonschema.validators.validator_for(schema).check_schema(schema)
    _PINNED[url] = schema


def _types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [t for t in value or [] if isinstance(t, str)]


_FAMILY_PREFIX = {
    "ob3": "https://purl.imsglobal.org/spec/ob/v3p0/context",
    "clr2": "https://purl.imsglobal.org/spec/clr/v2p0/context",
}


def check_context(document: dict[str, Any], family: str | None = None) -> Check:
    """The base VC context comes first, every context is in the pinned set, and an OB 3.0 /
    CLR 2.0 credential names its own context (without it, OB terms would not be signed)."""
    urls = tuple(context_urls(document))
    if len(urls) > 8 or sum(map(len, urls)) > 1024:  # memoise only what real lists look like
        return _context_check(urls, family)
    return _memo_context_check(urls, family)


def _context_check(urls: tuple[str, ...], family: str | None) -> Check:
    """:func:`check_context` on the context URLs alone."""
    if not urls or urls[0] not in (VC_V1, VC_V2):
        return Check(
            name="context",
            status=CheckStatus.FAIL,
            detail="The first @context must be the W3C credentials v1 or v2 context.",
        )
    prefix = _FAMILY_PREFIX.get(family or "")
    if family and prefix and not any(url.startswith(prefix) for url in urls):
        return Check(
            name="context",
            status=CheckStatus.FAIL,
            detail=f"The credential does not name the {family.upper()} context ({prefix}...), "
            f"so its {family.upper()} properties would not be signed data.",
        )
    unknown = [url for url in urls if not is_pinned(url)]
    if unknown:
        return Check(
            name="context",
            status=CheckStatus.FAIL,
            outcome="unknown",
            detail=f"Unknown JSON-LD context {unknown[0]}: not in the pinned local set "
            "(contexts are never fetched), so what was signed cannot be interpreted.",
        )
    return _CONTEXTS_PINNED


# An issuer uses the same few context lists for every credential, and the pinned set is fixed
# for the process, so the check is remembered per list (the checks are frozen).
_memo_context_check = lru_cache(maxsize=256)(_context_check)


_CONTEXTS_PINNED = Check(
    name="context", status=CheckStatus.PASS, detail="All JSON-LD contexts are pinned."
)


def check_structure(document: dict[str, Any], expected: tuple[str, ...]) -> list[Check]:
    """Types, issuer and subject. What authenticity rests on (a credential, an issuer with a
    URI id, a subject) fails; departures from the OB 3.0 data model that do not touch it (a
    nested object's declared class) are a warning, as is a plain W3C VC that is not an Open
    Badge. A subject that names nobody is the ``holder`` answer's business, not structure's."""
    problems = []
    types = _types(document.get("type"))
    if "VerifiableCredential" not in types:
        problems.append("type does not include VerifiableCredential")
    if expected != VC_ONLY and not any(t in types for t in expected):
        problems.append(f"type does not include any of {', '.join(expected)}")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or ":" not in issuer_id:
        problems.append("issuer has no URI id")
    if not isinstance(document.get("credentialSubject"), dict | list):
        problems.append("credentialSubject is missing")
    if problems:
        return [
            Check(
                name="structure",
                status=CheckStatus.FAIL,
                detail="Not a well-formed credential: " + "; ".join(problems) + ".",
            )
        ]
    named = "/".join(t for t in types if t != "VerifiableCredential") or "VerifiableCredential"
    checks = [_well_formed(named) if len(named) <= 200 else _structure_pass(named)]
    if expected == VC_ONLY:
        checks.append(
            Check(
                name="conformance",
                status=CheckStatus.WARN,
                required=False,
                detail="A W3C Verifiable Credential, not an Open Badge: verified as a VC "
                "(proof, issuer key, dates, status).",
            )
        )
    elif expected == OB3_TYPES:
        departures = ob3_type_problems(document, endorsement="EndorsementCredential" in types)
        if departures:
            checks.append(
                Check(
                    name="conformance",
                    status=CheckStatus.WARN,
                    required=False,
                    detail="Departs from the OB 3.0 data model (authenticity unaffected): "
                    + "; ".join(departures)
                    + ".",
                )
            )
    return checks


def _structure_pass(named: str) -> Check:
    return Check(name="structure", status=CheckStatus.PASS, detail=f"Well-formed {named}.")


_well_formed = lru_cache(maxsize=64)(_structure_pass)  # the same few type names, over and over


def is_open_badge(document: dict[str, Any]) -> bool:
    """Has an OB 3.0 credential type (OB 3.0 §8 identifies an OpenBadgeCredential by its
    type): otherwise a plain W3C VC, verified as a VC and labelled "not an Open Badge". Naming
    the OB 3.0 context alone (DCC's endorsement-shaped VCs do) does not make a VC an Open
    Badge, and a missing OB type does not touch authenticity, so it must not fail the proof."""
    return any(t in _types(document.get("type")) for t in OB3_TYPES)


def check_schema(document: dict[str, Any]) -> Check:
    """Validate against each declared credentialSchema that we hold a pinned copy of."""
    raw = document.get("credentialSchema")
    entries = raw if isinstance(raw, list) else [raw] if raw else []
    if not entries:
        return _NO_SCHEMA
    unpinned, checked = [], 0
    for entry in entries:
        url = entry.get("id") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or entry.get("type") not in SCHEMA_TYPES
            or url not in _PINNED
        ):
            unpinned.append(str(url))
            continue
        errors = sorted(
            jsonschema.validators.validator_for(_PINNED[url])(_PINNED[url]).iter_errors(document),
            key=lambda e: list(e.path),
        )
        if errors:
            where = "/".join(str(p) for p in errors[0].path) or "(root)"
            return Check(
                name="schema",
                status=CheckStatus.FAIL,
                detail=f"Does not conform to {url}: {errors[0].message} at {where}.",
            )
        checked += 1
    if unpinned:
        return Check(
            name="schema",
            status=CheckStatus.WARN,
            required=False,
            detail=f"credentialSchema {', '.join(unpinned)} was not validated: no pinned "
            "local copy ships with the product and schemas are not fetched.",
        )
    return Check(name="schema", status=CheckStatus.PASS, detail=f"Conforms to {checked} schema(s).")


_NO_SCHEMA = Check(
    name="schema",
    status=CheckStatus.SKIPPED,
    required=False,
    detail="No credentialSchema declared.",
)

# OB 3.0 data model: the class each nested object must declare, as the 1EdTech schemas require.
# ``name[]`` marks an array of such objects. Compiled once into (name, many, class, children)
# steps and walked once per credential.
_Tree = dict[str, tuple[str, "_Tree"]]
_OB3_TREE: _Tree = {
    "issuer": (
        "Profile",
        {
            "parentOrg": ("Profile", {}),
            "otherIdentifier[]": ("IdentifierEntry", {}),
        },
    ),
    "credentialSubject": (
        "AchievementSubject",
        {
            "identifier[]": ("IdentityObject", {}),
            "source": ("Profile", {}),
            "result[]": ("Result", {}),
            "achievement": ("Achievement", {"resultDescription[]": ("ResultDescription", {})}),
        },
    ),
    "evidence[]": ("Evidence", {}),
}
_Step = tuple[str, bool, str, tuple[Any, ...]]


def _compile(tree: _Tree, where: str = "") -> tuple[_Step, ...]:
    steps = []
    for step, (cls, children) in tree.items():
        name = step.removesuffix("[]")
        steps.append((name, step.endswith("[]"), cls, _compile(children, f"{where}{name}.")))
    return tuple(steps)


_OB3_STEPS = _compile(_OB3_TREE)


def _walk(
    node: dict[str, Any],
    steps: tuple[_Step, ...],
    where: str,
    problems: list[str],
    endorsement: bool,
) -> None:
    for name, many, cls, children in steps:
        value = node.get(name)
        if value is None:
            continue
        if endorsement and not where and name == "credentialSubject":
            cls = "EndorsementSubject"
        for item in value if many and isinstance(value, list) else (value,):
            if not isinstance(item, dict):
                continue
            declared = item.get("type")
            if declared is not None and cls != declared and cls not in _types(declared):
                problems.append(f"{where}{name} has type {declared!r}, expected {cls}")
            if children:
                _walk(item, children, f"{where}{name}.", problems, endorsement)


def ob3_type_problems(document: dict[str, Any], *, endorsement: bool = False) -> list[str]:
    """Nested objects whose declared ``type`` is not the OB 3.0 class they must be."""
    problems: list[str] = []
    _walk(document, _OB3_STEPS, "", problems, endorsement)
    return problems
