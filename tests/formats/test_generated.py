"""Every input format, built with the project's own helpers (sign, bake, bundle), end to end."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from ats_match.formats import extract_bytes
from ats_match.formats.model import CredentialForm, Envelope, ExtractionErrorCode, Spec
from tests.support.baking import (
    bake_png,
    bake_svg,
    bundle_clr,
    ob1_assertion,
    ob2_assertion,
    plain_png,
)
from tests.support.ob2 import sign
from tests.support.signing import TestKey, ob3_credential, sign_vc_jwt


def only(data: bytes, source: str = "file") -> CredentialForm:
    result = extract_bytes(data, source=source)
    assert not result.errors, result.errors
    assert len(result.credentials) == 1
    return result.credentials[0]


def assert_ob2_fields(form: CredentialForm) -> None:
    assert form.id == "https://issuer.test/assertions/1.json"
    assert form.issuer.name == "Test Institute" and form.issuer.id.endswith("issuer.json")  # type: ignore[union-attr]
    assert form.issuer.url == "https://issuer.test" and form.issuer.type == "Issuer"
    ach = form.achievement
    assert ach.name == "Python Programming" and ach.description == "Writes idiomatic Python."
    assert ach.criteria_narrative == "Pass the exam."
    assert ach.criteria_url == "https://issuer.test/criteria"
    assert ach.tags == ["python", "programming"]
    [align] = ach.alignments
    assert (align.target_name, align.target_framework, align.target_code) == (
        "use Python",
        "ESCO",
        "ccd0a1d9",
    )
    assert align.target_url == "http://data.europa.eu/esco/skill/ccd0a1d9"
    [recipient] = form.recipients
    assert recipient.type == "email" and recipient.hashed and recipient.salt == "pepper"
    assert recipient.identity.startswith("sha256$")
    assert form.issued_at is not None and form.issued_at.year == 2024
    assert form.valid_until is not None and form.valid_until.year == 2030
    assert form.evidence[0].id == "https://portfolio.test/p1"
    assert form.evidence[0].narrative == "Built a parser."


def test_ob2_json() -> None:
    doc = ob2_assertion()
    raw = json.dumps(doc).encode()
    form = only(raw, "badge.json")
    assert form.format == "ob2-json" and form.document == doc and form.compact is None
    assert form.raw == raw and form.source == "badge.json" and len(form.digest) == 64
    assert_ob2_fields(form)


def test_ob2_jws(ob2_key: rsa.RSAPrivateKey) -> None:
    token = sign(ob2_assertion(signed=True), ob2_key)
    form = only(token.encode() + b"\n")
    assert form.format == "ob2-jws" and form.compact == token
    assert form.document["verification"]["type"] == "signed"
    assert_ob2_fields(form)


@pytest.mark.parametrize("compressed", [False, True])
def test_ob2_png_json(compressed: bool) -> None:
    image = bake_png(ob2_assertion(), compressed=compressed)
    form = only(image)
    assert form.format == "ob2-png" and form.raw == image
    assert_ob2_fields(form)


def test_ob2_png_jws(ob2_key: rsa.RSAPrivateKey) -> None:
    token = sign(ob2_assertion(signed=True), ob2_key)
    form = only(bake_png(token))
    assert form.format == "ob2-png" and form.compact == token
    assert_ob2_fields(form)


def test_ob2_svg_embedded_json() -> None:
    doc = ob2_assertion()
    form = only(bake_svg(doc, verify=doc["id"]))
    assert form.format == "ob2-svg" and form.document == doc
    assert_ob2_fields(form)


def test_ob2_svg_verify_attribute_jws(ob2_key: rsa.RSAPrivateKey) -> None:
    token = sign(ob2_assertion(signed=True), ob2_key)
    form = only(bake_svg(verify=token))
    assert form.format == "ob2-svg" and form.compact == token
    assert_ob2_fields(form)


def test_baked_hosted_url_without_fetcher_is_listed_not_fetched() -> None:
    url = "https://issuer.test/assertions/9.json"
    for image in (bake_png(url), bake_svg(verify=url)):
        result = extract_bytes(image)
        assert result.credentials == [] and result.links == [url]
        [error] = result.errors
        assert error.code == ExtractionErrorCode.NOT_FETCHED and url in error.detail


def test_ob1_assertion_is_upgraded_for_the_form() -> None:
    doc = ob1_assertion()
    form = only(json.dumps(doc).encode())
    assert form.spec == Spec.OB1 and form.format == "ob1-json"
    assert form.document == doc  # the original is kept for the verifier
    assert form.id == "https://legacy.test/assertions/7.json"
    [recipient] = form.recipients
    assert recipient.hashed and recipient.salt == "deadsea" and recipient.type == "email"
    assert form.issued_at is not None and form.issued_at.year == 2014
    assert form.achievement.id == "https://legacy.test/badge.json"


def assert_ob3_fields(form: CredentialForm) -> None:
    assert form.spec == Spec.OB3
    assert form.id == "urn:uuid:2b4fd8e6-3f5c-4c8c-9ab0-5f3c7cfd9a01"
    assert form.issuer.name == "Example University" and form.issuer.type == "Profile"
    assert form.issuer.id is not None and form.issuer.id.startswith("did:key:")
    assert form.achievement.name == "Python Data Analysis"
    assert form.achievement.id == "https://example.edu/achievements/pda"
    assert form.achievement.criteria_narrative == "Passed the assessment."
    assert form.valid_from is not None and form.issued_at == form.valid_from
    assert form.recipients[0].type == "did"


def test_ob3_json_with_proof(ob3_doc: dict[str, Any]) -> None:
    form = only(json.dumps(ob3_doc).encode())
    assert form.format == "ob3-json" and "proof" in form.document
    assert_ob3_fields(form)
    hashed = form.recipients[1]
    assert hashed.type == "email" and hashed.hashed and hashed.salt == "s4lt"


@pytest.mark.parametrize("form_name", ["vcdm11", "vcdm2"])
def test_vc_jwt_both_forms(ed_key: TestKey, form_name: str) -> None:
    vc = ob3_credential(ed_key.did_key())
    token = sign_vc_jwt(vc, ed_key, kid=ed_key.did_key_vm(), form=form_name)
    form = only(token.encode())
    assert form.format == "ob3-jwt" and form.compact == token
    assert form.document["credentialSubject"]["achievement"]["name"] == "Python Data Analysis"
    assert_ob3_fields(form)


def test_vcdm11_registered_claims_fill_the_vc(ed_key: TestKey) -> None:
    vc = ob3_credential(ed_key.did_key())
    token = sign_vc_jwt(
        {k: v for k, v in vc.items() if k not in ("id", "validFrom")},
        ed_key,
        claims={"jti": "urn:uuid:jti-1", "nbf": 1700000000},
    )
    form = only(token.encode())
    assert form.id == "urn:uuid:jti-1"
    assert form.issued_at is not None and int(form.issued_at.timestamp()) == 1700000000


@pytest.mark.parametrize("envelope", ["png", "svg"])
@pytest.mark.parametrize("kind", ["json", "jwt"])
def test_ob3_baked(envelope: str, kind: str, ob3_doc: dict[str, Any], ob3_jwt: str) -> None:
    payload: str | dict[str, Any] = ob3_doc if kind == "json" else ob3_jwt
    if envelope == "png":
        image = bake_png(payload, ob3=True)
    else:
        image = (
            bake_svg(payload, ob3=True) if kind == "json" else bake_svg(verify=ob3_jwt, ob3=True)
        )
    form = only(image)
    assert form.format == f"ob3-{envelope}" and form.raw == image
    assert (form.compact == ob3_jwt) if kind == "jwt" else form.compact is None
    assert_ob3_fields(form)


def test_clr_bundle_links_nested(ob3_doc: dict[str, Any], ob3_jwt: str) -> None:
    bundle = bundle_clr([ob3_doc, ob3_jwt])
    raw = json.dumps(bundle).encode()
    result = extract_bytes(raw, source="clr.json")
    assert not result.errors
    outer, first, second = result.credentials
    assert outer.format == "clr2-json" and outer.bundle_digest is None
    assert outer.achievement.name == "Transcript" and outer.issuer.name == "Test Registrar"
    assert first.format == "ob3-json" and second.format == "ob3-jwt"
    assert first.bundle_digest == second.bundle_digest == outer.digest
    assert second.compact == ob3_jwt and second.raw == ob3_jwt.encode()
    assert first.source == "clr.json#verifiableCredential[0]"


def test_clr_as_vc_jwt(ed_key: TestKey, ob3_doc: dict[str, Any]) -> None:
    token = sign_vc_jwt(bundle_clr([ob3_doc]), ed_key, form="vcdm2")
    result = extract_bytes(token.encode())
    assert [c.format for c in result.credentials] == ["clr2-jwt", "ob3-json"]


def test_clr_bad_nested_entry_is_a_typed_error(ob3_doc: dict[str, Any]) -> None:
    result = extract_bytes(json.dumps(bundle_clr([ob3_doc, 42, {"foo": 1}])).encode())
    assert len(result.credentials) == 2
    codes = [e.code for e in result.errors]
    assert codes == [ExtractionErrorCode.NOT_A_BADGE, ExtractionErrorCode.UNKNOWN_FORMAT]
    assert "nested credential 1" in result.errors[0].detail


def test_results_and_levels_are_read() -> None:
    vc = ob3_credential("https://issuer.test")
    subject = vc["credentialSubject"]
    subject["achievement"]["resultDescription"] = [
        {
            "id": "urn:rd:1",
            "type": ["ResultDescription"],
            "name": "Grade",
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [{"id": "urn:level:adv", "name": "Advanced"}],
        }
    ]
    subject["achievement"]["tag"] = ["pandas"]
    subject["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": "Data analysis", "targetUrl": "https://x.test/1"}
    ]
    subject["result"] = [{"type": ["Result"], "achievedLevel": "urn:level:adv", "value": "A"}]
    form = only(json.dumps(vc).encode())
    assert form.achievement.tags == ["pandas"]
    assert form.achievement.alignments[0].target_name == "Data analysis"
    assert form.achievement.results[0].achieved_level == "Advanced"
    assert form.achievement.results[0].value == "A"
    assert form.achievement.level == "Advanced"


def test_identical_documents_are_stored_once() -> None:
    doc = ob2_assertion()
    result = extract_bytes(json.dumps([doc, doc]).encode())
    assert len(result.credentials) == 1


def test_png_without_badge_is_not_a_badge() -> None:
    result = extract_bytes(plain_png())
    assert [e.code for e in result.errors] == [ExtractionErrorCode.NOT_A_BADGE]


def test_envelope_names_are_stable() -> None:
    assert {e.value for e in Envelope} >= {"json", "hosted", "jws", "jwt", "png", "svg"}


def test_ob05_assertion_upgrade_like_the_validator() -> None:
    doc = {
        "recipient": "ada@example.org",
        "salt": "x",
        "issued_on": "2012-03-01",
        "badge": {
            "version": "0.5.0",
            "name": "HTML Basics",
            "description": "Knows HTML.",
            "criteria": "https://old.test/criteria",
            "alignment": [{"name": "HTML", "url": "https://fw.test/html"}],
            "issuer": {"origin": "https://old.test", "name": "Old Org", "org": "Web Team"},
        },
    }
    form = only(json.dumps(doc).encode())
    assert form.spec == Spec.OB1
    [recipient] = form.recipients
    assert recipient.identity == "ada@example.org" and not recipient.hashed
    assert recipient.salt == "x"
    assert form.issued_at is not None and form.issued_at.year == 2012
    assert form.issuer.url == "https://old.test" and form.issuer.name == "Old Org: Web Team"
    assert form.achievement.name == "HTML Basics"
    assert form.achievement.criteria_url == "https://old.test/criteria"
    assert form.achievement.alignments[0].target_url == "https://fw.test/html"


def test_ob11_signed_assertion_id_from_uid() -> None:
    doc = {
        "@context": "https://w3id.org/openbadges/v1",
        "type": "Assertion",
        "uid": "abc",
        "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
        "badge": "https://old.test/badge.json",
        "verify": {"type": "signed", "url": "https://old.test/key.pem"},
        "issuedOn": "1403120715",
    }
    form = only(json.dumps(doc).encode())
    assert form.format == "ob1-json" and form.id == "uid:abc"
    assert form.issued_at is not None and form.issued_at.year == 2014


def test_enveloped_vc_jwt_standalone_and_nested(ob3_jwt: str, ob3_doc: dict[str, Any]) -> None:
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/vc+jwt,{ob3_jwt}",
    }
    form = only(json.dumps(enveloped).encode())
    assert form.format == "ob3-jwt" and form.compact == ob3_jwt
    result = extract_bytes(json.dumps(bundle_clr([enveloped, ob3_doc])).encode())
    assert [c.format for c in result.credentials] == ["clr2-json", "ob3-jwt", "ob3-json"]


def test_status_list_is_not_a_badge() -> None:
    status_list = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {"type": "BitstringStatusList", "encodedList": "uH4sI"},
    }
    result = extract_bytes(json.dumps(status_list).encode())
    assert [e.code for e in result.errors] == [ExtractionErrorCode.NOT_A_BADGE]
