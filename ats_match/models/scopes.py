"""The scopes routes declare and keys hold: one resource and one action each.

Every route of ``/api/v1`` names exactly one (``web.deps.requires``); the OpenAPI document
lists it on the operation's security requirement. A user's key of a tier (read / write /
admin) holds that tier's scopes, or fewer when issued with an explicit ``scopes`` list; an
integration's key holds a subset of :data:`INTEGRATION_SCOPES`."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    JOBS_READ = "jobs:read"
    """Jobs and their requirement-set versions."""
    JOBS_WRITE = "jobs:write"
    """Create jobs, save requirement sets, what-if previews, the candidate notice."""
    RESULTS_READ = "results:read"
    """Rankings, an application's credentials, checks and score, its activity, upload status,
    the adverse-impact report."""
    APPLICATIONS_WRITE = "applications:write"
    """Upload applications, a candidate's self-identification, re-verify a credential, ask a
    candidate's wallet for a presentation."""
    DECISIONS_WRITE = "decisions:write"
    """Shortlist / advance / reject, notes and tags."""
    SKILLS_READ = "skills:read"
    """Skill choices, occupations, normalising text, the organisation's skill files."""
    SKILLS_WRITE = "skills:write"
    """Skill files and mapping overrides."""
    TRUST_READ = "trust:read"
    """Issuer registries (listed, read, checked)."""
    TRUST_ADMIN = "trust:admin"
    """Issuer registries and the allow / deny lists changed."""
    CANDIDATES_ADMIN = "candidates:admin"
    """Candidate data export, erasure, the retention period."""
    INTEGRATIONS_ADMIN = "integrations:admin"
    """ATS integrations, their deliveries, events and keys."""
    USERS_ADMIN = "users:admin"
    """Users, their roles and keys, single sign-on."""
    ACCOUNT_READ = "account:read"
    """Who the caller is, and the caller's keys."""
    KEYS_WRITE = "keys:write"
    """Issue and revoke the caller's own keys."""


READ_SCOPES = frozenset(
    {Scope.JOBS_READ, Scope.RESULTS_READ, Scope.SKILLS_READ, Scope.TRUST_READ, Scope.ACCOUNT_READ}
)
"""What a ``read`` key holds."""
WRITE_SCOPES = READ_SCOPES | {
    Scope.JOBS_WRITE,
    Scope.APPLICATIONS_WRITE,
    Scope.DECISIONS_WRITE,
    Scope.SKILLS_WRITE,
    Scope.KEYS_WRITE,
}
"""What a ``write`` key holds: a recruiter's work, never administration."""
ALL_SCOPES = frozenset(Scope)
"""What an ``admin`` key, a user's own key and a signed-in session hold (the role still caps)."""
INTEGRATION_SCOPES = frozenset({Scope.RESULTS_READ, Scope.APPLICATIONS_WRITE})
"""What an integration's key may hold: its own jobs' applications posted and their results."""
