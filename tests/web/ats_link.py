"""Attach the seeded applications to a Greenhouse integration served by a loopback vendor, as
the webhook intake leaves them (integration, external ids), for the write-back tests."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Application, Candidate, Integration, Vendor
from tests.support.vendor_server import VendorServer

GREENHOUSE_IDS = {"Grace Hopper": ("71980812", "60304594"), "Alan Turing": ("71980813", "60304595")}


def link_to_greenhouse(database_url: str, org_id: uuid.UUID, vendor: VendorServer) -> None:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        integration = Integration(
            organization_id=org_id,
            vendor=Vendor.GREENHOUSE,
            name="Greenhouse",
            webhook_secret="s" * 32,
            api_token="harvest-key",
            settings={
                "api_base_url": vendor.url("/v1/"),
                "file_hosts": ["127.0.0.1"],
                "on_behalf_of": "92120",
            },
        )
        session.add(integration)
        session.flush()
        rows = session.exec(
            select(Application, Candidate)
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .where(col(Application.organization_id) == org_id)
        ).all()
        for application, candidate in rows:
            app_id, candidate_id = GREENHOUSE_IDS[candidate.name]
            application.integration_id = candidate.integration_id = integration.id
            application.external_id, candidate.external_id = app_id, candidate_id
            session.add_all([application, candidate])
        session.commit()
    engine.dispose()
    serve_greenhouse_tags(vendor)


def serve_greenhouse_tags(vendor: VendorServer) -> None:
    """Harvest's tag and note endpoints, as its docs show them."""
    vendor.answer("GET", "/v1/tags/candidate", [{"id": 365, "name": "credentials-qualified"}])
    vendor.answer("POST", "/v1/tags/candidate", {"id": 366, "name": "ats-match-shortlist"})
    for _, candidate in GREENHOUSE_IDS.values():
        for tag in (365, 366):
            vendor.answer("PUT", f"/v1/candidates/{candidate}/tags/{tag}", {"message": "ok"})
        vendor.answer("POST", f"/v1/candidates/{candidate}/activity_feed/notes", {"id": 1})
