"""Greenhouse Recruiting webhooks, the Harvest API read-back, and tag / note write-back.

Signature: header ``Signature: sha256 <hex HMAC-SHA256(secret key, raw body)>``; no timestamp, so
replays are stopped by the inbox, keyed by the ``Greenhouse-Event-ID`` header. Greenhouse counts
only HTTP **200** as delivered. The envelope is ``{"action": ..., "payload": {"application":
{...}}}`` with the candidate and jobs inline; attachment URLs are signed S3 links that expire, so
the worker re-reads the candidate through Harvest (fresh links) when an API key is configured and
downloads the files at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import httpx

from ats_match.errors import BadSignature
from ats_match.fairness.categories import from_eeo_object
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
    full_name,
    items,
    mapping,
    parse_time,
    required_id,
    values,
    vendor_file,
)
from connectors.vendor_http import VendorApiError, VendorConfig

HARVEST_BASE_URL = "https://harvest.greenhouse.io/v1/"
FILE_HOSTS = ("*.s3.amazonaws.com", "s3.amazonaws.com", "*.greenhouse.io")
APPLICATION_ACTIONS = frozenset(
    {
        "new_candidate_application",
        "new_prospect_application",
        "application_updated",
        "candidate_stage_change",
    }
)


class GreenhouseConnector(Connector, ResultWriter):
    vendor = "greenhouse"
    setup_steps: ClassVar[tuple[str, ...]] = (
        "In Greenhouse: Configure > Dev Center > Web Hooks > Create New Web Hook.",
        "When: 'Candidate or Prospect has submitted an application'. Endpoint URL: {webhook_url}.",
        "Secret key: {secret}. Save; Greenhouse pings the URL and must get HTTP 200.",
        (
            "Dev Center > API Credential Management: create a Harvest key (Applications GET, "
            "Candidates GET, Tags GET/POST/PUT, Notes POST) and paste it here with your "
            "Greenhouse user id (On-Behalf-Of)."
        ),
    )
    success_status: ClassVar[int] = 200
    response_deadline_seconds: ClassVar[float] = 10.0
    file_hosts: ClassVar[tuple[str, ...]] = FILE_HOSTS

    # -- webhook -----------------------------------------------------------------------------
    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        scheme, _, digest = headers.get("signature", "").strip().partition(" ")
        if scheme.lower() != "sha256":
            raise BadSignature("Signature header must be 'sha256 <hex>'")
        check_any([digest.lower()], body, secrets)

    def event_id(self, headers: Mapping[str, str], body: bytes) -> str:
        return headers.get("greenhouse-event-id") or body_digest(body)

    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        return str(payload.get("action") or "")

    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        if payload.get("action") not in APPLICATION_ACTIONS:
            return None
        application = mapping(
            mapping(payload.get("payload"), "payload").get("application"), "application"
        )
        candidate = application.get("candidate")
        jobs = items(application.get("jobs"))
        if not isinstance(candidate, Mapping) or not jobs:
            return None  # a prospect on no job: nothing to score against
        return map_application(application, candidate, mapping(jobs[0], "jobs[0]"))

    # -- Harvest -----------------------------------------------------------------------------
    def api_config(self, api_key: str | None, settings: Mapping[str, Any]) -> VendorConfig | None:
        if not api_key:
            return None
        headers = {}
        if settings.get("on_behalf_of"):
            headers["on-behalf-of"] = str(settings["on_behalf_of"])
        return api_config(
            settings,
            default_base_url=HARVEST_BASE_URL,
            default_file_hosts=FILE_HOSTS,
            auth=httpx.BasicAuth(api_key, ""),
            headers=headers,
        )

    def fetch_application(
        self, payload: Mapping[str, Any], api: VendorApi
    ) -> ApplicationPayload | None:
        """The webhook's application with the candidate re-read through Harvest: attachment links
        in a webhook expire, Harvest hands out fresh ones (and the answers)."""
        parsed = self.parse_application(payload)
        if parsed is None:
            return None
        application = mapping(
            api.get_json(f"applications/{parsed.application_external_id}"), "application"
        )
        candidate = mapping(api.get_json(f"candidates/{parsed.candidate_external_id}"), "candidate")
        jobs = items(application.get("jobs")) or [
            {"id": parsed.job_external_id, "name": parsed.job_title}
        ]
        fresh = map_application(application, candidate, mapping(jobs[0], "jobs[0]"))
        sex, race = harvest_eeoc(api, parsed.application_external_id)
        answers = {**parsed.answers, **fresh.answers}
        return ApplicationPayload(
            application_external_id=parsed.application_external_id,
            candidate_external_id=parsed.candidate_external_id,
            candidate_name=fresh.candidate_name or parsed.candidate_name,
            candidate_emails=fresh.candidate_emails or parsed.candidate_emails,
            job_external_id=parsed.job_external_id,
            job_title=parsed.job_title or fresh.job_title,
            applied_at=parsed.applied_at or fresh.applied_at,
            answers=answers,
            attachments=fresh.attachments or parsed.attachments,
            eeo_sex=sex or fresh.eeo_sex or parsed.eeo_sex,
            eeo_race_ethnicity=race or fresh.eeo_race_ethnicity or parsed.eeo_race_ethnicity,
        )

    # -- write-back ----------------------------------------------------------------------------
    def write_result(
        self, api: VendorApi, result: ResultSummary, settings: Mapping[str, Any]
    ) -> None:
        """A private note on the candidate and one tag per verdict (created if missing)."""
        candidate = result.candidate_external_id
        known = {
            str(t.get("name")): t.get("id")
            for t in items(api.get_json("tags/candidate"))
            if isinstance(t, Mapping)
        }
        for name in result_tags(result):
            tag_id = known.get(name)
            if tag_id is None:
                created = mapping(api.send_json("POST", "tags/candidate", {"name": name}), "tag")
                tag_id = created.get("id")
            api.send_json("PUT", f"candidates/{candidate}/tags/{tag_id}")
        api.send_json(
            "POST",
            f"candidates/{candidate}/activity_feed/notes",
            {
                "user_id": settings.get("on_behalf_of"),
                "body": note_text(result),
                "visibility": "private",
            },
        )


def harvest_eeoc(api: VendorApi, application_id: str) -> tuple[str | None, str | None]:
    """The candidate's voluntary EEOC answers (Harvest ``GET applications/{id}/eeoc``), for the
    adverse-impact report only. A key without the EEOC permission (403), or an application
    without answers (404), has none: that is "unknown", not a failed delivery."""
    try:
        return from_eeo_object(api.get_json(f"applications/{application_id}/eeoc"))
    except VendorApiError as exc:
        if exc.status in (403, 404):
            return None, None
        raise


def map_application(
    application: Mapping[str, Any], candidate: Mapping[str, Any], job: Mapping[str, Any]
) -> ApplicationPayload:
    """A webhook or Harvest application (same field names) as an :class:`ApplicationPayload`."""
    attachments = [
        vendor_file(a.get("url"), a.get("filename"))
        for a in items(candidate.get("attachments")) + items(application.get("attachments"))
        if isinstance(a, Mapping)
    ]
    links = values(candidate.get("website_addresses")) + values(
        candidate.get("social_media_addresses")
    )
    answers: dict[str, Any] = {
        "answers": [a for a in items(application.get("answers")) if isinstance(a, Mapping)],
        "custom_fields": _custom_values(application.get("custom_fields")),
        "candidate_custom_fields": _custom_values(candidate.get("custom_fields")),
        "links": links,
        "tags": values(candidate.get("tags")),
    }
    sex, race = from_eeo_object(application.get("eeoc"))  # Harvest's EEOC shape, when sent
    return ApplicationPayload(
        application_external_id=required_id(application, "id", "application"),
        candidate_external_id=required_id(candidate, "id", "candidate"),
        candidate_name=full_name(candidate.get("first_name"), candidate.get("last_name")),
        candidate_emails=tuple(values(candidate.get("email_addresses"))),
        job_external_id=required_id(job, "id", "job"),
        job_title=str(job.get("name") or ""),
        applied_at=parse_time(application.get("applied_at")),
        answers={k: v for k, v in answers.items() if v},
        attachments=tuple(a for a in attachments if isinstance(a, Attachment)),
        eeo_sex=sex,
        eeo_race_ethnicity=race,
    )


def _custom_values(fields: Any) -> dict[str, Any]:
    """``{"key": {"name", "type", "value"}}`` -> ``{"Name": value}`` for the fields with a value."""
    if not isinstance(fields, Mapping):
        return {}
    out: dict[str, Any] = {}
    for key, field in fields.items():
        if isinstance(field, Mapping) and field.get("value") not in (None, "", []):
            out[str(field.get("name") or key)] = field["value"]
    return out
