"""The connector interface: one plugin per ATS vendor.

A connector turns a vendor's webhook into the product's terms. It checks the signature first,
names the delivery's unique event id (the inbox key), and parses the payload into an
:class:`ApplicationPayload`. Vendor payload shapes stop here; nothing beyond this boundary knows
them.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar


@dataclass(frozen=True)
class Attachment:
    """A file or link the applicant submitted: bytes inline (base64 decoded) or a URL."""

    filename: str | None = None
    content_type: str | None = None
    data: bytes | None = None
    url: str | None = None


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


class Connector(abc.ABC):
    vendor: ClassVar[str]
    success_status: ClassVar[int] = 202
    """The HTTP status the vendor counts as delivered (Greenhouse: 200 only)."""
    response_deadline_seconds: ClassVar[float] = 10.0
    """How long the vendor waits for the acknowledgement before it retries."""

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
