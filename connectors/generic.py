"""A generic JSON webhook signed as the Standard Webhooks specification says.

Headers ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (``v1,<base64 HMAC-SHA256
of "{id}.{timestamp}.{body}">``, space-separated when the sender rotates keys). The secret may be
given as ``whsec_<base64>`` (decoded) or as plain text (used as bytes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ats_match.errors import BadSignature, InvalidInput
from ats_match.webhook_signing import matches
from connectors.base import ApplicationPayload, Attachment, Connector

TOLERANCE_SECONDS = 5 * 60


class GenericConnector(Connector):
    vendor = "generic"

    def __init__(self, now: Any = time.time) -> None:
        self._now = now

    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        msg_id = headers.get("webhook-id", "")
        timestamp = headers.get("webhook-timestamp", "")
        offered = headers.get("webhook-signature", "")
        if not (msg_id and timestamp and offered):
            raise BadSignature("missing webhook-id, webhook-timestamp or webhook-signature")
        try:
            ts = int(timestamp)
        except ValueError as exc:
            raise BadSignature("webhook-timestamp is not an integer") from exc
        if abs(self._now() - ts) > TOLERANCE_SECONDS:
            raise BadSignature("webhook-timestamp is outside the 5-minute tolerance")
        for secret in secrets:
            try:
                if matches(secret, msg_id, ts, body, offered):
                    return
            except ValueError as exc:
                raise BadSignature(str(exc)) from exc
        raise BadSignature("webhook-signature does not match the body")

    def event_id(self, headers: Mapping[str, str], body: bytes) -> str:
        return headers.get("webhook-id") or hashlib.sha256(body).hexdigest()

    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        return str(payload.get("type") or "application.created")

    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        data = payload.get("data", payload)
        if not isinstance(data, Mapping) or "application" not in data:
            return None
        app = _mapping(data, "application")
        candidate = _mapping(data, "candidate")
        job = _mapping(data, "job")
        emails = candidate.get("emails") or ([candidate["email"]] if "email" in candidate else [])
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
