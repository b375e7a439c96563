"""ATS connectors: one plugin per vendor behind :class:`connectors.base.Connector`."""

from __future__ import annotations

from connectors.ashby import AshbyConnector
from connectors.base import ApplicationPayload, Attachment, Connector
from connectors.generic import GenericConnector
from connectors.greenhouse import GreenhouseConnector
from connectors.lever import LeverConnector
from connectors.manual import ManualConnector
from connectors.smartrecruiters import SmartRecruitersConnector
from connectors.teamtailor import TeamtailorConnector
from connectors.workable import WorkableConnector

PLUGINS: tuple[type[Connector], ...] = (
    GenericConnector,
    GreenhouseConnector,
    LeverConnector,
    WorkableConnector,
    AshbyConnector,
    SmartRecruitersConnector,
    TeamtailorConnector,
)
INTERNAL: tuple[type[Connector], ...] = (ManualConnector,)
"""Connectors for deliveries the product stores itself (manual intake): the worker reads them
like any other, but no admin can create an integration for them."""
_REGISTRY: dict[str, type[Connector]] = {plugin.vendor: plugin for plugin in PLUGINS + INTERNAL}


def get_connector(vendor: str) -> Connector:
    """The connector for ``vendor``; vendors without their own plugin yet are refused."""
    try:
        return _REGISTRY[vendor]()
    except KeyError:
        raise LookupError(f"no connector for vendor '{vendor}'") from None


def vendors() -> list[str]:
    """Every vendor name with a connector (for the admin API and set-up pages)."""
    return sorted(plugin.vendor for plugin in PLUGINS)


__all__ = [
    "PLUGINS",
    "ApplicationPayload",
    "AshbyConnector",
    "Attachment",
    "Connector",
    "GenericConnector",
    "GreenhouseConnector",
    "LeverConnector",
    "ManualConnector",
    "SmartRecruitersConnector",
    "TeamtailorConnector",
    "WorkableConnector",
    "get_connector",
    "vendors",
]
