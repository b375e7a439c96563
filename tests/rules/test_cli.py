"""``ats-match score`` end to end on the shipped examples."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ats_match.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"
runner = CliRunner()


def test_table_output_for_the_nurse_example() -> None:
    result = runner.invoke(
        app,
        [
            "score",
            "--role",
            str(EXAMPLES / "registered_nurse.yaml"),
            str(EXAMPLES / "candidates_registered_nurse.json"),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Jade Thompson" in result.output and "knocked out" in result.output
    assert "expired on 2026-06-30" in result.output


def test_json_output_is_ranked_and_explained() -> None:
    result = runner.invoke(
        app,
        [
            "score",
            "--role",
            str(EXAMPLES / "data_analyst.yaml"),
            str(EXAMPLES / "candidates_data_analyst.json"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["reference_date"] == "2026-11-29"
    assert [r["rank"] for r in data["ranking"]] == list(range(1, len(data["ranking"]) + 1))
    top = data["ranking"][0]
    assert top["candidate_id"] == "da-001" and top["shortlisted"] is True
    assert all(rule["sentence"] for rule in top["rules"])


def test_as_of_changes_the_reference_date() -> None:
    result = runner.invoke(
        app,
        [
            "score",
            "--role",
            str(EXAMPLES / "registered_nurse.yaml"),
            str(EXAMPLES / "candidates_registered_nurse.json"),
            "--json",
            "--as-of",
            "2026-05-01",
        ],
    )
    assert result.exit_code == 0, result.output
    by_id = {r["candidate_id"]: r for r in json.loads(result.stdout)["ranking"]}
    # on 1 May 2026 rn-002's registration (until 30 June 2026) was still current
    assert by_id["rn-002"]["rules"][0]["outcome"] == "met"


def test_invalid_role_file_reports_line_and_exits_2(tmp_path: Path) -> None:
    role = tmp_path / "role.yaml"
    role.write_text(
        "id: r\nname: R\nrequirements:\n  - id: a\n    weight: lots\n    skill: {uri: u}\n"
    )
    result = runner.invoke(
        app, ["score", "--role", str(role), str(EXAMPLES / "candidates_data_analyst.json")]
    )
    assert result.exit_code == 2
    assert "line 5: requirements[0].weight" in result.output


def test_bare_list_candidates_file(tmp_path: Path) -> None:
    people = json.loads((EXAMPLES / "candidates_cloud_engineer.json").read_text())["candidates"]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(people))
    result = runner.invoke(
        app,
        [
            "score",
            "--role",
            str(EXAMPLES / "cloud_engineer.yaml"),
            str(path),
            "--json",
            "--as-of",
            "2026-11-29",
            "--top",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [r["candidate_id"] for r in json.loads(result.stdout)["ranking"]] == ["ce-001", "ce-003"]
