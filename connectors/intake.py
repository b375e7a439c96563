"""From a stored delivery to an application with its files: the worker's one connector hook.

:func:`application_from_delivery` parses the delivery with the integration's connector, reads
thin payloads (and fresh attachment links) through the vendor API, and downloads every
vendor-hosted file at once through the safe fetcher, so an expiring S3 link is never stored for
later. A vendor that is down raises :class:`~connectors.vendor_http.VendorUnavailable` (a
``ConnectionError``: the Celery task retries it with backoff); an ids-only vendor without an API
key raises :class:`~connectors.vendor_http.IntegrationNotReady` (409, not retried); a file on a
host the integration
does not allow is skipped and named in ``answers["refused_attachments"]``.

:func:`write_back` is the write-back side: the score summary as the vendor's note and tags.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

from ats_match.net.cache import ResponseCache
from ats_match.net.fetcher import Fetcher
from ats_match.settings import get_settings
from connectors import get_connector
from connectors.base import ApplicationPayload, Attachment, Connector, ResultSummary, ResultWriter
from connectors.vendor_http import (
    AttachmentRefused,
    IntegrationNotReady,
    VendorClient,
    VendorConfig,
)


class IntegrationLike(Protocol):
    """What the hook reads from an integration row."""

    vendor: Any
    api_token: str | None
    settings: dict[str, Any]


class DeliveryLike(Protocol):
    body: bytes


@functools.lru_cache(maxsize=1)
def attachment_fetcher() -> Fetcher:
    """The safe fetcher for vendor files: the usual address rules, but the attachment size cap
    (``max_attachment_bytes``, a resume PDF is often over the 2 MB document cap) and no cache
    worth the name (a signed link is fetched once; one entry bounds the memory)."""
    from ats_match.net.http import HttpFetcher

    settings = get_settings()
    files = settings.model_copy(update={"max_document_bytes": settings.max_attachment_bytes})
    return HttpFetcher(files, cache=ResponseCache(0.0, max_entries=1))


def vendor_client(
    connector: Connector, integration: IntegrationLike, fetcher: Fetcher, **options: Any
) -> VendorClient | None:
    """The vendor API client for ``integration``, or ``None`` when it has no API credentials."""
    config = connector.api_config(integration.api_token, integration.settings or {})
    return VendorClient(config, fetcher, **options) if config is not None else None


def application_from_delivery(
    integration: IntegrationLike, delivery: DeliveryLike, fetcher: Fetcher, **options: Any
) -> ApplicationPayload | None:
    """The application ``delivery`` is about, with its vendor files downloaded, or ``None`` for
    events that carry none. ``options`` go to :class:`VendorClient` (tests pass ``sleep``)."""
    connector = get_connector(str(getattr(integration.vendor, "value", integration.vendor)))
    payload = json.loads(delivery.body)
    client = vendor_client(connector, integration, fetcher, **options)
    if client is None:
        if connector.thin_payload:
            raise IntegrationNotReady(
                f"{connector.vendor} sends ids only: the integration needs an API key"
            )
        application = connector.parse_application(payload)
        if application is None or not any(a.vendor_file for a in application.attachments):
            return application  # nothing to download: no client built (the generic path)
        with _file_client(connector, integration, fetcher) as files:
            return _download_files(application, files)
    with client:
        application = connector.fetch_application(payload, client)
        return None if application is None else _download_files(application, client)


def write_back(
    integration: IntegrationLike, result: ResultSummary, fetcher: Fetcher, **options: Any
) -> bool:
    """Write ``result`` to the vendor if it supports write-back and has an API key; True if done."""
    connector = get_connector(str(getattr(integration.vendor, "value", integration.vendor)))
    if not isinstance(connector, ResultWriter):
        return False
    client = vendor_client(connector, integration, fetcher, **options)
    if client is None:
        return False
    with client:
        connector.write_result(client, result, integration.settings or {})
    return True


class _Downloader(Protocol):
    def download(self, url: str, *, authenticated: bool = False) -> bytes: ...


def _file_client(
    connector: Connector, integration: IntegrationLike, fetcher: Fetcher
) -> VendorClient:
    """Downloads only (no API key): the vendor's file hosts, through the safe fetcher."""
    settings = integration.settings or {}
    hosts = settings.get("file_hosts")
    config = VendorConfig(
        base_url="https://api.invalid/",  # no API: nothing is "on the API host"
        file_hosts=tuple(hosts) if isinstance(hosts, list) else connector.file_hosts,
    )
    return VendorClient(config, fetcher)


def _download_files(application: ApplicationPayload, api: _Downloader) -> ApplicationPayload:
    files: list[Attachment] = []
    refused: list[Mapping[str, str]] = []
    for attachment in application.attachments:
        if not (attachment.vendor_file and attachment.url and attachment.data is None):
            files.append(attachment)
            continue
        try:
            data = api.download(attachment.url)
        except AttachmentRefused as exc:
            refused.append({"filename": attachment.filename or "", "reason": str(exc)})
            continue
        files.append(replace(attachment, data=data, url=None))
    answers = dict(application.answers)
    if refused:
        answers["refused_attachments"] = refused
    return replace(application, attachments=tuple(files), answers=answers)
