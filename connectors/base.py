"""The connector interface: one plugin per ATS vendor.

A connector turns a vendor's webhook into the product's terms. It checks the signature first,
names the delivery's unique event id (the inbox key), and parses the payload into an
:class:`ApplicationPayload`. Vendor payload shapes stop here; nothing beyond this boundary knows
them.
"""

from __future__ import annotations

import abc
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ats_match.errors import InvalidInput

if TYPE_CHECKING:
    from connectors.vendor_http import VendorConfig


@dataclass(frozen=True)
class Attachment:
    """A file or link the applicant submitted: bytes inline (base64 decoded) or a URL."""

    filename: str | None = None
    content_type: str | None = None
    data: bytes | None = None
    url: str | None = None
    vendor_file: bool = False
    """True when ``url`` is a file the ATS hosts (often a signed link that expires): it is
    downloaded at once, through the safe fetcher, from the integration's allowed file hosts.
    False: ``url`` is a link the candidate gave (a badge page), resolved later as a credential."""


@dataclass(frozen=True)
class ApplicationPayload:
    """What one delivery says about one application."""

    application_external_id: str
    candidate_external_id: str
    candidate_name: str
    candidate_emails: tuple[str, ...]
    job_external_id: str
    job_title: str
    applied_at: datetime | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    candidate_dids: tuple[str, ...] = ()
    eeo_sex: str | None = None
    eeo_race_ethnicity: str | None = None
    """The candidate's voluntary EEO self-identification where the vendor sends it, normalised by
    ``ats_match.fairness.categories.from_eeo_object``; stored for the adverse-impact report only
    and never passed to scoring."""
    job_id: uuid.UUID | None = None
    """A job of ours, by id (manual intake), instead of the vendor's ``job_external_id``."""
    application_id: uuid.UUID | None = None
    """The id to create the application with (manual intake announces it before the worker
    runs)."""

    def __post_init__(self) -> None:
        """Refuse text longer than its column: on PostgreSQL the insert would fail with a
        ``DataError``, which the worker retries as transient for hours. Refused here, it is a
        422 at the webhook (full payloads) or the delivery's stored reason (thin payloads)."""
        for name, limit in _TEXT_LIMITS.items():
            if len(getattr(self, name)) > limit:
                raise InvalidInput(f"payload field '{name}' is longer than {limit} characters")


_TEXT_LIMITS = {
    "application_external_id": 300,
    "candidate_external_id": 300,
    "candidate_name": 300,
    "job_external_id": 300,
    "job_title": 300,
}
"""The ``max_length`` of the columns each field is stored in (ats_match.models.hiring)."""


