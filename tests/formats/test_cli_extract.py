"""``ats-match extract FILE_OR_URL [--json]``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ats_match.cli.main import app
from tests.support.baking import bake_png, bundle_clr, ob2_assertion
from tests.support.issuer_server import IssuerServer

runner = CliRunner()


def test_json_output_lists_forms_without_raw(tmp_path: Path) -> None:
    path = tmp_path / "badge.png"
    path.write_bytes(bake_png(ob2_assertion()))
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    [form] = out["credentials"]
    assert form["format"] == "ob2-png" and "raw" not in form and len(form["digest"]) == 64
    assert form["raw_bytes"] == path.stat().st_size
    assert form["achievement"]["name"] == "Python Programming"
    assert form["source"] == "badge.png" and out["errors"] == []


def test_clr_summary(tmp_path: Path) -> None:
    path = tmp_path / "clr.json"
    path.write_text(json.dumps(bundle_clr([])))
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0 and "clr2-json: Transcript" in result.stdout


def test_not_a_badge_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "noise.bin"
    path.write_bytes(b"\x00\x01garbage")
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["errors"][0]["code"] == "not_a_badge"


def test_url(tmp_path: Path) -> None:
    with IssuerServer() as server:
        url = server.url("/a.json")
        server.serve("/a.json", ob2_assertion(url))
        result = runner.invoke(app, ["extract", url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["credentials"][0]["format"] == "ob2-hosted"


def test_follow_links_in_a_file(tmp_path: Path) -> None:
    with IssuerServer() as server:
        url = server.url("/assertions/5.json")
        server.serve("/assertions/5.json", ob2_assertion(url))
        path = tmp_path / "hosted.png"
        path.write_bytes(bake_png(url))
        without = runner.invoke(app, ["extract", str(path), "--json"])
        followed = runner.invoke(app, ["extract", str(path), "--json", "--follow-links"])
    assert without.exit_code == 2
    assert json.loads(without.stdout)["errors"][0]["code"] == "not_fetched"
    assert followed.exit_code == 0, followed.output
    [form] = json.loads(followed.stdout)["credentials"]
    assert form["format"] == "ob2-hosted"
    assert form["id"] == url
