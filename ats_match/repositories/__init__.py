"""One repository per table; all scoped to an organisation."""

from __future__ import annotations

from ats_match import models
from ats_match.repositories.base import OrgRepository


class UserRepository(OrgRepository[models.User]):
    model = models.User


class IntegrationRepository(OrgRepository[models.Integration]):
    model = models.Integration


class JobRepository(OrgRepository[models.Job]):
    model = models.Job


class RequirementSetRepository(OrgRepository[models.RequirementSet]):
    model = models.RequirementSet


class CandidateRepository(OrgRepository[models.Candidate]):
    model = models.Candidate


class ApplicationRepository(OrgRepository[models.Application]):
    model = models.Application


class WebhookDeliveryRepository(OrgRepository[models.WebhookDelivery]):
    model = models.WebhookDelivery


class CredentialRepository(OrgRepository[models.Credential]):
    model = models.Credential


class VerificationResultRepository(OrgRepository[models.VerificationResult]):
    model = models.VerificationResult


class CandidateSkillRepository(OrgRepository[models.CandidateSkill]):
    model = models.CandidateSkill


class SkillRepository(OrgRepository[models.Skill]):
    model = models.Skill


class TaxonomyRepository(OrgRepository[models.Taxonomy]):
    model = models.Taxonomy


class MappingOverrideRepository(OrgRepository[models.MappingOverride]):
    model = models.MappingOverride


class ScoreRepository(OrgRepository[models.Score]):
    model = models.Score


class OutboundEventRepository(OrgRepository[models.OutboundEvent]):
    model = models.OutboundEvent


class TaskOutboxRepository(OrgRepository[models.TaskOutbox]):
    model = models.TaskOutbox


class IssuerRegistryRepository(OrgRepository[models.IssuerRegistry]):
    model = models.IssuerRegistry


class PathwayRepository(OrgRepository[models.Pathway]):
    model = models.Pathway


class AuditLogRepository(OrgRepository[models.AuditLog]):
    model = models.AuditLog


__all__ = [
    "ApplicationRepository",
    "AuditLogRepository",
    "CandidateRepository",
    "CandidateSkillRepository",
    "CredentialRepository",
    "IntegrationRepository",
    "IssuerRegistryRepository",
    "JobRepository",
    "MappingOverrideRepository",
    "OrgRepository",
    "OutboundEventRepository",
    "PathwayRepository",
    "RequirementSetRepository",
    "ScoreRepository",
    "SkillRepository",
    "TaskOutboxRepository",
    "TaxonomyRepository",
    "UserRepository",
    "VerificationResultRepository",
    "WebhookDeliveryRepository",
]
