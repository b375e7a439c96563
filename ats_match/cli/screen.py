"""``ats-match screen``: the whole pipeline over a folder of applicants, no database needed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

if TYPE_CHECKING:  # the CLI imports these layers lazily, inside the command
    from rules import RankedCandidate
    from worker.screening import ScreenedCandidate


def screen(
    folder: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="One sub-folder per candidate.")
    ],
    role: Annotated[
        Path,
        typer.Option("--role", exists=True, dir_okay=False, help="Requirement set (YAML or JSON)."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    allow_host: Annotated[
        list[str] | None, typer.Option(help="Host that may be fetched although private/loopback.")
    ] = None,
) -> None:
    """Extract, verify, map to ESCO and rank every candidate in FOLDER against ROLE."""
    from ats_match.net.http import HttpFetcher
    from rules import load_requirement_set
    from worker.screening import candidate_folders, rank_screened, screen_folder

    requirement_set = load_requirement_set(role)
    fetcher = HttpFetcher(allow_hosts=allow_host) if allow_host else HttpFetcher()
    with _progress() as progress:  # on stderr, so --json output stays clean
        task = progress.add_task("Screening", total=len(candidate_folders(folder)))
        screened = screen_folder(
            folder,
            fetcher,
            on_candidate=lambda name: progress.update(task, advance=1, description=name),
        )
    ranking = rank_screened(screened, requirement_set, datetime.now(UTC).date())
    by_id = {c.folder.name: c for c in screened}
    if as_json:
        typer.echo(
            json.dumps(
                [_json_row(r, by_id[r.score.candidate_id]) for r in ranking], indent=2, default=str
            )
        )
        return
    _print_table(ranking, by_id)


def _json_row(row: RankedCandidate, candidate: ScreenedCandidate) -> dict[str, object]:
    return {
        "rank": row.rank,
        "candidate": candidate.name,
        "score": row.score.normalised,
        "qualified": row.score.qualified,
        "shortlisted": row.score.shortlisted,
        "knocked_out": row.score.knocked_out,
        "credentials": [
            {
                "format": c.form.format,
                "name": c.form.achievement.name,
                "status": c.report.status.value,
                "skills": [s.label for s in c.skills],
            }
            for c in candidate.credentials
        ],
        "errors": [e.model_dump(mode="json") for e in candidate.errors],
        "explanation": row.evaluation.model_dump(mode="json") if row.evaluation else None,
    }


def _print_table(ranking: list[RankedCandidate], by_id: dict[str, ScreenedCandidate]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Screening")
    for column in ("#", "Candidate", "Score", "Status", "Credentials", "Why"):
        table.add_column(column)
    for row in ranking:
        candidate = by_id[row.score.candidate_id]
        status = (
            "knocked out"
            if row.score.knocked_out
            else "shortlist"
            if row.score.shortlisted
            else "qualified"
            if row.score.qualified
            else "not qualified"
        )
        creds = (
            ", ".join(
                f"{c.form.achievement.name or c.form.format} ({c.report.status.value})"
                for c in candidate.credentials
            )
            or "none"
        )
        why = row.evaluation.summary if row.evaluation else ""
        table.add_row(
            str(row.rank), candidate.name, f"{row.score.normalised:.1f}", status, creds, why
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command()(screen)


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description:<24.24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
