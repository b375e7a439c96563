"""Runtime settings, read from the environment (prefix ``ATS_MATCH_``) and an optional ``.env``.

Defaults are the embedded profile: a SQLite file and a SQLAlchemy-backed Celery transport in the
data directory, so ``make run`` needs neither PostgreSQL nor Redis.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ats_match.crypto import derived_key, valid_fernet_key

PLACEHOLDER_SECRETS = frozenset({"", "changethis", "change-me", "dev-insecure-secret", "secret"})
DEV_SECRET = "dev-insecure-secret"  # noqa: S105 - the development placeholder, refused elsewhere


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TESTING = "testing"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every knob of the product. Names map to ``ATS_MATCH_<NAME>`` environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="ATS_MATCH_", env_file=".env", extra="ignore", env_file_encoding="utf-8"
    )

    environment: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("data")
    database_url: str = ""
    broker_url: str = ""
    result_backend: str = ""
    broker_visibility_timeout: int = 3600
    """Seconds before Redis hands an unacknowledged job (its worker died) to another worker."""
    secret_key: str = DEV_SECRET
    encryption_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Fernet keys for secrets at rest (comma-separated; the first encrypts, all decrypt, so a
    key is rotated by putting the new one first). Empty: derived from ``secret_key``."""
    base_url: str = "http://127.0.0.1:8000"
    serve_demo_issuer: bool = False
    """Serve the demo's issuer documents under ``/demo-issuer/`` (``ats-match run`` turns it on)."""

    # Network discipline: hosts (or CIDRs) that may be fetched even though they are private or
    # loopback. Empty in production; the test suite allow-lists 127.0.0.1.
    fetch_allow_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    fetch_timeout_seconds: float = 10.0
    """Total time of one fetch: connect, TLS, headers and body, redirects included."""
    verify_timeout_seconds: float = 30.0
    """Total time of the network work of one verification (every fetch it makes)."""
    fetch_max_redirects: int = 5
    fetch_cache_ttl_seconds: int = 3600
    fetch_ca_bundle: str | None = None
    """An extra CA file (PEM) to trust besides the public roots, e.g. a corporate CA."""
    blockcerts_chain_services: dict[str, str] = Field(default_factory=dict)
    """Blockcerts anchors: chain (``btc:mainnet``, ``btc:testnet``, ``eth:mainnet``...) -> base
    URL of an Esplora-style service answering ``GET {base}/tx/{txid}`` (JSON). A chain with no
    service leaves a Blockcerts credential's authenticity ``unknown``."""
    edc_trust_anchors: str | None = None
    """PEM file of the CA certificates a European Digital Credential's seal may chain to."""
    edc_qualified_anchors: str | None = None
    """PEM file of the qualified-seal CA certificates taken from the EU trusted lists (LOTL);
    unset: whether a seal is *qualified* is reported as not configured."""
    edc_trusted_list: str | None = None
    """An EU trusted list (ETSI TS 119 612 XML): a national list, or the LOTL with the national
    lists it names kept as files beside it. Its signature is verified; its granted qualified CAs
    for e-seals then say whether a seal is *qualified* (instead of edc_qualified_anchors)."""
    edc_trusted_list_signer: str | None = None
    """PEM file of the certificate(s) that may sign edc_trusted_list (for the LOTL: the
    European Commission's signing certificates as published in the Official Journal)."""
    edc_tsa_anchors: str | None = None
    """PEM file of the CA certificates of the time-stamping authorities whose RFC 3161 tokens
    (a JAdES seal's ``sigTst``) prove the signing time; unset: timestamps are ignored."""

    # Size limits (bytes unless said otherwise).
    max_webhook_body_bytes: int = 5 * 1024 * 1024
    max_document_bytes: int = 2 * 1024 * 1024
    max_image_bytes: int = 10 * 1024 * 1024
    max_attachment_bytes: int = 20 * 1024 * 1024
    max_json_depth: int = 64
    max_upload_file_bytes: int = 10 * 1024 * 1024
    """One file of a manual upload (``POST /api/v1/applications``, ``ats-match import``)."""
    max_upload_total_bytes: int = 25 * 1024 * 1024
    """All files of one manual upload together."""
    max_upload_files: int = 20
    max_upload_links: int = 50

    @model_validator(mode="before")
    @classmethod
    def _split_lists(cls, data: object) -> object:
        if isinstance(data, dict):
            for name in ("fetch_allow_hosts", "encryption_keys"):
                value = data.get(name)
                if isinstance(value, str):
                    data[name] = [h.strip() for h in value.split(",") if h.strip()]
        return data

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Self:
        if self.environment == Environment.PRODUCTION and self.secret_key in PLACEHOLDER_SECRETS:
            raise ValueError(
                "ATS_MATCH_SECRET_KEY is a placeholder; set a long random value in production"
            )
        for key in self.encryption_keys:
            if self.environment == Environment.PRODUCTION and key in PLACEHOLDER_SECRETS:
                raise ValueError("ATS_MATCH_ENCRYPTION_KEYS holds a placeholder key")
            if not valid_fernet_key(key):
                raise ValueError(
                    "each ATS_MATCH_ENCRYPTION_KEYS entry must be a Fernet key "
                    "(32 url-safe base64-encoded bytes: Fernet.generate_key())"
                )
        return self

    @property
    def resolved_encryption_keys(self) -> list[str]:
        """The keys that encrypt (first) and decrypt secrets at rest."""
        return self.encryption_keys or [derived_key(self.secret_key)]

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'ats-match.db').resolve()}"

    @property
    def resolved_broker_url(self) -> str:
        if self.broker_url:
            return self.broker_url
        return f"sqla+sqlite:///{(self.data_dir / 'broker.db').resolve()}"

    @property
    def resolved_result_backend(self) -> str:
        if self.result_backend:
            return self.result_backend
        return f"db+sqlite:///{(self.data_dir / 'results.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
