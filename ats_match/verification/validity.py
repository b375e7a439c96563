"""Validity window: validFrom / validUntil (VC 2.0) and issuanceDate / expirationDate (VC 1.1).

A credential that is not valid yet or has expired fails; unparseable dates fail too (a date we
cannot read cannot be shown to be in the window).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ats_match.verification.answers import Validity
from ats_match.verification.report import Check, CheckStatus

LEEWAY = timedelta(seconds=60)


def parse_time(value: Any) -> datetime | None:
    """An XML Schema dateTime as an aware datetime (naive values are taken as UTC)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date-time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_validity(credential: dict[str, Any], now: datetime) -> Check:
    """One check over the validity window."""
    try:
        start = parse_time(credential.get("validFrom") or credential.get("issuanceDate"))
        end = parse_time(credential.get("validUntil") or credential.get("expirationDate"))
    except ValueError as exc:
        return Check(
            name="validity",
            status=CheckStatus.FAIL,
            outcome=Validity.UNKNOWN,
            detail=f"Unreadable date: {exc}",
        )
    if start and start - LEEWAY > now:
        return Check(
            name="validity",
            status=CheckStatus.FAIL,
            outcome=Validity.NOT_YET_VALID,
            facts={"date": start.isoformat()},
            detail=f"Not valid yet: valid from {start.isoformat()}.",
        )
    if end and end + LEEWAY < now:
        return Check(
            name="validity",
            status=CheckStatus.FAIL,
            outcome=Validity.EXPIRED,
            facts={"date": end.isoformat()},
            detail=f"Expired on {end.isoformat()}.",
        )
    if end and start and end < start:
        return Check(
            name="validity",
            status=CheckStatus.FAIL,
            outcome=Validity.EXPIRED,
            facts={"date": end.isoformat()},
            detail="The credential expires before it becomes valid.",
        )
    window = f"from {start.isoformat()}" if start else "with no start date"
    window += f" until {end.isoformat()}" if end else ", no expiry"
    return Check(
        name="validity", status=CheckStatus.PASS, detail=f"Within its validity window ({window})."
    )
