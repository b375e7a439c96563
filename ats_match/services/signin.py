"""Dashboard sign-in: e-mail + password (argon2id), server-side sessions with a CSRF token,
and a login rate limit. API keys stay the way to call the API. Services never commit."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, select

from ats_match.errors import AtsMatchError, InvalidInput
from ats_match.models import User, WebSession
from ats_match.models.base import utcnow

SESSION_LIFETIME = timedelta(hours=8)
MIN_PASSWORD = 12
_HASHER = PasswordHasher()  # argon2id, the library's (RFC 9106 low-memory) defaults
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class TooManyAttempts(AtsMatchError):
    status_code = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many sign-in attempts. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password has at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user with this e-mail and password, or ``None``. Takes as long for an unknown
    e-mail as for a wrong password (a dummy hash is checked), so e-mails cannot be probed."""
    users = session.exec(
        select(User).where(
            col(User.email) == email.strip().lower(), col(User.password_hash).is_not(None)
        )
    ).all()
    if not users:
        _verify(_DUMMY_HASH, password)
        return None
    for user in users:
        assert user.password_hash is not None
        if _verify(user.password_hash, password):
            if _HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = _HASHER.hash(password)
                session.add(user)
            return user
    return None


def password_matches(hashed: str, password: str) -> bool:
    """True when ``password`` is the one ``hashed`` was made from."""
    return _verify(hashed, password)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User) -> tuple[str, WebSession]:
    """A new signed-in session; returns the cookie token (shown once, stored hashed)."""
    token = secrets.token_urlsafe(32)
    row = WebSession(
        organization_id=user.organization_id,
        user_id=user.id,
        token_hash=token_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + SESSION_LIFETIME,
    )
    session.add(row)
    session.exec(delete(WebSession).where(col(WebSession.expires_at) < utcnow()))
    session.flush()
    return token, row


def session_of(session: Session, token: str) -> tuple[WebSession, User] | None:
    """The live session behind a cookie token and its user, or ``None``."""
    found = session.exec(
        select(WebSession, User)
        .join(User, col(User.id) == col(WebSession.user_id))
        .where(
            col(WebSession.token_hash) == token_hash(token), col(WebSession.expires_at) > utcnow()
        )
    ).first()
    return (found[0], found[1]) if found else None


def close_session(session: Session, token: str) -> None:
    session.exec(delete(WebSession).where(col(WebSession.token_hash) == token_hash(token)))


class LoginLimiter:
    """At most ``attempts`` failed sign-ins per key (client address, e-mail) in ``window``
    seconds. In-process: one server process per deployment here; a multi-process deployment
    would keep the counters in Redis."""

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= self.attempts:
                    raise TooManyAttempts(int(self.window - (now - failures[0])) + 1)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures


LOGIN_LIMITER = LoginLimiter()
