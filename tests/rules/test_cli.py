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


def test_as_of_is_the_reference_date_of_candidates_without_an_application_date(
    tmp_path: Path,
) -> None:
    """Each candidate is measured from their application date; --as-of only from theirs
    when they have none."""
    file = json.loads((EXAMPLES / "candidates_registered_nurse.json").read_text())
    people = file["candidates"] if isinstance(file, dict) else file
    undated = [{**p, "applied_at": None} if p["candidate_id"] == "rn-002" else p for p in people]
    path = tmp_path / "candidates.json"
    path.write_text(json.dumps({"candidates": undated}))
    result = runner.invoke(
        app,
        [
            "score",
            "--role",
            str(EXAMPLES / "registered_nurse.yaml"),
            str(path),
            "--json",
            "--as-of",
            "2026-05-01",
        ],
    )
    assert result.exit_code == 0, result.output
    by_id = {r["candidate_id"]: r for r in json.loads(result.stdout)["ranking"]}
    # on 1 May 2026 rn-002's registration (until 30 June 2026) was still current
    assert by_id["rn-002"]["rules"][0]["outcome"] == "met"
    assert by_id["rn-002"]["reference_basis"] == "as_of"
    assert by_id["rn-002"]["reference_date"] == "2026-05-01"
    # rn-001 applied on 15 Nov 2026: measured from that day, whatever --as-of says
    assert by_id["rn-001"]["reference_basis"] == "application"
    assert by_id["rn-001"]["reference_date"] == "2026-11-15"
    assert "Dates measured from the application date, 2026-11-15." in by_id["rn-001"]["summary"]
