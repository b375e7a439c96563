"""A delivery that names an application but cannot be mapped raises InvalidInput (422, with the
field at fault) instead of being dropped or crashing; signature checks never raise anything but
BadSignature, whatever the body."""

from __future__ import annotations

from typing import Any

import pytest

from ats_match.errors import BadSignature, InvalidInput
from connectors import PLUGINS, get_connector
from tests.connectors.helpers import fixture


def _without(document: Any, *path: str) -> Any:
    target = document
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return document


@pytest.mark.parametrize(
    ("vendor", "payload", "field"),
    [
        (
            "greenhouse",
            _without(
                fixture("greenhouse", "new_candidate_application.json"),
                "payload",
                "application",
                "id",
            ),
            "application.id",
        ),
        ("greenhouse", {"action": "new_candidate_application", "payload": []}, "payload"),
        (
            "workable",
            _without(fixture("workable", "candidate_created.json"), "data", "job"),
            "data.job",
        ),
        (
            "ashby",
            _without(fixture("ashby", "applicationSubmit.json"), "data", "application", "job"),
            "application.job",
        ),
        (
            "ashby",
            _without(
                fixture("ashby", "applicationSubmit.json"), "data", "application", "candidate", "id"
            ),
            "candidate.id",
        ),
    ],
    ids=[
        "gh-no-app-id",
        "gh-payload-not-object",
        "workable-no-job",
        "ashby-no-job",
        "ashby-no-candidate-id",
    ],
)
def test_unmappable_application_names_the_field(vendor: str, payload: Any, field: str) -> None:
    with pytest.raises(InvalidInput, match=field.replace(".", r"\.")) as caught:
        get_connector(vendor).parse_application(payload)
    assert caught.value.status_code == 422


@pytest.mark.parametrize("plugin", PLUGINS, ids=[p.vendor for p in PLUGINS])
@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"payload": 1, "signature": 2}',
        b"\xff\xfe",
        b'{"token": 1, "triggeredAt": "x"}',
    ],
)
def test_garbage_is_a_bad_signature_never_a_crash(plugin: Any, body: bytes) -> None:
    with pytest.raises(BadSignature):
        get_connector(plugin.vendor).verify_signature(
            {}, body, ["some-secret-of-sufficient-length"]
        )
