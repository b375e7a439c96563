"""Keys and signed documents shared by the format tests (signatures only need to be well-formed)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from ats_match.formats import Limits
from tests.support.ob2 import rsa_key
from tests.support.signing import TestKey, ob3_credential, sign_data_integrity, sign_vc_jwt


@pytest.fixture(scope="session")
def ob2_key() -> rsa.RSAPrivateKey:
    return rsa_key()


@pytest.fixture(scope="session")
def ed_key() -> TestKey:
    return TestKey.generate("Ed25519")


@pytest.fixture(scope="session")
def ob3_doc(ed_key: TestKey) -> dict[str, Any]:
    """An OpenBadgeCredential with an embedded eddsa-rdfc-2022 proof, e-mail identifier."""
    doc = ob3_credential(ed_key.did_key(), email="ada@example.org")
    return sign_data_integrity(doc, ed_key, ed_key.did_key_vm())


@pytest.fixture(scope="session")
def ob3_jwt(ed_key: TestKey) -> str:
    return sign_vc_jwt(ob3_credential(ed_key.did_key()), ed_key, kid=ed_key.did_key_vm())


@pytest.fixture
def limits() -> Limits:
    return Limits()
