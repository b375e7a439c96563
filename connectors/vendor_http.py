"""The vendor REST client every connector uses: :class:`VendorClient`.

JSON calls go through an httpx client on the project's guarded transport
(:mod:`ats_match.net.http`: resolved-once, address-checked connections, no environment proxies),
with a byte cap on answers. A 429 or 5xx answer is retried, waiting what ``Retry-After`` says
(seconds or an HTTP date, capped), a connection failure is retried with exponential backoff; when
the tries run out :class:`VendorUnavailable` is raised, which the worker's task retries later.

Vendor-hosted files (signed S3 links that expire) are downloaded at once through the safe
:class:`~ats_match.net.fetcher.Fetcher`, and only from the file hosts allow-listed on the
integration (``settings.file_hosts``, ``fnmatch`` patterns such as ``*.s3.amazonaws.com``).
Files served by the API host itself (Lever's ``/download`` endpoints) need the API credentials,
so those go through the guarded API client instead.
"""

from __future__ import annotations

import email.utils
import fnmatch
import functools
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import tenacity

from ats_match.errors import AtsMatchError, Conflict
from ats_match.net.fetcher import Fetcher, FetchError
from ats_match.net.http import AddressPolicy, _GuardedTransport, build_ssl_context
from ats_match.settings import get_settings

MAX_RETRY_AFTER_SECONDS = 60.0
"""A vendor asking for a longer pause is retried by the task queue instead of blocking a worker."""
MAX_ANSWER_BYTES = 20 * 1024 * 1024
_RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class VendorUnavailable(ConnectionError):
    """The vendor API or file host could not answer now (down, rate-limited past our patience).

    A ``ConnectionError`` so the worker's Celery tasks retry it with backoff."""


class VendorApiError(AtsMatchError):
    """The vendor refused the call for good (4xx other than 429): retrying will not help. A
    domain error (502) so the inbox stores it as the delivery's reason."""

    status_code = 502
    code = "vendor_refused"

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"vendor answered HTTP {status}: {detail}")
        self.status = status


class IntegrationNotReady(Conflict):
    """The integration lacks what its vendor needs (an API key for an ids-only vendor): an
    admin must fix it; retrying will not help. Stored with the delivery as its reason."""

    code = "integration_not_ready"


class AttachmentRefused(Exception):
    """An attachment URL on a host the integration does not allow, or one the fetcher blocked."""


@dataclass(frozen=True)
class VendorConfig:
    """How to reach one integration's vendor API (built from the integration's settings)."""

    base_url: str
    auth: httpx.Auth | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    file_hosts: tuple[str, ...] = ()
    """Host patterns attachments may be downloaded from (the API host is always allowed)."""
    attempts: int = 4
    backoff_seconds: float = 0.5


class _Retryable(Exception):
    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; ``None`` if absent/garbled."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class VendorClient:
    """A :class:`connectors.base.VendorApi` over HTTP for one integration."""

    def __init__(
        self,
        config: VendorConfig,
        fetcher: Fetcher,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        settings = get_settings()
        self.config = config
        self.fetcher = fetcher
        self.sleep = sleep
        self.waits: list[float] = []
        """Every pause taken before a retry (tests assert ``Retry-After`` was honoured)."""
        policy = AddressPolicy(settings.fetch_allow_hosts)
        self._client = httpx.Client(
            base_url=config.base_url.rstrip("/") + "/",
            transport=transport
            or _GuardedTransport(_ssl_context(settings.fetch_ca_bundle), policy),
            auth=config.auth,
            headers={"accept": "application/json", **dict(config.headers)},
            timeout=httpx.Timeout(float(settings.fetch_timeout_seconds)),
            follow_redirects=False,
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> VendorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- VendorApi -----------------------------------------------------------------------------
    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return _json(self._call("GET", path, params=params))

    def send_json(self, method: str, path: str, body: Any = None) -> Any:
        return _json(self._call(method, path, json=body))

    def download(self, url: str, *, authenticated: bool = False) -> bytes:
        """The file at ``url``. On the API host it is fetched with the API credentials (Lever's
        ``/download`` endpoints); a redirect from there, or any other host, goes through the safe
        fetcher, without credentials, and only to an allowed file host. ``authenticated``: the
        caller expects the API host (credentials are never sent anywhere else). A relative
        ``url`` is a path on the API host."""
        if not urlsplit(url).scheme:
            url = urljoin(str(self._client.base_url), url)
        if self._on_api_host(url):
            response = self._call("GET", url, accept="*/*")
            location = response.headers.get("location")
            if response.is_redirect and location:
                return self._fetch_file(urljoin(url, location))
            return response.content
        return self._fetch_file(url)

    def _fetch_file(self, url: str) -> bytes:
        host = (urlsplit(url).hostname or "").lower()
        if not host_allowed(host, self.config.file_hosts):
            raise AttachmentRefused(f"attachment host {host!r} is not allowed for this integration")
        try:
            return self.fetcher.get(url, accept="*/*", max_bytes=MAX_ANSWER_BYTES).content
        except FetchError as exc:
            if exc.is_transient:
                raise VendorUnavailable(str(exc)) from exc
            raise AttachmentRefused(str(exc)) from exc

    # -- internals -------------------------------------------------------------------------------
    def _on_api_host(self, url: str) -> bool:
        target, api = urlsplit(url), urlsplit(self.config.base_url)
        return bool(target.scheme) and (target.scheme, target.netloc) == (api.scheme, api.netloc)

    def _call(
        self, method: str, path: str, *, accept: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        url = path if urlsplit(path).scheme else urljoin(str(self._client.base_url), path)
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.config.attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(_Retryable),
            sleep=self._pause,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response: httpx.Response = self._once(method, url, accept, kwargs)
                    return response
        except _Retryable as exc:
            raise VendorUnavailable(f"{method} {url}: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(
        self, method: str, url: str, accept: str | None, kwargs: Mapping[str, Any]
    ) -> httpx.Response:
        headers = {"accept": accept} if accept else None
        try:
            response = self._client.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise _Retryable(str(exc) or type(exc).__name__) from exc
        if response.status_code in _RETRIED_STATUSES:
            raise _Retryable(
                f"HTTP {response.status_code}",
                retry_after_seconds(response.headers.get("retry-after")),
            )
        if response.status_code >= 400:
            raise VendorApiError(response.status_code, response.text[:500])
        if len(response.content) > MAX_ANSWER_BYTES:
            raise VendorApiError(response.status_code, "answer larger than the byte cap")
        return response

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = error.retry_after if isinstance(error, _Retryable) else None
        if asked is not None:
            if asked > MAX_RETRY_AFTER_SECONDS:
                raise VendorUnavailable(f"vendor asked to wait {asked:.0f} s") from error
            return asked
        return float(self.config.backoff_seconds * 2 ** (state.attempt_number - 1))

    def _pause(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.sleep(seconds)


@functools.lru_cache(maxsize=4)
def _ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Loading the CA roots costs ~20 ms: one context per bundle, shared by every client."""
    return build_ssl_context(ca_bundle)


def host_allowed(host: str, patterns: Iterable[str]) -> bool:
    """True when ``host`` matches one of the allow-listed host patterns (case-insensitive)."""
    host = host.lower().rstrip(".")
    return any(fnmatch.fnmatchcase(host, p.lower().strip()) for p in patterns if p.strip())


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise VendorApiError(response.status_code, "answer is not JSON") from exc
