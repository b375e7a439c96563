"""Signing in and sending dashboard forms the way a browser does (CSRF token included)."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(client: TestClient, path: str = "/") -> str:
    """The CSRF token the forms of ``path`` carry."""
    match = _TOKEN.search(client.get(path).text)
    assert match, f"no csrf token on {path}"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = "correct horse battery staple") -> None:
    token = form_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def post_form(client: TestClient, path: str, data: dict[str, Any], **kwargs: Any) -> httpx.Response:
    """POST a dashboard form with the signed-in session's CSRF token."""
    return client.post(path, data={**data, "csrf_token": form_token(client)}, **kwargs)
