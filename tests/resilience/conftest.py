"""The product fixture of the worker tests (PostgreSQL, an integration, a job), shared here."""

from tests.worker.conftest import product

__all__ = ["product"]
