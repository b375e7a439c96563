"""The domain model. Importing this package registers every table on ``SQLModel.metadata``."""

from ats_match.models.api_keys import ApiKey, ApiKeyScope
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
from ats_match.models.integration_keys import IntegrationKey
from ats_match.models.integrations import (
    DeliveryStatus,
    Integration,
    OutboundEvent,
    OutboundStatus,
    TaskOutbox,
    Vendor,
    WebhookDelivery,
)
from ats_match.models.pathways import Pathway
from ats_match.models.privacy import ErasedApplication
from ats_match.models.scopes import Scope
from ats_match.models.skills import SkillFile, SkillFileKind
from ats_match.models.sso import SsoConnection
from ats_match.models.tenancy import Organization, Role, User
from ats_match.models.trust import IssuerRegistry, RegistryKind
from ats_match.models.wallets import PresentationProtocol, PresentationRequest, ProvenDid
from ats_match.models.workspace import (
    ApplicationDecision,
    ApplicationNote,
    ApplicationTag,
    DecisionAction,
    SavedView,
    WebSession,
    WriteBackStatus,
)

__all__ = [
    "ApiKey",
    "ApiKeyScope",
    "Application",
    "ApplicationDecision",
    "ApplicationNote",
    "ApplicationStatus",
    "ApplicationTag",
    "AuditLog",
    "Candidate",
    "CandidateSkill",
    "Credential",
    "DecisionAction",
    "DeliveryStatus",
    "ErasedApplication",
    "Integration",
    "IntegrationKey",
    "IssuerRegistry",
    "Job",
    "MappingOverride",
    "Organization",
    "OutboundEvent",
    "OutboundStatus",
    "Pathway",
    "PresentationProtocol",
    "PresentationRequest",
    "ProvenDid",
    "RegistryKind",
    "RequirementSet",
    "Role",
    "SavedView",
    "Scope",
    "Score",
    "Skill",
    "SkillFile",
    "SkillFileKind",
    "SsoConnection",
    "TaskOutbox",
    "Taxonomy",
    "User",
    "Vendor",
    "VerificationResult",
    "VerificationStatus",
    "WebSession",
    "WebhookDelivery",
    "WriteBackStatus",
]