class Connector(abc.ABC):
    vendor: ClassVar[str]
    success_status: ClassVar[int] = 202
    """The HTTP status the vendor counts as delivered (Greenhouse: 200 only)."""
    response_deadline_seconds: ClassVar[float] = 10.0
    """How long the vendor waits for the acknowledgement before it retries."""

    setup_steps: ClassVar[tuple[str, ...]] = ()
    """What the recruiter does in the ATS, in order; ``{webhook_url}`` and ``{secret}`` are
    filled in by the admin page that shows them."""
    file_hosts: ClassVar[tuple[str, ...]] = ()
    """Host patterns the vendor serves attachments from (overridable per integration)."""
    thin_payload: ClassVar[bool] = False
    """True when deliveries carry ids only (Lever, SmartRecruiters): the application is read
    from the vendor API in the worker (:meth:`fetch_application`), never at the webhook."""

    @abc.abstractmethod
    def verify_signature(
        self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]
    ) -> None:
        """Raise ``ats_match.errors.BadSignature`` unless the vendor signed the raw ``body`` with
        one of ``secrets`` (several during a rotation's overlap window), compared in constant
        time. ``headers`` keys are lower-case."""

    @abc.abstractmethod
    def event_id(self, headers: Mapping[str, str], body: bytes) -> str:
        """The delivery's unique id: redeliveries of one event share it (the inbox key)."""

    @abc.abstractmethod
    def event_type(self, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
        """The vendor's event name, e.g. ``application.created``."""

    @abc.abstractmethod
    def parse_application(self, payload: Mapping[str, Any]) -> ApplicationPayload | None:
        """The application in ``payload``, or ``None`` for events that carry none."""

    def describes_application(self, payload: Mapping[str, Any]) -> bool:
        """True when the delivery is about an application we should ingest. For full payloads
        this is "parse_application finds one"; thin connectors answer from the event name and
        ids (their ``parse_application`` cannot see the candidate)."""
        return self.parse_application(payload) is not None

    def fetch_application(
        self, payload: Mapping[str, Any], api: VendorApi
    ) -> ApplicationPayload | None:
        """The application the delivery is about, read through the vendor API where the payload
        is thin. Full-payload vendors need no call: the default is :meth:`parse_application`."""
        return self.parse_application(payload)

    def api_config(self, api_key: str | None, settings: Mapping[str, Any]) -> VendorConfig | None:
        """How to call this vendor's API for an integration (``settings`` is the integration's
        settings: ``api_base_url``, ``file_hosts``, vendor extras), or ``None`` without an API."""
        return None

    def handshake(self, headers: Mapping[str, str], body: bytes) -> Mapping[str, str] | None:
        """Headers to answer a subscription handshake with (SmartRecruiters echoes
        ``X-Hook-Secret``), or ``None`` when the request is an ordinary delivery."""
        return None


class VendorApi(Protocol):
    """The vendor REST API as a connector sees it (:class:`connectors.vendor_http.VendorClient`):
    JSON calls with the integration's credentials, retried on 429 / 5xx honouring
    ``Retry-After``, and downloads of vendor-hosted files through the safe fetcher."""

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any: ...

    def send_json(self, method: str, path: str, body: Any = None) -> Any: ...

    def download(self, url: str, *, authenticated: bool = False) -> bytes: ...


@dataclass(frozen=True)
class ResultSummary:
    """What we write back to the ATS after a score change (the outbound event's payload)."""

    application_external_id: str
    candidate_external_id: str
    score: float
    """0..100 (``Score.normalised``)."""
    qualified: bool
    summary: str
    profile_url: str | None = None
    tags: tuple[str, ...] = ()

    @classmethod
    def from_event(cls, payload: Mapping[str, Any]) -> ResultSummary:
        """From a ``score.updated`` outbound event's payload (``application_external_id``,
        ``candidate_external_id``, ``score``, ``qualified``, ``summary``, ``profile_url``)."""
        return cls(
            application_external_id=str(payload.get("application_external_id") or ""),
            candidate_external_id=str(payload.get("candidate_external_id") or ""),
            score=float(payload.get("score") or 0.0),
            qualified=bool(payload.get("qualified")),
            summary=str(payload.get("summary") or ""),
            profile_url=payload.get("profile_url"),
        )


class ResultWriter(abc.ABC):
    """Vendor write-back: the score as a note and tags (or the vendor's native result field)."""

    @abc.abstractmethod
    def write_result(
        self, api: VendorApi, result: ResultSummary, settings: Mapping[str, Any]
    ) -> None:
        """Write ``result`` to the ATS (``settings``: the integration's settings, e.g. the
        Greenhouse user notes are written as). Raise ``vendor_http.VendorUnavailable`` when the
        vendor should be tried again later."""


def result_tags(result: ResultSummary) -> tuple[str, ...]:
    """The tags every vendor gets: one fixed "scored" tag plus qualified / not qualified."""
    verdict = "credentials-qualified" if result.qualified else "credentials-not-qualified"
    return (verdict, *result.tags)


def note_text(result: ResultSummary) -> str:
    """A plain-text note every ATS renders the same way."""
    lines = [f"ats-match credential score: {result.score:.1f} / 100", result.summary]
    if result.profile_url:
        lines.append(f"Details: {result.profile_url}")
    return "\n".join(line for line in lines if line)
