"""SSRF forms, sent the way a recruiter would (links of ``POST /api/v1/applications``) and the
way an ATS would (attachment URLs of a signed webhook delivery), then resolved by the worker's
own ``process_credential`` task with its shared fetcher.

The allow-list is ``127.0.0.2`` only (the redirector); the recorder listening on 127.0.0.1 and
::1 must see no connection at all, and the link must end refused (or the upload a 422)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import col

from ats_match.models import Credential
from ats_match.models.credentials import LINK_FORMAT
from ats_match.settings import get_settings
from tests.attacks.recorder import ConnectionRecorder, Redirector
from tests.attacks.webhook import Send, application_event
from tests.intake.conftest import Recruiter
from worker import pipeline, tasks

pytestmark = pytest.mark.attack("ssrf")

Url = Callable[[int, int], str]
"""An attack URL from (recorder port, redirector port)."""

FETCHED: dict[str, Url] = {
    "loopback-ipv4": lambda p, r: f"http://127.0.0.1:{p}/badge.json",
    "loopback-other-127": lambda p, r: f"http://127.1.2.3:{p}/badge.json",
    "private-10": lambda p, r: f"http://10.0.0.1:{p}/badge.json",
    "private-192-168": lambda p, r: f"https://192.168.1.1:{p}/badge.json",
    "link-local-metadata": lambda p, r: "http://169.254.169.254/latest/meta-data/",
    "ipv6-loopback": lambda p, r: f"http://[::1]:{p}/badge.json",
    "ipv4-mapped-ipv6": lambda p, r: f"http://[::ffff:127.0.0.1]:{p}/badge.json",
    "ipv6-unique-local": lambda p, r: f"http://[fd00::1]:{p}/badge.json",
    "decimal-ip-literal": lambda p, r: f"http://2130706433:{p}/badge.json",
    "octal-ip-literal": lambda p, r: f"http://0177.0.0.1:{p}/badge.json",
    "hex-ip-literal": lambda p, r: f"http://0x7f000001:{p}/badge.json",
    "unspecified-0": lambda p, r: f"http://0.0.0.0:{p}/badge.json",
    "dns-name-to-loopback": lambda p, r: f"http://localhost:{p}/badge.json",
    "redirect-to-loopback": lambda p, r: f"http://127.0.0.2:{r}/go",
    "userinfo-allowed-host": lambda p, r: f"http://issuer:secret@127.0.0.2:{r}/badge.json",
    "userinfo-host-confusion": lambda p, r: f"http://127.0.0.2:{r}@127.0.0.1:{p}/badge.json",
}
REFUSED_AT_UPLOAD: dict[str, Url] = {
    "scheme-file": lambda p, r: "file:///etc/passwd",
    "scheme-gopher": lambda p, r: f"gopher://127.0.0.1:{p}/_GET",
    "scheme-ftp": lambda p, r: f"ftp://127.0.0.1:{p}/badge.json",
    "scheme-dict": lambda p, r: f"dict://127.0.0.1:{p}/info",
}
THROUGH_WEBHOOK: dict[str, Url] = {
    "webhook-attachment-loopback": FETCHED["loopback-ipv4"],
    "webhook-attachment-metadata": FETCHED["link-local-metadata"],
    "webhook-attachment-redirect-to-loopback": FETCHED["redirect-to-loopback"],
}
"""The same links sent by the ATS as a signed delivery's attachment URLs (generic vendor)."""
CASES = {**FETCHED, **REFUSED_AT_UPLOAD, **THROUGH_WEBHOOK}


@pytest.fixture
def witness() -> Iterator[tuple[ConnectionRecorder, Redirector]]:
    """The recorder, the redirector to it, and a worker fetcher allow-listing only 127.0.0.2."""
    with ConnectionRecorder() as recorder, pytest.MonkeyPatch.context() as env:
        redirector = Redirector(f"http://127.0.0.1:{recorder.port}/latest/meta-data/")
        env.setenv("ATS_MATCH_FETCH_ALLOW_HOSTS", Redirector.HOST)
        get_settings.cache_clear()
        pipeline.shared_fetcher.cache_clear()
        try:
            yield recorder, redirector
        finally:
            redirector.close()
            pipeline.shared_fetcher.cache_clear()
    get_settings.cache_clear()


@pytest.mark.parametrize("case", sorted(CASES))
def test_ssrf_link_makes_no_connection(
    case: str,
    recruiter: Recruiter,
    webhook: Send,
    witness: tuple[ConnectionRecorder, Redirector],
) -> None:
    recorder, redirector = witness
    url = CASES[case](recorder.port, redirector.port)
    if case in THROUGH_WEBHOOK:
        response = webhook(application_event(attachment={"url": url}))
    else:
        response = recruiter.upload(links=[url])
    if case in REFUSED_AT_UPLOAD:
        assert response.status_code == 422, response.text
        assert "http(s) link" in response.text
    else:
        assert response.status_code == 202, response.text
        for link in _run_links(recruiter):
            assert link.error_code == "fetch_failed", (link.error_code, link.error_detail)
            assert re.search(": (blocked|invalid): ", link.error_detail or ""), link.error_detail
    assert recorder.hits == 0, f"{case}: {url} reached the loopback listener"
    if case.startswith("userinfo"):
        assert redirector.hits == 0  # refused before any request
    if "redirect" in case:
        assert redirector.hits >= 1  # the allowed hop was asked; its redirect was refused


def _run_links(recruiter: Recruiter) -> list[Credential]:
    """The worker's jobs: the delivery, then each link's own ``process_credential`` task."""
    recruiter.run_worker()
    links = recruiter.rows(Credential, col(Credential.format) == LINK_FORMAT)
    assert links, "the upload stored no link"
    for link in links:
        tasks.process_credential.apply(args=[str(recruiter.organization_id), str(link.id)]).get()
    return recruiter.rows(Credential, col(Credential.id).in_([link.id for link in links]))
