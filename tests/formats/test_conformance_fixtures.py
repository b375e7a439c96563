"""The public 1EdTech examples (OB 3.0, CLR 2.0, OB 2.0), read in place from ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from ats_match.formats import extract_bytes
from ats_match.formats.model import ExtractionErrorCode, Spec
from tests.support.shared import conformance


def files(folder: str, pattern: str) -> list[str]:
    try:
        base = conformance("1edtech", folder)
    except pytest.skip.Exception:
        return []
    return sorted(p.name for p in base.glob(pattern) if p.is_file())


@pytest.mark.parametrize("name", files("ob30", "*.json"))
def test_every_ob30_json_example_parses(name: str) -> None:
    path = conformance("1edtech", "ob30", name)
    result = extract_bytes(path.read_bytes(), source=name)
    assert not result.errors
    [form] = result.credentials
    assert form.spec == Spec.OB3 and form.format == "ob3-json"
    assert form.achievement.name and form.recipients


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("simple.jwt", "ob3-jwt"),
        ("velocity.jwt", "ob3-jwt"),
        ("simple.1ob", "ob3-json"),
        ("simple-json.png", "ob3-png"),
        ("simple-json.svg", "ob3-svg"),
        ("simple-jwt.png", "ob3-png"),
        ("simple-jwt.svg", "ob3-svg"),
        ("simple-jwt_v1.png", "ob3-png"),
        ("simple-jwt_v1.svg", "ob3-svg"),
    ],
)
def test_ob30_tokens_and_baked_images(name: str, fmt: str) -> None:
    data = conformance("1edtech", "ob30", name).read_bytes()
    [form] = extract_bytes(data, source=name).credentials
    assert form.format == fmt and form.raw == data
    assert (form.compact is not None) == ("jwt" in name)
    assert form.achievement.name


def test_ob30_simple_fields() -> None:
    [form] = extract_bytes(conformance("1edtech", "ob30", "simple.json").read_bytes()).credentials
    assert form.issuer.name == "Example Corp" and form.achievement.name == "Teamwork"
    assert form.achievement.criteria_narrative
    assert form.recipients[0].identity.startswith("did:")
    assert form.valid_from is not None


def test_ob30_complete_fields() -> None:
    data = conformance("1edtech", "ob30", "complete.json").read_bytes()
    [form] = extract_bytes(data).credentials
    ach = form.achievement
    assert ach.name == "1EdTech University Degree" and ach.alignments and ach.tags
    assert ach.results and form.evidence and form.valid_until is not None
    assert {r.type for r in form.recipients} >= {"did", "email"}


def test_ob30_baked_png_matches_its_json() -> None:
    base = conformance("1edtech", "ob30")
    [baked] = extract_bytes((base / "simple-json.png").read_bytes()).credentials
    [plain] = extract_bytes((base / "simple.json").read_bytes()).credentials

    def unsigned(doc: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in doc.items() if k != "proof"}  # the fixtures were signed apart

    assert unsigned(baked.document) == unsigned(plain.document)


@pytest.mark.parametrize("name", files("clr20", "*"))
def test_clr20_examples_split_into_bundle_and_nested(name: str) -> None:
    data = conformance("1edtech", "clr20", name).read_bytes()
    result = extract_bytes(data, source=name)
    assert not result.errors
    bundle, *nested = result.credentials
    assert bundle.spec == Spec.CLR2 and bundle.bundle_digest is None
    assert nested and all(n.bundle_digest == bundle.digest for n in nested)
    assert all(n.spec == Spec.OB3 and n.achievement.name for n in nested)


OB20_NOT_ASSERTIONS = {
    "badge-class-with-language.json": ExtractionErrorCode.NOT_A_BADGE,
    "issuer-compact-iri-validation.json": ExtractionErrorCode.NOT_A_BADGE,
    "redirected-validation-subject.json": ExtractionErrorCode.MALFORMED_JSON,  # has // comments
}


@pytest.mark.parametrize("name", files("ob20", "*.json") + files("ob20", "*.jwt"))
def test_ob20_examples(name: str) -> None:
    data = conformance("1edtech", "ob20", name).read_bytes()
    result = extract_bytes(data, source=name)
    if name in OB20_NOT_ASSERTIONS:
        assert [e.code for e in result.errors] == [OB20_NOT_ASSERTIONS[name]]
        return
    assert not result.errors
    [form] = result.credentials
    assert form.spec == Spec.OB2
    assert form.format == ("ob2-jws" if name.endswith(".jwt") else "ob2-json")
    assert form.recipients and form.issued_at is not None


@pytest.mark.parametrize("name", ["simple-badge.png", "assets/robotics-badge.png"])
def test_ob20_baked_png(name: str) -> None:
    path: Path = conformance("1edtech", "ob20", *name.split("/"))
    result = extract_bytes(path.read_bytes(), source=name)
    if result.credentials:
        assert result.credentials[0].format == "ob2-png"
    else:  # a plain badge image (no assertion baked in) is not a badge
        assert [e.code for e in result.errors] == [ExtractionErrorCode.NOT_A_BADGE]


def test_ob20_simple_badge_png_is_baked() -> None:
    data = conformance("1edtech", "ob20", "simple-badge.png").read_bytes()
    [form] = extract_bytes(data).credentials
    assert form.format == "ob2-png" and form.id
