"""Secrets at rest: integration webhook secrets and vendor API keys are stored Fernet-encrypted.

The keys come from settings (``ATS_MATCH_ENCRYPTION_KEYS``, comma-separated Fernet keys, the
first one encrypts, every one decrypts: :class:`~cryptography.fernet.MultiFernet`, so a key is
rotated by putting the new one first and re-saving). Without it the key is derived from
``secret_key``. Columns typed :class:`EncryptedString` encrypt on write and decrypt on read, so
the rest of the code only ever sees plaintext and the database only ciphertext.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

MARKER = "enc:v1:"
"""Prefix of a stored ciphertext; values without it are legacy plaintext (read as they are)."""


def derived_key(secret_key: str) -> str:
    """A Fernet key derived from the application secret (when no encryption key is set)."""
    digest = hashlib.sha256(b"ats-match/secrets-at-rest/" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def valid_fernet_key(key: str) -> bool:
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return False
    return True


@functools.lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    from ats_match.settings import get_settings

    return _cipher(tuple(get_settings().resolved_encryption_keys))


def encrypt(plaintext: str) -> str:
    return MARKER + cipher().encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(MARKER):
        return stored
    try:
        return cipher().decrypt(stored.removeprefix(MARKER).encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "a stored secret cannot be decrypted with the configured encryption keys"
        ) from exc


class EncryptedString(sa.types.TypeDecorator[str]):
    """A string column stored encrypted (see the module docstring)."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        text = str(value)
        return text if text.startswith(MARKER) else encrypt(text)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else decrypt(str(value))
