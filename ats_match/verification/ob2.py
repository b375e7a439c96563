"""Open Badges 1.1 / 2.0 verification, following the 1EdTech "Verification" rules.

What :func:`verify_ob2` checks, each recorded as a :class:`Check` with a sentence:

- ``structure``: an OB 2.0 (or 1.1) context, type ``Assertion``, id, recipient, badge,
  verification and issue date are present; an unknown ``@context`` fails.
- hosted (``hosted``): the assertion is fetched again from its id; the issuer's copy is the truth.
  HTTP 410 or ``"revoked": true`` -> revoked; a copy that declares another id or differs from
  what we received in recipient / badge / dates / evidence -> fail.
- signed (``signature``): compact JWS, RS256 (or ES256 for P-256 keys) pinned to the key type; the
  candidate keys come **only** from the issuer Profile's ``publicKey`` (``verification.creator``
  must be one of them), each key is fetched and its ``owner`` must be the issuer.
- ``badge_class`` and ``issuer``: fetched (or embedded), JSON objects of the right type. The issuer
  is identified by the URL we fetched its Profile from (that is what the badge class names);
  a Profile declaring another ``id`` only earns a warning (``issuer_id``), as in the 1EdTech
  validator, and never lends its declared id to the trust policy.
- ``verification_scope`` (hosted): the assertion URL is allowed by the issuer's
  ``verification.allowedOrigins`` / ``startsWith``; with no policy it must be on the issuer's host.
- ``revocation``: the issuer's ``revocationList`` must not list the assertion id (or legacy uid).
- ``validity``: not issued in the future, not expired, not expiring before it was issued.
- ``recipient`` (:mod:`.recipient`) and ``trust`` (:mod:`.trust`).

Network failures that may heal (issuer down, 5xx, timeouts) are ``indeterminate``; never
``verified``. Documents that were fetched and are wrong are ``fail``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ats_match.formats.model import (
    AchievementInfo,
    CredentialForm,
    IssuerInfo,
    RecipientIdentity,
    Spec,
)
from ats_match.verification.answers import Validity
from ats_match.verification.ob2_crypto import JwsError, decode_unverified, verify_with_pem
from ats_match.verification.ob2_fetch import (
    OB1_CONTEXTS,
    OB2_CONTEXTS,
    NodeUnavailable,
    as_list,
    check_node,
    derived,
    fetch_node,
    node_id,
    type_names,
)
from ats_match.verification.recipient import check_recipient
from ats_match.verification.report import (
    Check,
    CheckStatus,
    VerificationContext,
    VerificationReport,
)
from ats_match.verification.trust import check_issuer_trust, trust_check_of
from ats_match.verification.verdicts import build_report

_KNOWN_CONTEXTS = OB2_CONTEXTS | OB1_CONTEXTS
_COMPARED_FIELDS = ("recipient", "badge", "issuedOn", "expires", "evidence", "narrative", "uid")


def verify_ob2(credential: CredentialForm, context: VerificationContext) -> VerificationReport:
    """Verify an OB 1.1 / 2.0 assertion (hosted or signed) and explain every check."""
    run = _Run(credential, context)
    run.execute()
    return build_report(
        format=credential.format,
        checks=run.checks,
        issuer=run.issuer_info(),
        achievement=run.achievement_info(),
        verified_at=context.now,
    )


class _Run:
    """One verification: the checks so far and the documents they established."""

    def __init__(self, credential: CredentialForm, context: VerificationContext) -> None:
        self.credential = credential
        self.context = context
        self.checks: list[Check] = []
        self.assertion: dict[str, Any] = dict(credential.document)
        self.badge: dict[str, Any] = {}
        self.issuer: dict[str, Any] = {}
        self.issuer_url: str | None = None
        self.badge_fetched = False

    # -- orchestration ------------------------------------------------------------------------
    def execute(self) -> None:
        try:
            self._authenticate()
        except NodeUnavailable as exc:
            self.checks.append(exc.check)
        # Document-only checks run even after a network failure: an expired or foreign badge
        # is failed for good, rather than retried forever as indeterminate.
        self.checks.append(self._validity())
        self.checks.append(self._recipient())
        self.checks.append(self._trust())

    def _trust(self) -> Check:
        """The issuer is known by its profile URL, never by the name it gives itself."""
        if self.context.judge_issuer is not None:
            return trust_check_of(self.context.judge_issuer(self.issuer_url))
        return check_issuer_trust(self.issuer_url, self.context.trust)

    def _authenticate(self) -> None:
        token = self.credential.compact
        if token:
            self.assertion = self._decode_signed(token)
        self._structure(self.assertion)
        kind = _verification_type(self.assertion)
        if kind == "signed" and not token:
            raise NodeUnavailable(
                _fail("signature", "The assertion says it is signed but arrived without its JWS.")
            )
        if kind == "hosted":
            self.assertion = self._hosted(self.assertion)
        self._load_badge_and_issuer()
        if kind == "hosted":
            self.checks.append(self._scope())
        else:
            assert token is not None
            self.checks.append(self._signature(token))
        self.checks.append(self._revocation())

    # -- structure ---------------------------------------------------------------------------
    def _decode_signed(self, token: str) -> dict[str, Any]:
        try:
            _, payload = decode_unverified(token)
        except JwsError as exc:
            detail = f"The signed assertion is refused: {exc}."
            raise NodeUnavailable(_fail("signature", detail)) from exc
        return payload

    def _structure(self, doc: dict[str, Any]) -> None:
        contexts = {c for c in as_list(doc.get("@context")) if isinstance(c, str)}
        known = _KNOWN_CONTEXTS
        if doc.get("@context") is None and not self._is_ob1():
            raise NodeUnavailable(_fail("structure", "The assertion has no JSON-LD context."))
        if doc.get("@context") is not None and not contexts & known:
            raise NodeUnavailable(
                _fail("structure", f"Unknown JSON-LD context {sorted(contexts) or '(inline)'}.")
            )
        if contexts and not self._is_ob1() and "Assertion" not in type_names(doc):
            raise NodeUnavailable(_fail("structure", "The document is not an OB Assertion."))
        missing = [
            name
            for name, present in (
                ("id", isinstance(doc.get("id"), str) or self._is_ob1()),
                ("recipient", bool(doc.get("recipient"))),
                ("badge", bool(node_id(doc.get("badge")) or isinstance(doc.get("badge"), dict))),
                ("verification", _verification_type(doc) is not None),
                ("issuedOn", doc.get("issuedOn") is not None),
            )
            if not present
        ]
        if missing:
            detail = f"The assertion lacks required properties: {', '.join(missing)}."
            raise NodeUnavailable(_fail("structure", detail))
        self.checks.append(_pass("structure", "An Open Badges assertion with every required part."))

    def _is_ob1(self) -> bool:
        return self.credential.spec == Spec.OB1

    # -- hosted ------------------------------------------------------------------------------
    def _hosted(self, received: dict[str, Any]) -> dict[str, Any]:
        url = _hosted_url(received)
        if url is None:
            raise NodeUnavailable(_fail("hosted", "A hosted assertion without an HTTP(S) URL."))
        try:
            fetched = fetch_node(
                self.context.fetcher, url, check="hosted", what="hosted assertion", types=set()
            )
        except NodeUnavailable as exc:
            if exc.check.facts.get("http_status") == 410:  # the issuer withdrew it: revoked
                raise NodeUnavailable(
                    _revoked(f"The issuer no longer hosts this assertion ({url} answers 410 Gone).")
                ) from exc
            raise
        if fetched.get("revoked") is True:
            reason = fetched.get("revocationReason")
            self.checks.append(_pass("hosted", f"The issuer hosts this assertion at {url}."))
            raise NodeUnavailable(
                _revoked(f"The issuer marks this assertion revoked ({reason or 'no reason'}).")
            )
        types = set() if self._is_ob1() else {"Assertion"}
        check_node(fetched, check="hosted", what="hosted assertion", types=types, url=url)
        if _hosted_url(fetched) != url:
            raise NodeUnavailable(
                _fail("hosted", f"The copy at {url} declares another id ({fetched.get('id')}).")
            )
        differing = [f for f in _COMPARED_FIELDS if f in received and received[f] != fetched.get(f)]
        if differing:
            detail = "The assertion differs from the issuer's hosted copy in: " + ", ".join(
                differing
            )
            raise NodeUnavailable(_fail("hosted", detail + "."))
        self.checks.append(_pass("hosted", f"The issuer hosts this assertion at {url}."))
        return fetched

    def _scope(self) -> Check:
        url = _hosted_url(self.assertion) or ""
        policy = self.issuer.get("verification")
        policy = policy if isinstance(policy, dict) else {}
        starts = [s for s in as_list(policy.get("startsWith")) if isinstance(s, str)]
        origins = [o for o in as_list(policy.get("allowedOrigins")) if isinstance(o, str)]
        parts = urlsplit(url)
        if starts and not any(url.startswith(s) for s in starts):
            return _fail(
                "verification_scope", f"{url} starts with none of the issuer's prefixes {starts}."
            )
        if origins and not {parts.hostname, parts.netloc} & set(origins):
            return _fail(
                "verification_scope", f"{parts.netloc} is not among allowed origins {origins}."
            )
        if starts or origins:
            return _pass("verification_scope", "The issuer's verification policy allows this URL.")
        issuer_host = urlsplit(self.issuer_url or "").hostname
        if parts.hostname and parts.hostname == issuer_host:
            return _pass("verification_scope", "The assertion is hosted on the issuer's own host.")
        return _fail(
            "verification_scope",
            f"The assertion is hosted on {parts.hostname}, not on the issuer's host "
            f"{issuer_host}, and the issuer declares no policy allowing it.",
        )

    # -- badge class and issuer ---------------------------------------------------------------
    def _load_badge_and_issuer(self) -> None:
        badge_types = set() if self._is_ob1() else {"BadgeClass"}
        issuer_types = set() if self._is_ob1() else {"Issuer", "Profile"}
        badge_ref = self.assertion.get("badge")
        if isinstance(badge_ref, dict) and badge_ref.get("issuer"):
            url = str(badge_ref.get("id") or "(embedded)")
            self.badge = check_node(
                badge_ref, check="badge_class", what="badge class", types=badge_types, url=url
            )
        else:
            url = str(node_id(badge_ref))
            self.badge = fetch_node(
                self.context.fetcher,
                url,
                check="badge_class",
                what="badge class",
                types=badge_types,
            )
            self.badge_fetched = True
            self._warn_if_moved("badge_class_id", "badge class", url, self.badge.get("id"))
        if not self.badge.get("name") or not self.badge.get("issuer"):
            raise NodeUnavailable(_fail("badge_class", "The badge class lacks a name or issuer."))
        self.checks.append(_pass("badge_class", f"Badge class “{self.badge['name']}”."))
        self._load_issuer(issuer_types)

    def _load_issuer(self, types: set[str]) -> None:
        url = node_id(self.badge.get("issuer"))
        if not url or not url.startswith(("https://", "http://")):
            raise NodeUnavailable(
                _fail("issuer", f"The badge class names its issuer by {url!r}, not by a URL.")
            )
        self.issuer_url = url
        self.issuer = fetch_node(
            self.context.fetcher, url, check="issuer", what="issuer profile", types=types
        )
        name = self.issuer.get("name") or url
        self.checks.append(_pass("issuer", f"Issuer profile of {name} fetched from {url}."))
        self._warn_if_moved("issuer_id", "issuer profile", url, self.issuer.get("id"))

    def _warn_if_moved(self, name: str, what: str, url: str, declared: Any) -> None:
        """A document that declares another id than its URL: a warning, identity stays the URL."""
        if declared == url or (self._is_ob1() and declared is None):
            return
        detail = (
            f"The {what} at {url} declares the id {declared!r}; it is identified by the URL "
            "it was fetched from."
        )
        self.checks.append(Check(name=name, status=CheckStatus.WARN, required=False, detail=detail))

    # -- signed ------------------------------------------------------------------------------
    def _signature(self, token: str) -> Check:
        listed = [k for k in as_list(self.issuer.get("publicKey")) if node_id(k) or _pem(k)]
        if not listed:
            return _fail("signature", "The issuer profile publishes no public key.")
        verification = self.assertion.get("verification") or {}
        creator = node_id(verification.get("creator")) if isinstance(verification, dict) else None
        if creator:
            listed = [k for k in listed if node_id(k) == creator]
            if not listed:
                return _fail("signature", f"Signed with {creator}, a key the issuer does not list.")
        pending: Check | None = None
        for key in listed:
            try:
                pem = self._key_pem(key)
            except NodeUnavailable as exc:
                pending = pending if pending and pending.status == "fail" else exc.check
                continue
            try:
                if verify_with_pem(token, pem):
                    label = node_id(key) or "the issuer's embedded key"
                    return _pass(
                        "signature", f"Signature verified with {label}, owned by the issuer."
                    )
            except JwsError as exc:
                pending = _fail("signature", f"The issuer's key cannot be used: {exc}.")
                continue
        if pending is not None and pending.status == CheckStatus.INDETERMINATE:
            return pending
        return pending or _fail("signature", "The signature does not match the issuer's keys.")

    def _key_pem(self, key: Any) -> str:
        if isinstance(key, dict) and _pem(key) and not key.get("owner"):
            return str(_pem(key))  # embedded in the issuer profile itself
        url = str(node_id(key))
        doc = fetch_node(
            self.context.fetcher,
            url,
            check="signature",
            what="public key",
            types=set() if self._is_ob1() else {"CryptographicKey"},
        )
        owner = node_id(doc.get("owner"))
        if owner not in {self.issuer_url, self.issuer.get("id")}:
            raise NodeUnavailable(
                _fail("signature", f"The key {url} is owned by {owner!r}, not by the issuer.")
            )
        pem = _pem(doc)
        if not pem:
            raise NodeUnavailable(_fail("signature", f"The key {url} has no publicKeyPem."))
        return pem

    # -- revocation ------------------------------------------------------------------------
    def _revocation(self) -> Check:
        url = node_id(self.issuer.get("revocationList"))
        if not url:
            return _pass("revocation", "Not revoked: the issuer publishes no revocation list.")
        try:
            listing = fetch_node(
                self.context.fetcher,
                url,
                check="revocation",
                what="revocation list",
                types={"RevocationList"},
            )
        except NodeUnavailable as exc:
            return exc.check
        revoked = derived(listing, "revoked", _revoked_ids)
        for assertion_id in (self.assertion.get("id"), self.assertion.get("uid")):
            if isinstance(assertion_id, str | int) and assertion_id in revoked:
                reason = revoked[assertion_id]
                return _revoked(f"Revoked by the issuer ({reason or 'no reason given'}).")
        return _pass("revocation", "Not on the issuer's revocation list.")

    # -- document checks ----------------------------------------------------------------------
    def _validity(self) -> Check:
        try:
            issued = _parse_time(self.assertion.get("issuedOn"))
            expires = _parse_time(self.assertion.get("expires"))
        except ValueError as exc:
            return _dates("validity", Validity.UNKNOWN, f"A date cannot be read: {exc}.")
        now = self.context.now
        if issued is None:
            return _dates("validity", Validity.UNKNOWN, "The assertion has no issue date.")
        if issued > now:
            return _dates(
                "validity",
                Validity.NOT_YET_VALID,
                f"Issued in the future ({issued.isoformat()}).",
                issued,
            )
        if expires is not None and expires < issued:
            return _dates("validity", Validity.EXPIRED, "It expires before it was issued.", expires)
        if expires is not None and expires <= now:
            return _dates(
                "validity", Validity.EXPIRED, f"Expired on {expires.date().isoformat()}.", expires
            )
        until = f", valid until {expires.date().isoformat()}" if expires else ", no expiry"
        return _pass("validity", f"Issued on {issued.date().isoformat()}{until}.")

    def _recipient(self) -> Check:
        return check_recipient(
            recipients_of(self.assertion),
            self.context.applicant_emails,
            self.context.applicant_dids,
        )

    # -- report parts -------------------------------------------------------------------------
    def issuer_info(self) -> IssuerInfo:
        if not self.issuer_url:
            return self.credential.issuer
        fields = derived(self.issuer, "issuer_info", _issuer_fields)
        return IssuerInfo(
            id=self.issuer_url,
            name=fields["name"] or self.credential.issuer.name,
            url=fields["url"],
            type=fields["type"],
            email=fields["email"],
        )

    def achievement_info(self) -> AchievementInfo:
        if not self.badge:
            return self.credential.achievement
        if self.badge_fetched:  # a shared, never mutated document: its fields are remembered
            return AchievementInfo.model_validate(
                derived(self.badge, "achievement_info", _achievement_fields)
            )
        return AchievementInfo.model_validate(_achievement_fields(self.badge))


# -- helpers ------------------------------------------------------------------------------------
def _issuer_fields(issuer: dict[str, Any]) -> dict[str, str | None]:
    return {
        "name": _str(issuer.get("name")),
        "url": _str(issuer.get("url")),
        "type": next(iter(type_names(issuer)), None),
        "email": _str(issuer.get("email")),
    }


def _achievement_fields(badge: dict[str, Any]) -> dict[str, Any]:
    """The badge class as :class:`AchievementInfo` fields (plain data, validated by the caller)."""
    criteria = badge.get("criteria")
    return dict(
        id=_str(badge.get("id")),
        name=_str(badge.get("name")),
        description=_str(badge.get("description")),
        criteria_url=criteria if isinstance(criteria, str) else _str(node_id(criteria)),
        criteria_narrative=_str(criteria.get("narrative")) if isinstance(criteria, dict) else None,
        tags=[t for t in as_list(badge.get("tags")) if isinstance(t, str)],
        alignments=[_alignment(a) for a in as_list(badge.get("alignment")) if isinstance(a, dict)],
    )


def _revoked_ids(listing: dict[str, Any]) -> dict[str | int, str | None]:
    """Revoked assertion ids / uids of a RevocationList, each with its reason (if any)."""
    revoked: dict[str | int, str | None] = {}
    for entry in as_list(listing.get("revokedAssertions")):
        if isinstance(entry, str):
            revoked.setdefault(entry, None)
        elif isinstance(entry, dict):
            reason = entry.get("revocationReason")
            for key in ("id", "uid"):
                value = entry.get(key)
                if isinstance(value, str | int) and revoked.get(value) is None:
                    revoked[value] = reason if isinstance(reason, str) and reason else None
    return revoked


def recipients_of(assertion: dict[str, Any]) -> list[RecipientIdentity]:
    """The assertion's IdentityObject (OB 2.0 / 1.1) or hashed string (OB 1.0) as identities."""
    recipient = assertion.get("recipient")
    if isinstance(recipient, dict) and isinstance(recipient.get("identity"), str):
        salt = recipient.get("salt")
        return [
            RecipientIdentity(
                type=str(recipient.get("type") or "email"),
                hashed=bool(recipient.get("hashed")),
                salt=salt if isinstance(salt, str) else None,
                identity=recipient["identity"],
            )
        ]
    if isinstance(recipient, str) and recipient:
        salt = assertion.get("salt")
        hashed = "$" in recipient
        return [
            RecipientIdentity(
                type="email",
                hashed=hashed,
                salt=salt if isinstance(salt, str) else None,
                identity=recipient,
            )
        ]
    return []


