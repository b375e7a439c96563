"""Liveness and readiness: the database and the broker must both answer."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ats_match.db import check_ping
from web.api.contract import PUBLIC
from worker.celery_app import broker_ping

router = APIRouter(tags=["health"])


@router.get("/healthz", openapi_extra=PUBLIC)
def healthz() -> JSONResponse:
    checks: dict[str, str] = {}
    for name, probe in (("database", check_ping), ("broker", broker_ping)):
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]
    healthy = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status_code=200 if healthy else 503,
    )
