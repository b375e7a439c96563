"""The domain model. Importing this package registers every table on ``SQLModel.metadata``."""

from ats_match.models.credentials import (
    AuditLog,
    CandidateSkill,
    Credential,
    MappingOverride,
    Score,
    Skill,
    Taxonomy,
    VerificationResult,
    VerificationStatus,
)
from ats_match.models.hiring import (
    Application,
    ApplicationStatus,
    Candidate,
    Job,
    RequirementSet,
)
from ats_match.models.integrations import (
    DeliveryStatus,
    Integration,
    OutboundEvent,
    OutboundStatus,
    TaskOutbox,
    Vendor,
    WebhookDelivery,
)
from ats_match.models.tenancy import Organization, Role, User
from ats_match.models.trust import IssuerRegistry, RegistryKind

__all__ = [
    "Application",
    "ApplicationStatus",
    "AuditLog",
    "Candidate",
    "CandidateSkill",
    "Credential",
    "DeliveryStatus",
    "Integration",
    "IssuerRegistry",
    "Job",
    "MappingOverride",
    "Organization",
    "OutboundEvent",
    "OutboundStatus",
    "RegistryKind",
    "RequirementSet",
    "Role",
    "Score",
    "Skill",
    "TaskOutbox",
    "Taxonomy",
    "User",
    "Vendor",
    "VerificationResult",
    "VerificationStatus",
    "WebhookDelivery",
]
