"""Workable (SPI v3) webhooks: the candidate object inline, comments and tags written back.

Signature: header ``X-Workable-Signature`` = hex HMAC-SHA256 of the raw body, keyed by the
account's API token (token integrations) or the OAuth application secret (partners). No
timestamp: replays are stopped by the inbox. The body carries the candidate as ``GET
/candidates/:id`` returns it (its state when the webhook was sent); ``resume_url`` is a signed
S3 link downloaded at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from connectors.base import (
    ApplicationPayload,
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
    full_name,
    items,
    mapping,
    parse_time,
    required_id,
    vendor_file,
)
from connectors.vendor_http import VendorConfig

FILE_HOSTS = ("*.s3.amazonaws.com", "s3.amazonaws.com", "*.workable.com")
APPLICATION_EVENTS = frozenset({"candidate_created", "candidate_moved"})


class WorkableConnector(Connector, ResultWriter):
    vendor = "workable"
    setup_steps: ClassVar[tuple[str, ...]] = (
        (
            "In Workable: Settings > Integrations > Apps > generate an API access token "
            "(r_candidates, w_candidates)."
        ),
        (
            "Paste the token here (it is both the API key and the webhook signing key) with your "
            "account subdomain."
        ),
        (
            "The product registers the 'candidate_created' subscription to {webhook_url} through "
            "the Workable API."
        ),
    )
    success_status: ClassVar[int] = 200
    file_hosts: ClassVar[tuple[str, ...]] = FILE_HOSTS

    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        check_any([headers.get("x-workable-signature", "").lower()], body, secrets)

    def event_id(self, headers: Mapping[str, str], body: bytes) -> str:
        return envelope_id(body, "id")

    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        return str(payload.get("event_type") or "")

    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        if payload.get("event_type") not in APPLICATION_EVENTS:
            return None
        candidate = mapping(payload.get("data"), "data")
        job = mapping(candidate.get("job"), "data.job")
        answers = [a for a in items(candidate.get("answers")) if isinstance(a, Mapping)]
        links = [
            str(p.get("url"))
            for p in items(candidate.get("social_profiles"))
            if isinstance(p, Mapping) and p.get("url")
        ]
        resume = vendor_file(candidate.get("resume_url"), _resume_name(candidate))
        return ApplicationPayload(
            application_external_id=required_id(candidate, "id", "data"),
            candidate_external_id=required_id(candidate, "id", "data"),
            candidate_name=str(
                candidate.get("name")
                or full_name(candidate.get("firstname"), candidate.get("lastname"))
            ),
            candidate_emails=tuple(str(e) for e in [candidate.get("email")] if e),
            job_external_id=required_id(job, "shortcode", "data.job"),
            job_title=str(job.get("title") or ""),
            applied_at=parse_time(candidate.get("created_at")),
            answers={
                k: v
                for k, v in {
                    "answers": answers,
                    "cover_letter": candidate.get("cover_letter"),
                    "summary": candidate.get("summary"),
                    "links": links,
                    "skills": [
                        s.get("name")
                        for s in items(candidate.get("skills"))
                        if isinstance(s, Mapping)
                    ],
                    "tags": items(candidate.get("tags")),
                }.items()
                if v
            },
            attachments=(resume,) if resume else (),
        )

    # -- API -----------------------------------------------------------------------------------
    def api_config(self, api_key: str | None, settings: Mapping[str, Any]) -> VendorConfig | None:
        if not api_key:
            return None
        subdomain = str(settings.get("subdomain") or "www")
        return api_config(
            settings,
            default_base_url=f"https://{subdomain}.workable.com/spi/v3/",
            default_file_hosts=FILE_HOSTS,
            headers={"authorization": f"Bearer {api_key}"},
        )

    def write_result(
        self, api: VendorApi, result: ResultSummary, settings: Mapping[str, Any]
    ) -> None:
        """A comment (as ``settings["member_id"]``) and the verdict tags, merged with the
        candidate's own (``PUT .../tags`` replaces the whole list)."""
        candidate_id = result.candidate_external_id
        current = mapping(api.get_json(f"candidates/{candidate_id}"), "candidate")
        body = current.get("candidate", current)
        existing = [str(t) for t in items(body.get("tags") if isinstance(body, Mapping) else [])]
        tags = list(dict.fromkeys([*existing, *result_tags(result)]))
        api.send_json("PUT", f"candidates/{candidate_id}/tags", {"tags": tags})
        api.send_json(
            "POST",
            f"candidates/{candidate_id}/comments",
            {"member_id": settings.get("member_id"), "comment": {"body": note_text(result)}},
        )


def _resume_name(candidate: Mapping[str, Any]) -> str:
    url = str(candidate.get("resume_url") or "")
    tail = url.split("?", 1)[0].rsplit("/", 1)[-1]
    return tail or "resume"
