"""The scopes routes declare and keys hold: one resource and one action each.

Every route of ``/api/v1`` names exactly one (``web.deps.requires``); the OpenAPI document
lists it on the operation's security requirement. A user's key of a tier (read / write /
admin) holds that tier's scopes, or fewer when issued with an explicit ``scopes`` list; an
integration's key holds a subset of :data:`INTEGRATION_SCOPES`."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    JOBS_READ = "jobs:read"
    JOBS_WRITE = "jobs:write"
    RESULTS_READ = "results:read"
    APPLICATIONS_WRITE = "applications:write"
    DECISIONS_WRITE = "decisions:write"
    SKILLS_READ = "skills:read"
    SKILLS_WRITE = "skills:write"
    TRUST_READ = "trust:read"
    TRUST_ADMIN = "trust:admin"
    CANDIDATES_ADMIN = "candidates:admin"
    FAIRNESS_READ = "fairness:read"
    INTEGRATIONS_ADMIN = "integrations:admin"
    USERS_ADMIN = "users:admin"
    ACCOUNT_READ = "account:read"
    KEYS_WRITE = "keys:write"


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


def describe(scope: Scope) -> str:
    """What the scope lets a key do (the OpenAPI document and docs/security.md list these)."""
    return _DESCRIPTIONS[scope]


_DESCRIPTIONS = {
    Scope.JOBS_READ: "jobs and their requirement-set versions",
    Scope.JOBS_WRITE: "create jobs, save requirement sets, what-if previews",
    Scope.RESULTS_READ: "rankings, applications with credentials, checks and score, activity, "
    "upload status",
    Scope.APPLICATIONS_WRITE: "upload applications, self-identification, re-verify a "
    "credential, wallet presentation requests",
    Scope.DECISIONS_WRITE: "shortlist / advance / reject, notes and tags",
    Scope.SKILLS_READ: "skill choices, occupations, normalising, the skill files",
    Scope.SKILLS_WRITE: "skill files and mapping overrides",
    Scope.TRUST_READ: "issuer registries listed, read and checked",
    Scope.TRUST_ADMIN: "issuer registries and the allow / deny lists changed",
    Scope.CANDIDATES_ADMIN: "the candidate notice, data export, erasure, retention",
    Scope.FAIRNESS_READ: "the adverse-impact report (page data and CSV)",
    Scope.INTEGRATIONS_ADMIN: "ATS integrations, deliveries, events and their keys",
    Scope.USERS_ADMIN: "users, roles and their keys, single sign-on",
    Scope.ACCOUNT_READ: "who the caller is, and the caller's keys",
    Scope.KEYS_WRITE: "issue and revoke the caller's own keys",
}