def _verification_type(doc: dict[str, Any]) -> str | None:
    verification = doc.get("verification") or doc.get("verify")
    if not isinstance(verification, dict):
        return None
    kind = str(verification.get("type") or "").removeprefix("obi:").lower()
    kinds = {"hosted": "hosted", "hostedbadge": "hosted", "signed": "signed"}
    return kinds.get(kind, "signed" if kind == "signedbadge" else None)


def _hosted_url(doc: dict[str, Any]) -> str | None:
    """Where the assertion is hosted: its ``id`` (2.0) or ``verify.url`` (1.x)."""
    verify = doc.get("verify")
    candidates = [doc.get("id"), verify.get("url") if isinstance(verify, dict) else None]
    return next(
        (c for c in candidates if isinstance(c, str) and c.startswith(("https://", "http://"))),
        None,
    )


def _parse_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    return _parse_text(value)


@lru_cache(maxsize=1024)
def _parse_text(value: str) -> datetime:
    """Cached: issuers stamp many assertions with the same date (datetimes are immutable)."""
    text = value.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    parsed = datetime.fromisoformat(text.replace("z", "Z"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _pem(key: Any) -> str | None:
    if isinstance(key, dict) and isinstance(key.get("publicKeyPem"), str):
        return str(key["publicKeyPem"])
    return None


def _alignment(raw: dict[str, Any]) -> dict[str, str | None]:
    return dict(
        target_name=_str(raw.get("targetName")),
        target_url=_str(raw.get("targetUrl")),
        target_framework=_str(raw.get("targetFramework")),
        target_code=_str(raw.get("targetCode")),
        target_description=_str(raw.get("targetDescription")),
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _pass(name: str, detail: str) -> Check:
    return Check(name=name, status=CheckStatus.PASS, detail=detail)


def _fail(name: str, detail: str) -> Check:
    return Check(name=name, status=CheckStatus.FAIL, detail=detail)


def _revoked(detail: str) -> Check:
    return Check(
        name="revocation", status=CheckStatus.FAIL, outcome=Validity.REVOKED, detail=detail
    )


def _dates(name: str, outcome: Validity, detail: str, when: datetime | None = None) -> Check:
    facts = {"date": when.isoformat()} if when else {}
    return Check(name=name, status=CheckStatus.FAIL, outcome=outcome, facts=facts, detail=detail)
