"""``ats-match import`` over a folder and a CSV: the upload's service for each candidate, a
summary with reasons, ``--json``, nothing imported twice, and an interrupted run continued."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ats_match.cli import importer
from ats_match.cli.import_sources import email_of_file
from ats_match.cli.main import app
from ats_match.models import Application, WebhookDelivery
from tests.intake.conftest import Recruiter, create_job
from tests.support.baking import bake_png, resume_pdf
from tests.worker.conftest import genuine_tokens

CREDLY = "https://www.credly.com/badges/0b6cf1a8-6a35-4b4e-9b0e-2b2b8f0e5f11"


def _run(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["import", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def _folder(root: Path) -> Path:
    tokens = genuine_tokens(3)
    ada = root / "ada@x.org"
    ada.mkdir(parents=True)
    (ada / "badge.png").write_bytes(bake_png(tokens[0], ob3=True))
    (ada / "links.txt").write_text(CREDLY + "\n")
    grace = root / "grace"
    grace.mkdir()
    (grace / "candidate.json").write_text(json.dumps({"name": "Grace H", "email": "ada@x.org"}))
    (grace / "sql.jwt").write_text(tokens[1])
    (root / "alan@x.org.jwt").write_text(tokens[2])
    (root / "alan@x.org__cv.pdf").write_bytes(resume_pdf(["Alan"]))
    (root / "random.png").write_bytes(b"\x89PNG")
    (root / "nobody").mkdir()
    (root / "pdfonly@x.org").mkdir()
    (root / "pdfonly@x.org" / "cv.pdf").write_bytes(resume_pdf(["P"]))
    return root


def test_a_folder_is_imported_once_with_a_summary(recruiter: Recruiter, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "in")

    code, first = _run(str(folder), "--job", recruiter.job_id, "--process")

    assert code == 1  # some entries failed, each with its reason
    assert (first["imported"], first["skipped"], first["failed"]) == (3, 0, 3)
    by_source = {e["source"]: e for e in first["entries"]}
    assert by_source["random.png"]["reason"].startswith("not named by an e-mail")
    assert "no e-mail" in by_source["nobody"]["reason"]
    assert "nothing to verify" in by_source["pdfonly@x.org"]["reason"]
    assert by_source["alan@x.org"]["ignored_files"][0]["filename"] == "alan@x.org__cv.pdf"
    assert first["processed"] == 3 and recruiter.waiting() == []
    # ada's folder and grace's profile name the same e-mail: one candidate, one application
    applications = recruiter.rows(Application, Application.job_id == uuid.UUID(recruiter.job_id))
    assert len(applications) == 2
    detail = recruiter.client.get(
        f"/api/v1/applications/{by_source['alan@x.org']['application_id']}", headers=recruiter.auth
    ).json()
    assert detail["score"] is not None and detail["credentials"][0]["source"] == "alan@x.org.jwt"

    code, again = _run(str(folder), "--job", recruiter.job_id, "--process")

    assert (again["imported"], again["skipped"], again["failed"]) == (0, 3, 3)
    assert len(recruiter.rows(WebhookDelivery)) == 3


def test_a_csv_with_jobs_files_and_links(recruiter: Recruiter, tmp_path: Path) -> None:
    other_job = create_job(recruiter.client, recruiter.key, "Second job")
    token = genuine_tokens(1)[0]
    (tmp_path / "b.jwt").write_text(token)
    csv = tmp_path / "people.csv"
    csv.write_text(
        "name,email,job,files,links\n"
        f"Bea,bea@x.org,,b.jwt,{CREDLY}\n"
        f"Cy,cy@x.org,{other_job},{CREDLY}; b.jwt,\n"
        "Di,di@x.org,,missing.png,\n"
        ",,,,\n"
    )

    code, summary = _run(str(csv), "--job", recruiter.job_id)

    assert code == 1 and (summary["imported"], summary["failed"]) == (2, 2)
    reasons = [e["reason"] for e in summary["entries"] if e["outcome"] == "failed"]
    assert reasons == ["file not found: missing.png", "the email column is empty"]
    assert recruiter.rows(Application) == []  # without --process they wait for the worker
    assert len(recruiter.waiting()) == 2
    recruiter.run_worker()
    assert {str(a.job_id) for a in recruiter.rows(Application)} == {recruiter.job_id, other_job}
    assert _run(str(csv), "--job", recruiter.job_id)[1]["skipped"] == 2


def test_an_interrupted_import_continues_where_it_stopped(
    recruiter: Recruiter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    for i, token in enumerate(genuine_tokens(3)):
        (folder / f"p{i}@x.org").mkdir(parents=True)
        (folder / f"p{i}@x.org" / "b.jwt").write_text(token)
    real = importer.import_entry
    calls: list[str] = []

    def stop_at_the_second(entry: Any, job: str | None) -> Any:
        calls.append(entry.label)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(entry, job)

    monkeypatch.setattr(importer, "import_entry", stop_at_the_second)
    code, partial = _run(str(folder), "--job", recruiter.job_id)
    assert code == importer.INTERRUPTED_EXIT and partial["interrupted"] is True
    assert partial["imported"] == 1
    monkeypatch.setattr(importer, "import_entry", real)

    code, rest = _run(str(folder), "--job", recruiter.job_id)

    assert code == 0 and (rest["imported"], rest["skipped"]) == (2, 1)
    assert len(recruiter.rows(WebhookDelivery)) == 3


def test_files_are_named_by_e_mail() -> None:
    assert email_of_file("ada@x.org.png") == "ada@x.org"
    assert email_of_file("Ada@X.org__sql.jwt") == "ada@x.org"
    assert email_of_file("ada@x.co.uk") == "ada@x.co.uk"
    assert email_of_file("badge.png") is None


def test_a_job_that_is_not_an_id_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(tmp_path), "--job", "data-analyst"])
    assert result.exit_code == 2 and "not a job id" in result.output


def test_a_re_run_with_process_runs_what_an_earlier_run_left_waiting(
    recruiter: Recruiter, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    for i, token in enumerate(genuine_tokens(2)):
        (folder / f"w{i}@x.org").mkdir(parents=True)
        (folder / f"w{i}@x.org" / "b.jwt").write_text(token)
    assert _run(str(folder), "--job", recruiter.job_id)[1]["imported"] == 2
    assert len(recruiter.waiting()) == 2  # no worker ran

    code, again = _run(str(folder), "--job", recruiter.job_id, "--process")

    assert code == 0 and (again["skipped"], again["processed"]) == (2, 2)
    assert recruiter.waiting() == [] and len(recruiter.rows(Application)) == 2
    assert _run(str(folder), "--job", recruiter.job_id, "--process")[1]["processed"] == 0
