"""The other shapes a sealed EDC arrives in, and what is refused with a typed reason."""

from __future__ import annotations

import json

from ats_match.formats.extract import extract_bytes
from ats_match.formats.model import Envelope, Spec
from tests.support import edc
from tests.verification.edc.conftest import Seals
from tests.verification.edc.test_edc_seal import CERT_FROM, CERT_UNTIL, SIGNED


def test_flattened_and_compact_serialisations(seals: Seals) -> None:
    general = json.loads(
        seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL, unencoded=False)
    )
    entry = general["signatures"][0]
    flattened = {"payload": general["payload"], **entry}
    assert seals.verify(json.dumps(flattened)).authenticity.status == "genuine"
    compact = f"{entry['protected']}.{general['payload']}.{entry['signature']}"
    form = seals.form(compact)
    assert form.spec == Spec.EDC and form.envelope == Envelope.JADES
    assert seals.verify(compact).authenticity.status == "genuine"


def test_a_jws_without_an_edc_is_a_typed_error() -> None:
    jws = {
        "payload": edc.b64u(json.dumps({"hello": "world"}).encode()),
        "signatures": [{"protected": edc.b64u(b'{"alg":"RS256"}'), "signature": "AAAA"}],
    }
    result = extract_bytes(json.dumps(jws).encode())
    assert not result.credentials
    assert result.errors[0].code.value == "unknown_format"


def test_garbage_seal_parts_are_forged_or_unknown_never_genuine(seals: Seals) -> None:
    general = json.loads(seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL))
    for mutate in (
        lambda s: s["signatures"][0].update(signature="!!!"),
        lambda s: s["signatures"][0].update(signature=edc.b64u(b"\0" * 256)),
        lambda s: s["signatures"][0].update(
            protected=edc.b64u(json.dumps({"alg": "none", "b64": False}).encode())
        ),
        lambda s: s["signatures"][0].update(
            protected=edc.b64u(
                json.dumps({"alg": "RS256", "b64": False, "sigT": SIGNED.isoformat()}).encode()
            )
        ),
    ):
        broken = json.loads(json.dumps(general))
        mutate(broken)
        report = seals.verify(json.dumps(broken))
        assert report.authenticity.status in ("forged", "unknown"), report.checks
