"""Readers for what a credential platform answers: its JSON record, or its HTML page.

Pure functions over bytes (no network): :func:`read_record` turns a platform's public JSON for
one credential into :class:`RecordFacts` (title, holder name, dates, revoked), and
:func:`read_page` takes the title and, where the platform's page shape shows it, the holder's
name from an HTML page, parsed with lxml's HTML parser (no network, no entities, comments
dropped). Personal data a record carries beyond the holder's name (Microsoft Learn's
``contactEmail``, ``mcid``) is never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html

MAX_TEXT = 300
# Credly's badge page title, as seen in public code that reads it (not a documented format):
# "<badge> was issued by <issuer> to <holder>."
_CREDLY_TITLE = re.compile(r"^(?P<badge>.+?) was issued by (?P<issuer>.+?) to (?P<holder>.+?)\.?$")


@dataclass
class RecordFacts:
    title: str | None = None
    holder_name: str | None = None
    issuer_name: str | None = None
    issued_on: str | None = None
    expires_on: str | None = None
    revoked: bool = False
    titles: list[str] = field(default_factory=list)
    """Every credential a record lists (Microsoft Learn transcripts list several)."""


class NotARecord(ValueError):
    """The JSON is not the record this platform serves for a credential."""


def read_record(platform: str, record_url: str, data: Any) -> RecordFacts:
    """The facts of a platform record (``NotARecord`` when the shape does not fit)."""
    if not isinstance(data, dict):
        raise NotARecord("the record is not a JSON object")
    reader = _READERS.get(platform)
    if reader is None:
        raise NotARecord(f"no record reader for {platform}")
    return reader(record_url, data)


def _ob2_assertion(record_url: str, data: dict[str, Any]) -> RecordFacts:
    """An Open Badges 2.0 hosted assertion (Credly's ``/v1/obi/v2/badge_assertions/<id>``)."""
    kinds = data.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "Assertion" not in kinds or "recipient" not in data or "badge" not in data:
        raise NotARecord("not an Open Badges 2.0 assertion")
    if isinstance(data.get("id"), str) and data["id"].rstrip("/") != record_url.rstrip("/"):
        raise NotARecord("the assertion's id is not the address it was fetched from")
    badge = data["badge"] if isinstance(data.get("badge"), dict) else {}
    return RecordFacts(
        title=_text(badge.get("name")),
        issued_on=_text(data.get("issuedOn")),
        expires_on=_text(data.get("expires")),
        revoked=data.get("revoked") is True,
    )


def _accredible(record_url: str, data: dict[str, Any]) -> RecordFacts:
    """Accredible's public credential-net JSON (unofficial; ``{"data": {...}}`` as observed)."""
    del record_url
    body = data.get("data") if isinstance(data.get("data"), dict) else data
    if not isinstance(body, dict) or not _text(body.get("name")):
        raise NotARecord("not an Accredible credential record")
    if body.get("private") is True:
        raise NotARecord("the credential is private")
    recipient = _object(body.get("recipient"))
    issuer = _object(body.get("issuer"))
    return RecordFacts(
        title=_text(body.get("name")),
        holder_name=_text(recipient.get("name")),
        issuer_name=_text(issuer.get("name")),
        issued_on=_text(body.get("issued_on")),
        expires_on=_text(body.get("expired_on")),
        revoked=body.get("revoked") is True,
    )


def _microsoft_transcript(record_url: str, data: dict[str, Any]) -> RecordFacts:
    """Microsoft Learn's shared transcript JSON: certifications and the legal name only."""
    del record_url
    certs = data.get("certificationData")
    if not isinstance(certs, dict):
        raise NotARecord("not a Microsoft Learn transcript")
    active = certs.get("activeCertifications")
    titles = [
        name
        for item in (active if isinstance(active, list) else [])
        if isinstance(item, dict) and (name := _text(item.get("name")))
    ]
    return RecordFacts(
        title=titles[0] if titles else None,
        titles=titles,
        holder_name=_text(certs.get("legalName")),
    )


_READERS = {
    "Credly": _ob2_assertion,
    "Accredible": _accredible,
    "Microsoft Learn": _microsoft_transcript,
}


def read_page(platform: str, body: bytes) -> RecordFacts:
    """Title (``og:title``, else ``<title>``) and, for Credly's title shape, the holder."""
    try:
        parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, huge_tree=False)
        root = lxml.html.document_fromstring(body, parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return RecordFacts()
    og = root.xpath("//meta[@property='og:title']/@content")
    title = _text(og[0]) if og else None
    if title is None:
        titles = root.xpath("//title")
        title = _text(titles[0].text_content()) if titles else None
    facts = RecordFacts(title=title)
    if platform == "Credly" and title and (match := _CREDLY_TITLE.match(title)):
        facts.title = match.group("badge")
        facts.issuer_name = match.group("issuer")
        facts.holder_name = match.group("holder")
    return facts


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text[:MAX_TEXT] or None
