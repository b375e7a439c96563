"""API keys and roles."""

from __future__ import annotations

import hashlib
import secrets

from ats_match.errors import Forbidden
from ats_match.models.tenancy import Role

API_KEY_PREFIX = "atsm_"

# What each role may do, cumulative from the bottom.
_RANK = {Role.VIEWER: 0, Role.HIRING_MANAGER: 1, Role.RECRUITER: 2, Role.ADMIN: 3}


def new_api_key() -> tuple[str, str]:
    """A fresh API key and the hash that is stored in its place."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, hash_api_key(key)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def require_role(actual: Role | str, needed: Role) -> None:
    """Raise :class:`Forbidden` unless ``actual`` is at least as privileged as ``needed``.

    Hiring managers edit requirement sets; recruiters also manage candidates and mappings;
    admins also manage integrations and users; viewers read.
    """
    role = Role(actual)
    if _RANK[role] < _RANK[needed]:
        raise Forbidden(f"this needs the {needed.value} role; you are {role.value}")
