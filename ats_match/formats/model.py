"""The internal form every attached credential is turned into, whatever its format.

Parsing (``ats_match.formats``) produces these; verification, skill normalisation and the rules
engine consume them. They are plain pydantic models: no database, no network.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Spec(StrEnum):
    """Which standard the credential follows."""

    OB1 = "ob1"
    OB2 = "ob2"
    OB3 = "ob3"
    CLR2 = "clr2"
    BLOCKCERTS2 = "blockcerts2"  # Blockcerts v2: an OB 2.0 assertion with a MerkleProof2017
    BLOCKCERTS3 = "blockcerts3"  # Blockcerts v3: a VC with a MerkleProof2019 proof
    EDC = "edc"  # European Digital Credential (European Learning Model 3, JSON-LD)


class Envelope(StrEnum):
    """How the credential was packaged when we received it."""

    JSON = "json"  # a JSON(-LD) document (OB2 assertion, OB3/CLR VC with embedded proof)
    HOSTED = "hosted"  # fetched from its hosted URL
    JWS = "jws"  # OB2 signed assertion (compact JWS)
    JWT = "jwt"  # VC-JWT (VCDM 1.1 `vc` claim or VCDM 2.0 JOSE)
    PNG = "png"  # baked into a PNG iTXt chunk
    SVG = "svg"  # baked into an SVG
    JADES = "jades"  # sealed with a JAdES signature (JWS JSON or compact serialisation)


class ExtractionErrorCode(StrEnum):
    """Typed reasons why an attachment did not yield a credential; shown to users."""

    NOT_A_BADGE = "not_a_badge"
    MALFORMED_JSON = "malformed_json"
    UNKNOWN_FORMAT = "unknown_format"
    TOO_LARGE = "too_large"
    TRUNCATED_IMAGE = "truncated_image"
    MALFORMED_IMAGE = "malformed_image"
    UNSAFE_DOCUMENT = "unsafe_document"  # XXE, entity expansion, excessive nesting
    FETCH_FAILED = "fetch_failed"
    UNSUPPORTED = "unsupported"
    NOT_FETCHED = "not_fetched"  # only credential links were found and no fetcher was given


class IssuerInfo(BaseModel):
    id: str | None = None
    name: str | None = None
    url: str | None = None
    type: str | None = None
    email: str | None = None


class Alignment(BaseModel):
    target_name: str | None = None
    target_url: str | None = None
    target_framework: str | None = None
    target_code: str | None = None
    target_description: str | None = None
    target_type: str | None = None


class AchievementResult(BaseModel):
    """A result the credential states (OB3 ``result``), e.g. a grade or an achieved level."""

    value: str | None = None
    achieved_level: str | None = None
    status: str | None = None
    result_description: str | None = None


class AchievementInfo(BaseModel):
    id: str | None = None
    name: str | None = None
    description: str | None = None
    criteria_narrative: str | None = None
    criteria_url: str | None = None
    tags: list[str] = Field(default_factory=list)
    alignments: list[Alignment] = Field(default_factory=list)
    achievement_type: str | None = None
    level: str | None = None
    results: list[AchievementResult] = Field(default_factory=list)


class RecipientIdentity(BaseModel):
    """Who the credential was issued to: ``type`` is email / url / telephone / did / id."""

    type: str = "email"
    hashed: bool = False
    salt: str | None = None
    identity: str


class Evidence(BaseModel):
    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None


class CredentialForm(BaseModel):
    """One credential in the product's internal form."""

    spec: Spec
    envelope: Envelope
    id: str | None = None
    issuer: IssuerInfo = Field(default_factory=IssuerInfo)
    achievement: AchievementInfo = Field(default_factory=AchievementInfo)
    recipients: list[RecipientIdentity] = Field(default_factory=list)
    issued_at: datetime | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    document: dict[str, Any] = Field(default_factory=dict)
    """The decoded JSON the credential consists of (for a JWT: the VC inside it)."""
    compact: str | None = None
    """The compact JWS / JWT the credential arrived as, if any: verification needs it (for an
    EDC: the JAdES JWS, compact or JSON-serialised)."""
    raw: bytes = b""
    """The original bytes as received (image, JSON text, token)."""
    source: str | None = None
    """Where it came from: a file name, an URL, an ATS field."""
    bundle_digest: str | None = None
    """For a credential nested in a CLR bundle: the digest of the bundle."""

    @property
    def format(self) -> str:
        """The stored format label, e.g. ``ob3-jwt`` or ``ob2-png``."""
        return f"{self.spec.value}-{self.envelope.value}"

    @property
    def digest(self) -> str:
        """sha256 of the raw bytes; identical attachments share it."""
        return hashlib.sha256(self.raw).hexdigest()


class ExtractionError(BaseModel):
    code: ExtractionErrorCode
    detail: str
    source: str | None = None
    transient: bool = Field(default=False, exclude=True)
    """A fetch that may succeed later (timeout, unreachable, 5xx); a refused address is not.
    Only the worker reads it, to retry; it is not part of the stored or shown error."""


class ExtractionResult(BaseModel):
    credentials: list[CredentialForm] = Field(default_factory=list)
    errors: list[ExtractionError] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    """Credential links found (in a document, or baked as a hosted reference); followed only
    when the extraction was given a fetcher."""
