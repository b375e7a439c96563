"""Ashby webhooks, the Ashby RPC API for files, and note / tag write-back.

Signature: header ``Ashby-Signature: sha256=<hex HMAC-SHA256(secret token, raw body)>``; no
timestamp. Envelope ``{"action", "webhookActionId"?, "data": {"application": {...}}}`` with the
candidate and job inline; files are behind ``candidate.info`` (file handles) and ``file.info``
(a download URL), read in the worker. Ashby retries any non-2xx except 401/403/404/405/410, so a
bad signature (401) is not replayed. The API is RPC style: ``POST https://api.ashbyhq.com/<method>``
with a JSON body and Basic auth (API key as the user name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

import httpx

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
    envelope_id,
    items,
    mapping,
    parse_time,
    required_id,
    values,
    vendor_file,
)
from connectors.vendor_http import VendorApiError, VendorConfig

ASHBY_BASE_URL = "https://api.ashbyhq.com/"
FILE_HOSTS = ("*.s3.amazonaws.com", "s3.amazonaws.com", "*.ashbyhq.com", "*.ashbyprd.com")
APPLICATION_ACTIONS = frozenset({"applicationSubmit", "applicationUpdate", "candidateStageChange"})


class AshbyConnector(Connector, ResultWriter):
    vendor = "ashby"
    setup_steps: ClassVar[tuple[str, ...]] = (
        "In Ashby: Admin > Integrations > Webhooks > New.",
        "Webhook type 'Application Submit', request URL {webhook_url}, secret token {secret}.",
        (
            "Admin > Integrations > API Keys: create a key with candidate read/write and file "
            "read; paste it here."
        ),
    )
    success_status: ClassVar[int] = 200
    file_hosts: ClassVar[tuple[str, ...]] = FILE_HOSTS

    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        scheme, _, digest = headers.get("ashby-signature", "").strip().partition("=")
        if scheme.lower() != "sha256":
            raise BadSignature("Ashby-Signature must be 'sha256=<hex>'")
        check_any([digest.lower()], body, secrets)

    def event_id(self, headers: Mapping[str, str], body: bytes) -> str:
        return envelope_id(body, "webhookActionId")

    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        return str(payload.get("action") or "")

    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        if payload.get("action") not in APPLICATION_ACTIONS:
            return None
        application = mapping(
            mapping(payload.get("data"), "data").get("application"), "application"
        )
        candidate = mapping(application.get("candidate"), "application.candidate")
        job = mapping(application.get("job"), "application.job")
        emails = [candidate.get("primaryEmailAddress"), *items(candidate.get("emailAddresses"))]
        return ApplicationPayload(
            application_external_id=required_id(application, "id", "application"),
            candidate_external_id=required_id(candidate, "id", "candidate"),
            candidate_name=str(candidate.get("name") or ""),
            candidate_emails=tuple(dict.fromkeys(values(emails))),
            job_external_id=required_id(job, "id", "job"),
            job_title=str(job.get("title") or ""),
            applied_at=parse_time(application.get("createdAt")),
            answers={
                k: v
                for k, v in {
                    "customFields": [
                        f for f in items(application.get("customFields")) if isinstance(f, Mapping)
                    ],
                    "links": values(candidate.get("socialLinks"), "url"),
                }.items()
                if v
            },
        )

    # -- API -----------------------------------------------------------------------------------
    def api_config(self, api_key: str | None, settings: Mapping[str, Any]) -> VendorConfig | None:
        if not api_key:
            return None
        return api_config(
            settings,
            default_base_url=ASHBY_BASE_URL,
            default_file_hosts=FILE_HOSTS,
            auth=httpx.BasicAuth(api_key, ""),
        )

    def fetch_application(
        self, payload: Mapping[str, Any], api: VendorApi
    ) -> ApplicationPayload | None:
        """The webhook's application plus the candidate's files and links (``candidate.info``
        -> file handles -> ``file.info`` download URLs)."""
        parsed = self.parse_application(payload)
        if parsed is None:
            return None
        info = _results(
            api.send_json("POST", "candidate.info", {"id": parsed.candidate_external_id})
        )
        handles = [info.get("resumeFileHandle"), *items(info.get("fileHandles"))]
        files: list[Attachment] = []
        for handle in dict.fromkeys(_handle_key(h) for h in handles if isinstance(h, Mapping)):
            name, token = handle
            url = _results(api.send_json("POST", "file.info", {"fileHandle": token})).get("url")
            file = vendor_file(url, name)
            if file is not None:
                files.append(file)
        answers = dict(parsed.answers)
        links = values(info.get("socialLinks"), "url")
        if links:
            answers["links"] = list(dict.fromkeys([*answers.get("links", []), *links]))
        emails = values(info.get("emailAddresses"))
        return replace(
            parsed,
            candidate_emails=tuple(dict.fromkeys([*parsed.candidate_emails, *emails])),
            answers=answers,
            attachments=tuple(files),
        )

    def write_result(
        self, api: VendorApi, result: ResultSummary, settings: Mapping[str, Any]
    ) -> None:
        candidate_id = result.candidate_external_id
        known = {
            str(t.get("title")): t.get("id")
            for t in items(_results_list(api.send_json("POST", "candidateTag.list", {})))
            if isinstance(t, Mapping)
        }
        for title in result_tags(result):
            tag_id = known.get(title) or _results(
                api.send_json("POST", "candidateTag.create", {"title": title})
            ).get("id")
            api.send_json(
                "POST", "candidate.addTag", {"candidateId": candidate_id, "tagId": tag_id}
            )
        api.send_json(
            "POST", "candidate.createNote", {"candidateId": candidate_id, "note": note_text(result)}
        )


def _results(answer: Any) -> Mapping[str, Any]:
    """Ashby answers ``{"success": bool, "results": ...}``; ``success: false`` is a refusal."""
    body = mapping(answer, "answer")
    if body.get("success") is False:
        raise VendorApiError(200, str(body.get("errors") or "success: false"))
    results = body.get("results")
    return results if isinstance(results, Mapping) else {}


def _results_list(answer: Any) -> list[Any]:
    body = mapping(answer, "answer")
    if body.get("success") is False:
        raise VendorApiError(200, str(body.get("errors") or "success: false"))
    return items(body.get("results"))


def _handle_key(handle: Mapping[str, Any]) -> tuple[str, str]:
    return str(handle.get("name") or "file"), str(handle.get("handle") or "")
