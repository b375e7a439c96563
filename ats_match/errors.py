"""Domain errors. Each carries the HTTP status the web layer answers with, so services stay free
of FastAPI and the API still says precisely what went wrong."""

from __future__ import annotations


class AtsMatchError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, details: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(AtsMatchError):
    status_code = 404
    code = "not_found"


class Forbidden(AtsMatchError):
    status_code = 403
    code = "forbidden"


class MissingScope(Forbidden):
    """The API key is valid but does not hold the scope the route declares."""

    code = "insufficient_scope"


class Unauthorized(AtsMatchError):
    status_code = 401
    code = "unauthorized"


class InvalidInput(AtsMatchError):
    status_code = 422
    code = "invalid_input"


class Conflict(AtsMatchError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AtsMatchError):
    status_code = 413
    code = "payload_too_large"


class BadSignature(AtsMatchError):
    status_code = 401
    code = "bad_signature"
