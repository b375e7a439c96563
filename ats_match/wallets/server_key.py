"""The server's own signing key for OpenID4VP request objects.

Kept as a PEM file in the data directory (created on first use, mode 0600), so every process of
one deployment signs with the same key and a restart does not change the server's DID document.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from joserfc.jwk import OKPKey

FILE_NAME = "wallet-verifier-key.pem"


@dataclass(frozen=True)
class VerifierKey:
    private: ed25519.Ed25519PrivateKey
    fragment: str = "request-signing"

    def jose_key(self) -> OKPKey:
        return OKPKey.import_key(self.private)

    def public_jwk(self) -> dict[str, Any]:
        public = OKPKey.import_key(self.private.public_key()).as_dict(private=False)
        return {k: v for k, v in public.items() if k != "kid"}


@functools.lru_cache(maxsize=4)
def verifier_key(data_dir: Path) -> VerifierKey:
    """The key in ``data_dir``, generated there the first time."""
    path = data_dir / FILE_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race: use its key
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, ed25519.Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return VerifierKey(private)
