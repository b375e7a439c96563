"""The organisation's own uploads, as a connector: how the worker reads a manual-intake delivery.

A recruiter's upload (``POST /api/v1/applications``) and ``ats-match import`` store their
application in the inbox under the organisation's ``manual`` integration, in the generic
envelope (files inline as base64, links as URL attachments) plus our own ids: the job by its id
in the organisation and the application id announced to the caller. Nothing outside the product
can deliver to it: every webhook signature is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ats_match.errors import BadSignature, InvalidInput
from ats_match.services.intake import UPLOAD_EVENT
from connectors.base import ApplicationPayload
from connectors.generic import GenericConnector


class ManualConnector(GenericConnector):
    vendor = "manual"
    setup_steps = (
        "Nothing to set up in an ATS: this integration holds your own uploads "
        "(POST /api/v1/applications, ats-match import) and accepts no webhooks.",
        "Disable it to turn uploads off; enable it again to turn them back on.",
    )

    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        raise BadSignature(
            "this integration holds manual uploads: use POST /api/v1/applications, not a webhook"
        )

    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        return str(payload.get("type") or UPLOAD_EVENT)

    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        parsed = super().parse_application(payload)
        if parsed is None:
            return None
        data = payload["data"]
        return replace(
            parsed,
            job_id=_uuid(data["job"].get("id"), "job.id"),
            application_id=_uuid(data["application"].get("uuid"), "application.uuid"),
        )


def _uuid(value: Any, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput(f"manual intake field '{field}' must be a UUID") from None
