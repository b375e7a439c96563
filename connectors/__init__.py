"""ATS connectors: one plugin per vendor behind :class:`connectors.base.Connector`."""

from __future__ import annotations

from connectors.base import ApplicationPayload, Attachment, Connector
from connectors.generic import GenericConnector
from connectors.greenhouse import GreenhouseConnector
from connectors.lever import LeverConnector

_REGISTRY: dict[str, type[Connector]] = {
    plugin.vendor: plugin for plugin in (GenericConnector, GreenhouseConnector, LeverConnector)
}


def get_connector(vendor: str) -> Connector:
    """The connector for ``vendor``; vendors without their own plugin yet are refused."""
    try:
        return _REGISTRY[vendor]()
    except KeyError:
        raise LookupError(f"no connector for vendor '{vendor}'") from None


__all__ = [
    "ApplicationPayload",
    "Attachment",
    "Connector",
    "GenericConnector",
    "GreenhouseConnector",
    "get_connector",
]
