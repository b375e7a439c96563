"""The employer's own lists: allow/deny rules and accredited certification bodies.

Entries are keyed by DID or https URL (see :mod:`.identifiers`), never by a name.

- :class:`ListRule` is one allow or deny entry (from ``Organization.issuer_allow`` /
  ``issuer_deny`` or an ``employer_list`` registry row). Deny always wins.
- :class:`AccreditationList` is an ``accreditation_list`` row: "these certification bodies are
  accredited, by whom, for what, until when". A listed body is trusted *because* of that
  accreditation, and every matching accreditation is shown with the answer. An accreditation
  whose ``valid_until`` has passed does not count.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ats_match.trust.identifiers import IssuerId, entry_matches, validate_entry
from ats_match.trust.sources import Deadline, Listing, Lookup, Outcome

log = logging.getLogger(__name__)

EMPLOYER_LIST = "employer_list"
ACCREDITATION_LIST = "accreditation_list"


@dataclass(frozen=True)
class ListRule:
    entry: str
    allow: bool
    list_name: str
    note: str | None = None

    def matches(self, issuer: IssuerId) -> bool:
        return entry_matches(self.entry, issuer)


def rules_from(
    entries: Iterable[str], *, allow: bool, list_name: str, note: str | None = None
) -> list[ListRule]:
    """Rules from raw entries; an entry that is not a DID or https URL (a name, a typo, an
    ``http://`` URL saved before entries were checked) is skipped and logged, never matched."""
    rules: list[ListRule] = []
    for raw in entries:
        try:
            rules.append(ListRule(validate_entry(raw), allow, list_name, note))
        except ValueError:
            log.warning(
                "issuer list %s: ignoring entry %r (not a DID or https URL)", list_name, raw
            )
    return rules


def rules_from_rows(list_name: str, entries: Iterable[Mapping[str, Any]]) -> list[ListRule]:
    """Rules of an ``employer_list`` row: ``[{"issuer", "effect": "allow"|"deny", "note"}]``."""
    rules: list[ListRule] = []
    for row in entries:
        effect, issuer, note = row.get("effect"), row.get("issuer"), row.get("note")
        if isinstance(issuer, str) and effect in ("allow", "deny"):
            rules += rules_from(
                [issuer], allow=effect == "allow", list_name=list_name, note=note or None
            )
    return rules


@dataclass(frozen=True)
class Accreditation:
    issuer: str
    accreditor: str
    accreditor_id: str | None = None
    program: str | None = None
    valid_until: date | None = None
    evidence_url: str | None = None

    def facts(self) -> dict[str, Any]:
        data: dict[str, Any] = {"accreditor": self.accreditor}
        for key in ("accreditor_id", "program", "evidence_url"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.valid_until:
            data["valid_until"] = self.valid_until.isoformat()
        return data


class AccreditationList:
    """An employer-maintained list of accredited certification bodies."""

    kind = ACCREDITATION_LIST

    def __init__(self, name: str, accreditations: Iterable[Accreditation]) -> None:
        self.name = name
        self.accreditations = tuple(accreditations)

    @classmethod
    def from_rows(cls, name: str, rows: Iterable[Mapping[str, Any]]) -> AccreditationList:
        items: list[Accreditation] = []
        for row in rows:
            try:
                issuer = validate_entry(str(row.get("issuer", "")))
            except ValueError:
                log.warning("accreditation list %s: ignoring entry %r", name, row.get("issuer"))
                continue
            accreditor = row.get("accreditor")
            if not isinstance(accreditor, str) or not accreditor.strip():
                continue
            until = row.get("valid_until")
            items.append(
                Accreditation(
                    issuer=issuer,
                    accreditor=accreditor.strip(),
                    accreditor_id=row.get("accreditor_id") or None,
                    program=row.get("program") or None,
                    valid_until=date.fromisoformat(until) if isinstance(until, str) else None,
                    evidence_url=row.get("evidence_url") or None,
                )
            )
        return cls(name, items)

    def matching(self, issuer: IssuerId, today: date | None = None) -> list[Accreditation]:
        """Accreditations in force today for ``issuer``."""
        today = today or datetime.now(UTC).date()
        return [
            a
            for a in self.accreditations
            if entry_matches(a.issuer, issuer) and (a.valid_until is None or a.valid_until >= today)
        ]

    def lookup(self, issuer: IssuerId, deadline: Deadline) -> Lookup:
        del deadline  # nothing to fetch
        found = self.matching(issuer)
        if not found:
            return Lookup(
                Outcome.ABSENT, f"The issuer is not on the accreditation list {self.name}."
            )
        first = found[0]
        listing = Listing(
            registry=self.name,
            kind=ACCREDITATION_LIST,
            accreditor=first.accreditor,
            accreditor_id=first.accreditor_id,
            facts={"accreditations": [a.facts() for a in found]},
        )
        return Lookup.listed(
            listing, f"The issuer is accredited by {first.accreditor} (list {self.name})."
        )
