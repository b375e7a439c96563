"""Issuer trust from registries and lists: who vouches for an issuer, by DID or https origin.

Readers for the public registry formats open verifiers use (:mod:`.dcc`: the Digital Credentials
Consortium's legacy JSON registry; :mod:`.federation`: OpenID Federation 1.0 trust chains, every
signature verified), the employer's own allow/deny and accreditation lists (:mod:`.lists`), and
:class:`~.judge.RegistryJudge`, the ``issuer`` answer the verifiers call. Everything is fetched
through :mod:`ats_match.net`. Per-organisation configuration lives in
:mod:`ats_match.services.trust` (``issuer_judge_for``).
"""

from __future__ import annotations

from ats_match.trust.dcc import DccLegacyRegistry, dcc_document, parse_dcc_registry
from ats_match.trust.federation import FederationRegistry
from ats_match.trust.identifiers import IssuerId, entry_matches, parse_issuer, validate_entry
from ats_match.trust.judge import RegistryJudge
from ats_match.trust.lists import AccreditationList, ListRule, rules_from, rules_from_rows
from ats_match.trust.sources import Deadline, IssuerSource, Listing, Lookup, Outcome

__all__ = [
    "AccreditationList",
    "DccLegacyRegistry",
    "Deadline",
    "FederationRegistry",
    "IssuerId",
    "IssuerSource",
    "ListRule",
    "Listing",
    "Lookup",
    "Outcome",
    "RegistryJudge",
    "dcc_document",
    "entry_matches",
    "parse_dcc_registry",
    "parse_issuer",
    "rules_from",
    "rules_from_rows",
    "validate_entry",
]
