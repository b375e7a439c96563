"""The issuer judge: one issuer id in, one ``issuer`` answer (trusted / unknown / denied) out.

:class:`RegistryJudge` is the callable the verifiers take as ``VerificationContext.judge_issuer``
(``Callable[[str | None], Answer]``). Its order of decision:

1. no usable issuer id (none, a name, a plain-http URL) -> ``unknown``;
2. any deny rule names the issuer -> ``denied`` (deny always wins);
3. an allow rule names it -> ``trusted`` by that list;
4. the registries, in the organisation's order: the first that lists the issuer makes it
   ``trusted``, with ``detail = {"registry": name, "accreditor": ..., ...}``;
5. otherwise ``unknown``: "not in any registry", or, when a registry could not be asked or gave
   something that does not verify, "could not be checked" with those registries named
   (``detail["unchecked"]``) and ``detail["retry"] = True`` when trying again may help.

All registries asked about one issuer share one total deadline (:data:`DEFAULT_DEADLINE`), on
top of each fetch's own timeout; answers are cached per judge, so a batch asks each registry
about each issuer once. Accreditations in force (employer accreditation lists) are attached to
every answer in ``detail["accreditations"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ats_match.trust.identifiers import IssuerId, parse_issuer
from ats_match.trust.lists import AccreditationList, ListRule
from ats_match.trust.sources import Deadline, IssuerSource, Listing, Lookup, Outcome
from ats_match.verification.answers import Answer, IssuerTrust

DEFAULT_DEADLINE = 15.0
ORG_LIST = "the organisation's issuer list"
_ALWAYS = frozenset({"registry", "accreditor"})


class RegistryJudge:
    """Decides issuer trust from lists and registries; call it with an issuer id."""

    def __init__(
        self,
        *,
        rules: Sequence[ListRule] = (),
        sources: Sequence[IssuerSource] = (),
        deadline_seconds: float = DEFAULT_DEADLINE,
    ) -> None:
        self.deny = tuple(r for r in rules if not r.allow)
        self.allow = tuple(r for r in rules if r.allow)
        self.sources = tuple(sources)
        self.accreditation_lists = tuple(s for s in sources if isinstance(s, AccreditationList))
        self.deadline_seconds = deadline_seconds
        self._answers: dict[str, Answer] = {}

    def __call__(self, issuer_id: str | None) -> Answer:
        cached = self._answers.get(issuer_id or "")
        if cached is not None:
            return cached.model_copy(deep=True)
        answer = self._judge(issuer_id)
        if not answer.detail.get("retry"):
            self._answers[issuer_id or ""] = answer
        return answer.model_copy(deep=True)

    # -- decision ---------------------------------------------------------------------------------
    def _judge(self, issuer_id: str | None) -> Answer:
        issuer = parse_issuer(issuer_id)
        if issuer is None:
            return _unknown(
                "The credential does not identify its issuer by a DID or an https address, so "
                "no registry or list can vouch for it."
                if issuer_id
                else "The credential names no issuer."
            )
        accreditations = self._accreditations(issuer)
        denied = next((r for r in self.deny if r.matches(issuer)), None)
        if denied is not None:
            return Answer(
                status=IssuerTrust.DENIED,
                reason=f"The issuer {issuer.key} is on {_list_label(denied)} of refused issuers.",
                detail={"registry": denied.list_name, "entry": denied.entry, **accreditations},
            )
        allowed = next((r for r in self.allow if r.matches(issuer)), None)
        if allowed is not None:
            return Answer(
                status=IssuerTrust.TRUSTED,
                reason=f"The issuer {issuer.key} is on {_list_label(allowed)} of trusted issuers.",
                detail={
                    "registry": allowed.list_name,
                    "registry_kind": "employer_list",
                    "accreditor": None,
                    "entry": allowed.entry,
                    **accreditations,
                },
            )
        return self._ask_registries(issuer, accreditations)

    def _ask_registries(self, issuer: IssuerId, accreditations: dict[str, Any]) -> Answer:
        deadline = Deadline(self.deadline_seconds)
        unchecked: list[dict[str, str]] = []
        retry = False
        for source in self.sources:
            lookup = source.lookup(issuer, deadline)
            if lookup.outcome == Outcome.LISTED and lookup.listing is not None:
                return _trusted(issuer, lookup, lookup.listing, accreditations, unchecked)
            if lookup.outcome in (Outcome.UNREACHABLE, Outcome.INVALID):
                unchecked.append({"registry": source.name, "reason": lookup.reason})
                retry = retry or lookup.outcome == Outcome.UNREACHABLE
        checked = [s.name for s in self.sources if s.name not in {u["registry"] for u in unchecked}]
        detail: dict[str, Any] = {"checked": checked, **accreditations}
        if unchecked:
            names = ", ".join(u["registry"] for u in unchecked)
            detail.update(unchecked=unchecked, retry=retry)
            return _unknown(
                f"The issuer {issuer.key} could not be checked against {names}"
                f"{' (will retry)' if retry else ''}; no other registry lists it.",
                detail,
            )
        if not self.sources and not self.allow:
            return _unknown("The organisation has no issuer registries or trusted issuers.", detail)
        return _unknown(
            f"The issuer {issuer.key} is not in any of the organisation's registries.", detail
        )

    def _accreditations(self, issuer: IssuerId) -> dict[str, Any]:
        found = [
            {**a.facts(), "list": source.name}
            for source in self.accreditation_lists
            for a in source.matching(issuer)
        ]
        return {"accreditations": found} if found else {}


def _trusted(
    issuer: IssuerId,
    lookup: Lookup,
    listing: Listing,
    accreditations: dict[str, Any],
    unchecked: list[dict[str, str]],
) -> Answer:
    detail: dict[str, Any] = {
        "registry": listing.registry,
        "registry_kind": listing.kind,
        "accreditor": listing.accreditor,
        "accreditor_id": listing.accreditor_id,
        "registered_name": listing.name,
        "registered_url": listing.url,
        **listing.facts,
        **accreditations,
    }
    if unchecked:
        detail["unchecked"] = unchecked
    named = f" as {listing.name}" if listing.name else ""
    return Answer(
        status=IssuerTrust.TRUSTED,
        reason=f"{lookup.reason.rstrip('.')}{named}.",
        detail={k: v for k, v in detail.items() if v is not None or k in _ALWAYS},
    )


def _unknown(reason: str, detail: dict[str, Any] | None = None) -> Answer:
    return Answer(status=IssuerTrust.UNKNOWN, reason=reason, detail=detail or {})


def _list_label(rule: ListRule) -> str:
    return ORG_LIST if rule.list_name == ORG_LIST else f"the list {rule.list_name}"
