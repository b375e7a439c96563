"""SmartRecruiters Webhooks API (v201907): a thin body plus a ``link``, 202 within 5 seconds.

Signature: ``smartrecruiters-signature: v1=<hex>[;v1=<hex>...]`` (one entry per active key, so a
rotation verifies either way) over ``timestamp.body.event-id.event-name.event-version.link``
(missing headers count as empty) with ``smartrecruiters-timestamp`` in unix seconds, which gives
a freshness window. The inbox key is the ``event-id`` header. Subscriptions are activated by a
handshake: SmartRecruiters POSTs ``X-Hook-Secret`` and expects it echoed back.

The body names the application (``{"job_id", "candidate_id"}`` for ``application.created``); the
candidate, the application, the job, screening answers and attachments are read from the
Customer API (``X-SmartToken`` header) in the worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from ats_match.errors import BadSignature
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
    check_any,
    check_fresh,
    full_name,
    items,
    mapping,
    parse_time,
    required_id,
    vendor_file,
)
from connectors.vendor_http import VendorConfig

SR_BASE_URL = "https://api.smartrecruiters.com/"
TOLERANCE_SECONDS = 5 * 60
APPLICATION_EVENTS = frozenset(
    {
        "application.created",
        "application.attachment.created",
        "application.screening-answers.created",
    }
)
SIGNED_HEADERS = ("event-id", "event-name", "event-version", "link")


class SmartRecruitersConnector(Connector, ResultWriter):
    vendor = "smartrecruiters"
    setup_steps: ClassVar[tuple[str, ...]] = (
        (
            "In SmartRecruiters: create an API key (Settings > Admin > Apps & Integrations > API)"
            " and paste it here."
        ),
        (
            "The product subscribes {webhook_url} to 'application.created', activates it (the "
            "handshake is answered automatically) and generates the signing key."
        ),
    )
    success_status: ClassVar[int] = 202
    response_deadline_seconds: ClassVar[float] = 5.0
    thin_payload: ClassVar[bool] = True
    file_hosts: ClassVar[tuple[str, ...]] = ("*.smartrecruiters.com", "*.amazonaws.com")

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now

    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        timestamp = headers.get("smartrecruiters-timestamp", "")
        if not timestamp.isdigit():
            raise BadSignature("smartrecruiters-timestamp is missing or not unix seconds")
        offered = [
            part.strip()[3:]
            for part in headers.get("smartrecruiters-signature", "").split(";")
            if part.strip().startswith("v1=")
        ]
        message = b".".join(
            [timestamp.encode(), body, *(headers.get(h, "").encode() for h in SIGNED_HEADERS)]
        )
        check_any([o.lower() for o in offered], message, secrets)
        check_fresh(int(timestamp), self._now(), TOLERANCE_SECONDS, "smartrecruiters-timestamp")

    def event_id(self, headers: Mapping[str, str], body: bytes) -> str:
        event = headers.get("event-id")
        if not event:
            raise BadSignature("a SmartRecruiters delivery carries an event-id header")
        return event

    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        return headers.get("event-name", "")

    def handshake(self, headers: Mapping[str, str], body: bytes) -> Mapping[str, str] | None:
        secret = headers.get("x-hook-secret")
        return {"X-Hook-Secret": secret} if secret and not headers.get("event-name") else None

    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        return None  # ids only: see fetch_application

    def describes_application(self, payload: Mapping[str, Any]) -> bool:
        return bool(payload.get("job_id") and payload.get("candidate_id"))

    # -- API -----------------------------------------------------------------------------------
    def api_config(self, api_key: str | None, settings: Mapping[str, Any]) -> VendorConfig | None:
        if not api_key:
            return None
        return api_config(
            settings,
            default_base_url=SR_BASE_URL,
            default_file_hosts=self.file_hosts,
            headers={"x-smarttoken": api_key},
        )

    def fetch_application(
        self, payload: Mapping[str, Any], api: VendorApi
    ) -> ApplicationPayload | None:
        if not self.describes_application(payload):
            return None
        job_id = required_id(payload, "job_id", "body")
        candidate_id = required_id(payload, "candidate_id", "body")
        candidate = mapping(api.get_json(f"candidates/{candidate_id}"), "candidate")
        application = mapping(
            api.get_json(f"candidates/{candidate_id}/jobs/{job_id}"), "application"
        )
        job = mapping(api.get_json(f"jobs/{job_id}"), "job")
        answers = mapping(
            api.get_json(f"candidates/{candidate_id}/jobs/{job_id}/screening-answers"), "answers"
        )
        listed = mapping(api.get_json(f"candidates/{candidate_id}/attachments"), "attachments")
        return ApplicationPayload(
            application_external_id=str(application.get("id") or f"{candidate_id}:{job_id}"),
            candidate_external_id=candidate_id,
            candidate_name=full_name(candidate.get("firstName"), candidate.get("lastName")),
            candidate_emails=tuple(str(e) for e in [candidate.get("email")] if e),
            job_external_id=job_id,
            job_title=str(job.get("title") or ""),
            applied_at=parse_time(application.get("createdOn") or candidate.get("createdOn")),
            answers={
                k: v
                for k, v in {
                    "screening_answers": items(answers.get("content")),
                    "links": [str(u) for u in (candidate.get("web") or {}).values() if u]
                    if isinstance(candidate.get("web"), Mapping)
                    else [],
                    "tags": items(candidate.get("tags")),
                }.items()
                if v
            },
            attachments=tuple(_attachments(api, candidate_id, listed)),
        )

    def write_result(
        self, api: VendorApi, result: ResultSummary, settings: Mapping[str, Any]
    ) -> None:
        candidate_id = result.candidate_external_id
        current = mapping(api.get_json(f"candidates/{candidate_id}"), "candidate")
        existing = [str(t) for t in items(current.get("tags"))]
        tags = list(dict.fromkeys([*existing, *result_tags(result)]))  # PUT replaces the list
        api.send_json("PUT", f"candidates/{candidate_id}/tags", {"tags": tags})
        api.send_json("POST", f"candidates/{candidate_id}/comments", {"content": note_text(result)})


def _attachments(api: VendorApi, candidate_id: str, listed: Mapping[str, Any]) -> list[Attachment]:
    out: list[Attachment] = []
    for item in items(listed.get("content")):
        if not isinstance(item, Mapping) or not item.get("id"):
            continue
        url = item.get("url") or f"candidates/{candidate_id}/attachments/{item['id']}"
        file = vendor_file(str(url), item.get("name"))  # a relative path is on the API host
        if file is not None:
            out.append(file)
    return out
