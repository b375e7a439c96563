"""Lever webhooks (ids only), the Lever API read-back, and note / tag write-back.

Signature: *in the body*: ``signature`` = hex HMAC-SHA256(key = the webhook's signature token,
message = ``token`` + ``triggeredAt``). The ``data`` ids are **not** covered by it, so the
delivery is only an authenticated "go and read" trigger: everything is read back from the API
(opportunity, application, posting, contact, resumes and files), never taken from the body.
``triggeredAt`` (epoch ms) gives a replay window; the inbox key is ``token`` + ``triggeredAt``
(or the body's ``id`` when present).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import httpx

from ats_match.errors import BadSignature, InvalidInput
from connectors.base import (
    ApplicationPayload,
    Attachment,
    Connector,
    ResultSummary,
    ResultWriter,
    VendorApi,
    note_text,
    result_tags,
)
from connectors.common import (
    api_config,
    body_digest,
    check_any,
    check_fresh,
    envelope,
    full_name,
    items,
    mapping,
    parse_time,
    required_id,
    values,
    vendor_file,
)
from connectors.vendor_http import VendorConfig

LEVER_BASE_URL = "https://api.lever.co/v1/"
TOLERANCE_SECONDS = 15 * 60
"""Lever retries with delays we could not confirm; a generous window still stops old replays."""
APPLICATION_EVENTS = frozenset({"applicationCreated", "candidateStageChange"})


class LeverConnector(Connector, ResultWriter):
    vendor = "lever"
    setup_steps: ClassVar[tuple[str, ...]] = (
        "In Lever: Settings > Integrations and API > Webhooks.",
        "Enable 'Application created' and set its URL to {webhook_url}.",
        "Copy that webhook's signature token and paste it here as the integration secret.",
        (
            "Settings > Integrations and API > API Credentials: create a key that reads "
            "opportunities, postings, contacts and files and writes notes and tags; paste it "
            "here."
        ),
    )
    success_status: ClassVar[int] = 200
    thin_payload: ClassVar[bool] = True
    file_hosts: ClassVar[tuple[str, ...]] = ()  # files come from the API host, authenticated

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now

    # -- webhook -----------------------------------------------------------------------------
    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        try:
            envelope = json.loads(body)
        except ValueError as exc:
            raise BadSignature(
                "a Lever delivery is JSON with token, triggeredAt and signature"
            ) from exc
        if not isinstance(envelope, Mapping):
            raise BadSignature("a Lever delivery is a JSON object")
        token, triggered = envelope.get("token"), envelope.get("triggeredAt")
        if not isinstance(token, str) or not isinstance(triggered, int):
            raise BadSignature("token or triggeredAt missing")
        check_any([str(envelope.get("signature") or "")], f"{token}{triggered}".encode(), secrets)
        check_fresh(triggered / 1000, self._now(), TOLERANCE_SECONDS, "triggeredAt")

    def event_id(self, headers: Mapping[str, str], body: bytes) -> str:
        found = envelope(body)
        if found.get("id"):
            return str(found["id"])
        if found.get("token") and found.get("triggeredAt"):
            return f"{found['token']}:{found['triggeredAt']}"
        return body_digest(body)

    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        return str(payload.get("event") or "")

    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        return None  # ids only: see fetch_application

    def describes_application(self, payload: Mapping[str, Any]) -> bool:
        data = payload.get("data")
        return (
            payload.get("event") in APPLICATION_EVENTS
            and isinstance(data, Mapping)
            and bool(data.get("opportunityId"))
        )

    # -- API -----------------------------------------------------------------------------------
    def api_config(self, api_key: str | None, settings: Mapping[str, Any]) -> VendorConfig | None:
        if not api_key:
            return None
        return api_config(
            settings, default_base_url=LEVER_BASE_URL, auth=httpx.BasicAuth(api_key, "")
        )

    def fetch_application(
        self, payload: Mapping[str, Any], api: VendorApi
    ) -> ApplicationPayload | None:
        if not self.describes_application(payload):
            return None
        data = mapping(payload.get("data"), "data")
        opportunity_id = required_id(data, "opportunityId", "data")
        opportunity = _data(api.get_json(f"opportunities/{opportunity_id}"))
        application = _application(api, opportunity_id, data, opportunity)
        posting_id = str(application.get("posting") or "")
        if not posting_id:
            return None  # a referral or sourced lead on no posting: nothing to score against
        posting = _data(api.get_json(f"postings/{posting_id}"))
        contact_id = str(data.get("contactId") or opportunity.get("contact") or "")
        contact = _data(api.get_json(f"contacts/{contact_id}")) if contact_id else {}
        emails = list(
            dict.fromkeys(values(opportunity.get("emails")) + values(contact.get("emails")))
        )
        return ApplicationPayload(
            application_external_id=required_id(application, "id", "application"),
            candidate_external_id=opportunity_id,
            candidate_name=full_name(opportunity.get("name") or contact.get("name")),
            candidate_emails=tuple(emails),
            job_external_id=posting_id,
            job_title=str(posting.get("text") or ""),
            applied_at=parse_time(application.get("createdAt")),
            answers={
                "customQuestions": items(application.get("customQuestions")),
                "links": values(opportunity.get("links")) + values(application.get("links")),
                "tags": values(opportunity.get("tags")),
            },
            attachments=_files(api, opportunity_id),
        )

    # -- write-back ----------------------------------------------------------------------------
    def write_result(
        self, api: VendorApi, result: ResultSummary, settings: Mapping[str, Any]
    ) -> None:
        opportunity = result.candidate_external_id
        suffix = f"?perform_as={settings['perform_as']}" if settings.get("perform_as") else ""
        api.send_json(
            "POST",
            f"opportunities/{opportunity}/addTags{suffix}",
            {"tags": list(result_tags(result))},
        )
        api.send_json(
            "POST", f"opportunities/{opportunity}/notes{suffix}", {"value": note_text(result)}
        )


def _data(answer: Any) -> Mapping[str, Any]:
    """Lever wraps every object in ``{"data": ...}``."""
    return mapping(mapping(answer, "answer").get("data"), "data")


def _application(
    api: VendorApi, opportunity_id: str, data: Mapping[str, Any], opportunity: Mapping[str, Any]
) -> Mapping[str, Any]:
    application_id = data.get("applicationId") or next(
        iter(items(opportunity.get("applications"))), None
    )
    if not application_id:
        raise InvalidInput("the opportunity has no application")
    return _data(api.get_json(f"opportunities/{opportunity_id}/applications/{application_id}"))


def _files(api: VendorApi, opportunity_id: str) -> tuple[Attachment, ...]:
    """Resumes and other files; their ``downloadUrl`` is on the API host, so the intake downloads
    them with the API credentials right away."""
    resumes = mapping(api.get_json(f"opportunities/{opportunity_id}/resumes"), "resumes")
    files = mapping(api.get_json(f"opportunities/{opportunity_id}/files"), "files")
    described = [r.get("file") for r in items(resumes.get("data")) if isinstance(r, Mapping)]
    described += items(files.get("data"))
    found = [_file(f) for f in described if isinstance(f, Mapping) and f.get("downloadUrl")]
    return tuple(a for a in found if a is not None)


def _file(file: Mapping[str, Any]) -> Attachment | None:
    name = str(file.get("name") or "file")
    ext = str(file.get("ext") or "").lstrip(".")
    filename = name if not ext or name.endswith("." + ext) else f"{name}.{ext}"
    return vendor_file(file["downloadUrl"], filename)
