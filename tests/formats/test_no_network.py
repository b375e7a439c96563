"""Parsing never opens a connection: every socket connect fails loudly during these runs."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from ats_match.formats import extract_bytes
from tests.support.baking import bake_png, bake_svg, bundle_clr, ob2_assertion, resume_pdf
from tests.support.shared import conformance


class NetworkUsed(BaseException):
    """A BaseException, so the extractor's catch-all for parser bugs cannot swallow it."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise NetworkUsed("parsing tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
def test_every_format_parses_offline(ob3_doc: dict[str, Any], ob3_jwt: str) -> None:
    inputs = [
        json.dumps(ob2_assertion(embed=False)).encode(),
        bake_png(ob2_assertion()),
        bake_svg(ob2_assertion()),
        bake_png("https://issuer.test/assertions/1.json"),
        bake_svg(ob3_doc, ob3=True),
        ob3_jwt.encode(),
        json.dumps(bundle_clr([ob3_doc, ob3_jwt])).encode(),
        resume_pdf(["https://www.credly.com/badges/6e4a9c3e-6d8b-4b1f-9c53-1f4e0b4f9a2d"]),
    ]
    base = conformance("1edtech")
    inputs += [p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()]
    for data in inputs:
        result = extract_bytes(data)  # would raise NetworkUsed
        assert all(e.code.value != "unsupported" for e in result.errors)
