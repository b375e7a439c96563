"""``ats-match verify``: files and URLs, table and JSON output, exit codes, against loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ats_match.cli.main import app
from tests.support.ob2 import EMAIL, Ob2Issuer

formats = pytest.importorskip("ats_match.formats")
pytestmark = pytest.mark.skipif(
    not hasattr(formats, "extract_bytes"), reason="ats_match.formats.extract_bytes not landed yet"
)
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["verify", *args])
    return result.exit_code, result.stdout


def test_signed_file_json(issuer: Ob2Issuer, tmp_path: Path) -> None:
    credential = issuer.signed()
    path = tmp_path / "badge.jws"
    path.write_text(credential.compact or "")
    code, out = _run(str(path), "--email", EMAIL, "--json")
    report = json.loads(out)
    assert code == 0, out
    assert set(report) == {
        "authenticity",
        "validity",
        "holder",
        "issuer",
        "label",
        "evidence_tier",
        "summary",
        "format",
        "status",
        "checks",
        "issuer_info",
        "achievement",
    }
    for axis in ("authenticity", "validity", "holder", "issuer"):
        assert {"status", "reason"} <= set(report[axis]), report[axis]
    assert report["authenticity"]["status"] == "genuine"
    assert report["validity"]["status"] == "current"
    assert report["holder"]["status"] == "bound"
    assert report["issuer"]["status"] == "unknown"
    assert report["issuer"]["detail"]["id"] == issuer.issuer_url
    assert report["status"] == report["summary"] == "verified"
    assert report["evidence_tier"] == "cryptographic"
    assert report["format"].startswith("ob2")
    assert all(set(c) == {"name", "status", "detail"} for c in report["checks"])
    assert report["issuer_info"]["id"] == issuer.issuer_url
    assert report["achievement"]["name"] == "Data Analysis with Python"


def test_hosted_url_table(issuer: Ob2Issuer) -> None:
    credential = issuer.hosted()
    code, out = _run(str(credential.document["id"]), "--email", EMAIL)
    assert code == 0, out
    assert "Genuine" in out and "verification_scope" in out


def test_wrong_email_fails_with_exit_1(issuer: Ob2Issuer, tmp_path: Path) -> None:
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(issuer.hosted().document))
    code, out = _run(str(path), "--email", "bob@example.org", "--json")
    assert code == 1 and json.loads(out)["status"] == "failed"


def test_issuer_down_exit_3(issuer: Ob2Issuer, tmp_path: Path) -> None:
    path = tmp_path / "badge.jws"
    path.write_text(issuer.signed().compact or "")
    issuer.server.down()
    code, out = _run(str(path), "--email", EMAIL, "--json")
    assert code == 3 and json.loads(out)["status"] == "indeterminate"


def test_not_a_badge_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    code, _ = _run(str(path), "--json")
    assert code == 2


def test_missing_file_exit_2() -> None:
    code, _ = _run("/nonexistent/badge.json")
    assert code == 2


def test_issuer_markup_is_not_interpreted(issuer: Ob2Issuer) -> None:
    """An issuer naming itself with console markup gets it printed literally."""
    issuer.profile_extra = {"name": "[green]Trusted[/green] Uni"}
    issuer.publish()
    code, out = _run(str(issuer.hosted().document["id"]), "--email", EMAIL)
    assert code == 0 and "[green]Trusted[/green] Uni" in out


def test_did_key_issuer_text_is_printed_literally(issuer: Ob2Issuer) -> None:
    """Rich would turn ``:key:`` into an emoji; issuer text must come out as written."""
    issuer.profile_extra = {"name": "did:key:z6Mk issuer :smile: [bold]x[/bold]"}
    issuer.publish()
    code, out = _run(str(issuer.hosted().document["id"]), "--email", EMAIL)
    assert code == 0, out
    assert "did:key:z6Mk issuer :smile: [bold]x[/bold]" in out
    assert "\N{KEY}" not in out and "\N{SMILING FACE WITH OPEN MOUTH}" not in out


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("ats-match ")
