"""``ats-match score``: rank a candidates file against a requirement set, with explanations.

The rules engine is imported inside the command body: ``ats_match`` never imports ``rules`` at
module level (dependency direction), and ``ats-match --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rules.api import RankedCandidate

_OUTCOME_STYLE = {
    "met": "green",
    "partly_met": "yellow",
    "unmet": "red",
    "not_evaluable": "magenta",
}


def register(app: typer.Typer) -> None:
    """Add the ``score`` command to app."""
    app.command("score")(score)


def score(
    candidates: Annotated[Path, typer.Argument(help="Candidates JSON: {'candidates': [...]}.")],
    role: Annotated[Path, typer.Option("--role", help="Requirement set (YAML or JSON).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Reference date YYYY-MM-DD (default: file's, else today)."),
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", help="Show only the first N candidates.")
    ] = None,
) -> None:
    """Rank candidates against a role's requirement set and explain every score."""
    from pydantic import ValidationError

    from rules import RequirementSetError, load_requirement_set, rank_candidates
    from rules.inputs import CandidateFile

    try:
        rs = load_requirement_set(role)
    except RequirementSetError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    try:
        file = _read_candidates(candidates, CandidateFile)
    except (ValidationError, ValueError, OSError) as exc:
        typer.echo(f"{candidates}: invalid candidates file: {exc}", err=True)
        raise typer.Exit(2) from None
    reference = _reference_date(as_of, file.reference_date)
    ranking = rank_candidates(rs, file.candidates, reference, explain_top=top)
    shown = ranking if top is None else ranking[:top]
    if as_json:
        _print_json(rs.id, rs.version, reference, shown)
    else:
        _print_table(rs.name, rs.version, reference, shown)


def _read_candidates(path: Path, model: Any) -> Any:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return model.model_validate({"candidates": raw} if isinstance(raw, list) else raw)


def _reference_date(as_of: str | None, from_file: date | None) -> date:
    if as_of:
        try:
            return date.fromisoformat(as_of)
        except ValueError:
            typer.echo(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)", err=True)
            raise typer.Exit(2) from None
    return from_file or datetime.now(UTC).date()


def _print_json(
    set_id: str, version: int | None, reference: date, ranking: list[RankedCandidate]
) -> None:
    payload = {
        "requirement_set_id": set_id,
        "version": version,
        "reference_date": reference.isoformat(),
        "ranking": [
            {"rank": r.rank, **(r.evaluation.model_dump(mode="json") if r.evaluation else {})}
            for r in ranking
        ],
    }
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def _print_table(
    name: str, version: int | None, reference: date, ranking: list[RankedCandidate]
) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    title = f"{name}{f' v{version}' if version else ''} - reference date {reference.isoformat()}"
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Candidate", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Why", ratio=1)
    for row in ranking:
        ev = row.evaluation
        if ev is None:
            continue
        why = "\n".join(
            f"[{_OUTCOME_STYLE[r.outcome]}]{r.points:g}/{r.max_points:g}[/] {r.sentence}"
            for r in ev.rules
        )
        table.add_row(
            str(row.rank),
            f"{ev.candidate_name or ev.candidate_id}\n[dim]{ev.candidate_id}[/]",
            f"{ev.normalised:.1f}",
            _status(ev.knocked_out, ev.needs_review, ev.shortlisted, ev.qualified),
            f"[bold]{ev.summary}[/]\n{why}",
        )
    console.print(table)


def _status(knocked_out: bool, needs_review: bool, shortlisted: bool, qualified: bool) -> str:
    if knocked_out:
        return "[red]knocked out[/]"
    if needs_review:
        return "[magenta]needs review[/]"
    if shortlisted:
        return "[green]shortlist[/]"
    return "[cyan]qualified[/]" if qualified else "[yellow]not qualified[/]"
