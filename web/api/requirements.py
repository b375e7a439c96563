"""Requirement sets per job (filled with the rules engine)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["requirements"])
