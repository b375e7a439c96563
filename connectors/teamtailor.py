"""Teamtailor Company Webhooks and the Teamtailor JSON:API for the candidate and resume.

The envelope is ``{"payload": {"event_name", "data": {"id", "type", "attributes"}},
"signature": "<base64>"}``: the signature travels in the body. Decoding the documented example
gives 64 hex characters, so the value is base64(hex(HMAC-SHA256(signature key, ...))). Which
bytes are signed is not stated on the public page; we accept the exact bytes of the ``payload``
member as sent, or its compact JSON serialisation (docs/connectors.md lists this as unconfirmed).
No timestamp: replays are stopped by the inbox, keyed by the body's digest.

A ``job_application.create`` carries the application resource only, so the worker reads it with
its candidate and job (``GET /v1/job-applications/{id}?include=candidate,job``) and downloads the
resume link at once.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ats_match.errors import BadSignature
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
    body_digest,
    check_any,
    full_name,
    items,
    mapping,
    parse_time,
    vendor_file,
)
from connectors.vendor_http import VendorConfig

TEAMTAILOR_BASE_URL = "https://api.teamtailor.com/v1/"
API_VERSION = "20240404"
FILE_HOSTS = ("*.teamtailor-cdn.com", "*.teamtailor.com", "*.s3.amazonaws.com", "*.amazonaws.com")
APPLICATION_EVENTS = frozenset({"job_application.create", "job_application.update"})


class TeamtailorConnector(Connector, ResultWriter):
    vendor = "teamtailor"
    setup_steps: ClassVar[tuple[str, ...]] = (
        "Ask Teamtailor support to enable webhooks for your company.",
        (
            "In Teamtailor: Settings > Integrations > Webhooks > New: event "
            "'job_application.create', URL {webhook_url}."
        ),
        "Copy the generated signature key and paste it here as the integration secret.",
        "Settings > API keys: create an Admin key with read/write and paste it here.",
    )
    success_status: ClassVar[int] = 200
    thin_payload: ClassVar[bool] = True
    file_hosts: ClassVar[tuple[str, ...]] = FILE_HOSTS

    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        members = top_level_members(body)
        signature = members.get("signature")
        payload = members.get("payload")
        if signature is None or payload is None:
            raise BadSignature("a Teamtailor delivery carries payload and signature")
        try:
            text = json.loads(signature)
            if not isinstance(text, str):
                raise ValueError("signature is not a string")
            offered = base64.b64decode(text, validate=True).decode("ascii")
        except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
            raise BadSignature("signature is not base64 of a hex digest") from exc
        compact = json.dumps(
            json.loads(payload), separators=(",", ":"), ensure_ascii=False
        ).encode()
        for message in dict.fromkeys([payload, compact]):
            try:
                check_any([offered.lower()], message, secrets)
                return
            except BadSignature:
                continue
        raise BadSignature("signature does not match the payload")

    def event_id(self, headers: Mapping[str, str], body: bytes) -> str:
        return body_digest(body)

    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        inner = payload.get("payload")
        return str(inner.get("event_name") or "") if isinstance(inner, Mapping) else ""

    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        return None  # the application resource alone names no candidate: see fetch_application

    def describes_application(self, payload: Mapping[str, Any]) -> bool:
        inner = payload.get("payload")
        if not isinstance(inner, Mapping) or inner.get("event_name") not in APPLICATION_EVENTS:
            return False
        data = inner.get("data")
        return isinstance(data, Mapping) and bool(data.get("id"))

    # -- API -----------------------------------------------------------------------------------
    def api_config(self, api_key: str | None, settings: Mapping[str, Any]) -> VendorConfig | None:
        if not api_key:
            return None
        return api_config(
            settings,
            default_base_url=TEAMTAILOR_BASE_URL,
            default_file_hosts=FILE_HOSTS,
            headers={
                "authorization": f"Token token={api_key}",
                "x-api-version": str(settings.get("api_version") or API_VERSION),
                "accept": "application/vnd.api+json",
            },
        )

    def fetch_application(
        self, payload: Mapping[str, Any], api: VendorApi
    ) -> ApplicationPayload | None:
        if not self.describes_application(payload):
            return None
        application_id = str(mapping(mapping(payload["payload"], "payload")["data"], "data")["id"])
        document = mapping(
            api.get_json(f"job-applications/{application_id}", {"include": "candidate,job"}),
            "document",
        )
        application = mapping(document.get("data"), "data")
        included = {
            (str(r.get("type")), str(r.get("id"))): r
            for r in items(document.get("included"))
            if isinstance(r, Mapping)
        }
        candidate = _related(application, "candidate", included)
        job = _related(application, "job", included)
        if candidate is None or job is None:
            return None
        person = mapping(candidate.get("attributes"), "candidate.attributes")
        attributes = mapping(application.get("attributes"), "application.attributes")
        resume = vendor_file(person.get("resume"), "resume.pdf")
        links = [str(person[k]) for k in ("linkedin-url", "facebook-profile") if person.get(k)]
        return ApplicationPayload(
            application_external_id=application_id,
            candidate_external_id=str(candidate.get("id")),
            candidate_name=full_name(person.get("first-name"), person.get("last-name")),
            candidate_emails=tuple(str(e) for e in [person.get("email")] if e),
            job_external_id=str(job.get("id")),
            job_title=str(mapping(job.get("attributes"), "job.attributes").get("title") or ""),
            applied_at=parse_time(attributes.get("created-at")),
            answers={
                k: v
                for k, v in {
                    "cover_letter": attributes.get("cover-letter"),
                    "pitch": person.get("pitch"),
                    "links": links,
                    "tags": items(person.get("tags")),
                }.items()
                if v
            },
            attachments=(resume,) if resume else (),
        )

    def write_result(
        self, api: VendorApi, result: ResultSummary, settings: Mapping[str, Any]
    ) -> None:
        candidate = {"data": {"type": "candidates", "id": result.candidate_external_id}}
        api.send_json(
            "POST",
            "notes",
            {
                "data": {
                    "type": "notes",
                    "attributes": {"note": note_text(result)},
                    "relationships": {"candidate": candidate},
                }
            },
        )
        current = mapping(api.get_json(f"candidates/{result.candidate_external_id}"), "candidate")
        attributes = mapping(current.get("data"), "data").get("attributes")
        existing = items(attributes.get("tags")) if isinstance(attributes, Mapping) else []
        tags = list(dict.fromkeys([*map(str, existing), *result_tags(result)]))  # PATCH replaces
        api.send_json(
            "PATCH",
            f"candidates/{result.candidate_external_id}",
            {
                "data": {
                    "type": "candidates",
                    "id": result.candidate_external_id,
                    "attributes": {"tags": tags},
                }
            },
        )


def _related(
    resource: Mapping[str, Any], name: str, included: Mapping[tuple[str, str], Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    relationships = resource.get("relationships")
    link = relationships.get(name) if isinstance(relationships, Mapping) else None
    data = link.get("data") if isinstance(link, Mapping) else None
    if not isinstance(data, Mapping):
        return None
    return included.get((str(data.get("type")), str(data.get("id"))))


def top_level_members(body: bytes) -> dict[str, bytes]:
    """The raw bytes of each top-level member's value of a JSON object (the exact text sent)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadSignature("body is not UTF-8") from exc
    decoder = json.JSONDecoder()
    members: dict[str, bytes] = {}
    position = _skip(text, 0)
    if not text.startswith("{", position):
        raise BadSignature("body is not a JSON object")
    position = _skip(text, position + 1)
    try:
        while position < len(text) and text[position] != "}":
            key, position = decoder.raw_decode(text, position)
            position = _skip(text, position)
            if text[position] != ":":
                raise BadSignature("malformed JSON object")
            start = _skip(text, position + 1)
            _, end = decoder.raw_decode(text, start)
            members[str(key)] = text[start:end].encode("utf-8")
            position = _skip(text, end)
            if position < len(text) and text[position] == ",":
                position = _skip(text, position + 1)
    except (ValueError, IndexError) as exc:
        raise BadSignature("malformed JSON object") from exc
    return members


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
