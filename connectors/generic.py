"""A generic JSON webhook signed as the Standard Webhooks specification says.

Headers ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (``v1,<base64 HMAC-SHA256
of "{id}.{timestamp}.{body}">``, space-separated when the sender rotates keys). The secret may be
given as ``whsec_<base64>`` (decoded) or as plain text (used as bytes); signing and checking
are the maintained ``standardwebhooks`` library's (see :mod:`ats_match.webhook_signing`).

Voluntary EEO self-identification rides in ``data.application.eeoc`` (or ``data.candidate.eeoc``)
as ``{"sex", "race_ethnicity"}`` or Merge's ``{"gender", "race"}`` enums.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ats_match import webhook_signing
from ats_match.errors import BadSignature, InvalidInput
from ats_match.fairness.categories import from_eeo_object
from connectors.base import ApplicationPayload, Attachment, Connector

SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class GenericConnector(Connector):
    vendor = "generic"

    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        """Checked by the ``standardwebhooks`` library (timestamp within 5 minutes, constant-time
        comparison, several signatures during a sender's key rotation)."""
        if not all(headers.get(name) for name in SIGNATURE_HEADERS):
            raise BadSignature("missing webhook-id, webhook-timestamp or webhook-signature")
        if not webhook_signing.verify(secrets, headers, body):
            raise BadSignature(
                "webhook-signature does not match the body, or webhook-timestamp is outside "
                "the 5-minute tolerance"
            )

    def event_id(self, headers: Mapping[str, str], body: bytes) -> str:
        return headers.get("webhook-id") or hashlib.sha256(body).hexdigest()

    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        return str(payload.get("type") or "application.created")

    def describes_application(self, payload: Mapping[str, Any]) -> bool:
        """An ``application.*`` event must carry its application (else 422, stored as
        rejected); other event types are acknowledged and recorded."""
        event = str(payload.get("type") or "application.created")
        found = self.parse_application(payload) is not None
        if not found and event.startswith("application."):
            raise InvalidInput(
                f"a '{event}' event needs data.application, data.candidate, data.job"
            )
        return found

    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        data = payload.get("data", payload)
        if not isinstance(data, Mapping) or "application" not in data:
            return None
        app = _mapping(data, "application")
        candidate = _mapping(data, "candidate")
        job = _mapping(data, "job")
        emails = candidate.get("emails") or ([candidate["email"]] if "email" in candidate else [])
        sex, race = from_eeo_object(app.get("eeoc") or candidate.get("eeoc"))
        return ApplicationPayload(
            application_external_id=_required_str(app, "id"),
            candidate_external_id=str(candidate.get("id") or _required_str(app, "id")),
            candidate_name=str(candidate.get("name", "")),
            candidate_emails=tuple(str(e) for e in emails),
            candidate_dids=tuple(str(d) for d in candidate.get("dids", [])),
            job_external_id=_required_str(job, "id"),
            job_title=str(job.get("title", "")),
            applied_at=_parse_time(app.get("applied_at")),
            answers=dict(app.get("answers") or {}),
            attachments=tuple(_attachment(a) for a in app.get("attachments") or []),
            eeo_sex=sex,
            eeo_race_ethnicity=race,
        )


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise InvalidInput(f"payload field '{key}' must be an object")
    return value


def _required_str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value in (None, ""):
        raise InvalidInput(f"payload field '{key}' is required")
    return str(value)


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(f"'{value}' is not an ISO 8601 time") from exc


def _attachment(item: Any) -> Attachment:
    if not isinstance(item, Mapping):
        raise InvalidInput("each attachment must be an object")
    data = None
    if item.get("content_base64"):
        try:
            data = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput("attachment content_base64 is not base64") from exc
    elif item.get("content_json") is not None:
        data = json.dumps(item["content_json"]).encode()
    return Attachment(
        filename=item.get("filename"),
        content_type=item.get("content_type"),
        data=data,
        url=item.get("url"),
    )
