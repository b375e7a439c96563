"""``ats-match import DIR|CSV``: many candidates at once, through the upload's own service.

Each candidate is one :func:`ats_match.services.intake.submit` in its own transaction, so the
inbox is the ledger: a re-run (or the continuation of an interrupted run) finds what was stored
already and skips it, and nothing is imported twice. The stored deliveries are then published
for the worker, or with ``--process`` verified and scored right here.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ats_match.cli.import_sources import Entry, read_source

INTERRUPTED_EXIT = 130


@dataclass
class Outcome:
    """What became of one entry: ``imported``, ``skipped`` (stored before) or ``failed``."""

    source: str
    email: str
    outcome: str
    reason: str | None = None
    application_id: str | None = None
    delivery_id: str | None = None
    organization_id: str | None = None
    ignored_files: list[dict[str, str | None]] = field(default_factory=list)


def import_applications(
    source: Annotated[Path, typer.Argument(exists=True, help="A folder or a .csv file.")],
    job: Annotated[
        str | None, typer.Option("--job", help="Job id (a CSV 'job' column overrides it).")
    ] = None,
    process: Annotated[
        bool, typer.Option("--process", help="Verify and score here instead of in the worker.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import candidates' credentials from SOURCE as applications for a job; resumable and
    idempotent (re-running imports nothing twice)."""
    try:
        entries = read_source(source)
    except (ValueError, OSError) as exc:
        raise typer.BadParameter(str(exc), param_hint="SOURCE") from None
    if job is not None:
        try:
            uuid.UUID(job)
        except ValueError:
            raise typer.BadParameter(
                f"{job!r} is not a job id (a UUID)", param_hint="--job"
            ) from None
    outcomes: list[Outcome] = []
    interrupted = False
    with _progress() as progress:  # on stderr, so --json output stays clean
        task = progress.add_task("Importing", total=len(entries))
        try:
            for entry in entries:
                outcomes.append(import_entry(entry, job))
                progress.update(task, advance=1, description=entry.label)
        except KeyboardInterrupt:
            interrupted = True
    queued = _hand_over(outcomes, process)
    _report(outcomes, queued, interrupted, as_json, process)
    if interrupted:
        raise typer.Exit(INTERRUPTED_EXIT)
    if any(o.outcome == "failed" for o in outcomes):
        raise typer.Exit(1)


def import_entry(entry: Entry, default_job: str | None) -> Outcome:
    """Store one entry through the intake service, in its own committed transaction."""
    from ats_match.db import unit_of_work
    from ats_match.errors import AtsMatchError
    from ats_match.services import intake

    failed = Outcome(entry.label, entry.email, "failed")
    if entry.problem:
        return _with(failed, reason=entry.problem)
    try:
        job_id = uuid.UUID(entry.job or default_job or "")
    except ValueError:
        return _with(failed, reason=f"no job id: give --job or a job column ({entry.job!r})")
    try:
        files = [_read(path) for path in entry.paths]
        with unit_of_work() as session:
            organization_id = _organisation_of(session, job_id)
            receipt = intake.submit(
                session,
                organization_id,
                intake.Upload(
                    job_id=job_id,
                    candidate_name=entry.name,
                    candidate_email=entry.email,
                    candidate_external_id=entry.external_id,
                    files=files,
                    links=entry.links,
                    source="import",
                ),
            )
    except (AtsMatchError, OSError) as exc:
        return _with(failed, reason=getattr(exc, "message", None) or str(exc))
    return Outcome(
        entry.label,
        entry.email,
        "skipped" if receipt.duplicate else "imported",
        "already imported" if receipt.duplicate else None,
        str(receipt.application_id),
        str(receipt.delivery_id),
        str(organization_id),
        [{"filename": f.filename, "reason": f.reason} for f in receipt.files if not f.kind],
    )


def _organisation_of(session: Any, job_id: uuid.UUID) -> uuid.UUID:
    """The command runs as the operator: the job names its organisation."""
    from ats_match.errors import NotFound
    from ats_match.models import Job

    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    return uuid.UUID(str(job.organization_id))


def _read(path: Path) -> Any:
    from ats_match.errors import PayloadTooLarge
    from ats_match.services import intake
    from ats_match.settings import get_settings

    limit = get_settings().max_upload_file_bytes
    size = path.stat().st_size
    if size > limit:
        raise PayloadTooLarge(f"file '{path.name}' is {size} bytes (limit {limit})")
    return intake.UploadFile(filename=path.name, data=path.read_bytes())


def _with(outcome: Outcome, **changes: Any) -> Outcome:
    return Outcome(**{**asdict(outcome), **changes})


def _hand_over(outcomes: list[Outcome], process: bool) -> int:
    """Publish the new deliveries for the worker (or run its job here); returns how many.

    With ``process``, skipped entries are run too: one stored by an earlier run that was
    interrupted before its processing is still waiting (the job skips those already handled).
    """
    from ats_match.db import get_engine
    from ats_match.services import inbox

    wanted = {"imported", "skipped"} if process else {"imported"}
    new: dict[str, list[str]] = {}
    for o in outcomes:
        if o.outcome in wanted and o.organization_id and o.delivery_id:
            new.setdefault(o.organization_id, []).append(o.delivery_id)
    if not new:
        return 0
    if process:
        return _process_here(new)
    from worker.celery_app import publish

    try:
        return inbox.relay_deliveries(get_engine(), publish)
    except Exception:  # the broker is down: the worker's periodic relay publishes them later
        return 0


def _process_here(deliveries: dict[str, list[str]]) -> int:
    """Run the worker's job in this process; returns how many deliveries it handled now."""
    from ats_match.db import unit_of_work
    from ats_match.models import WebhookDelivery
    from worker.tasks import process_deliveries

    handled = 0
    for organization_id, ids in deliveries.items():
        with unit_of_work() as session:
            waiting = [i for i in ids if _waiting(session.get(WebhookDelivery, uuid.UUID(i)))]
        if waiting:
            process_deliveries.apply(args=[organization_id, waiting]).get()
        handled += len(waiting)
    return handled


def _waiting(delivery: Any) -> bool:
    return delivery is not None and delivery.handled_at is None


def _report(
    outcomes: list[Outcome], queued: int, interrupted: bool, as_json: bool, process: bool
) -> None:
    counts = Counter(o.outcome for o in outcomes)
    totals = {name: counts.get(name, 0) for name in ("imported", "skipped", "failed")}
    handed = "processed" if process else "queued for the worker"
    if as_json:
        document = {
            **totals,
            handed.replace(" ", "_"): queued,
            "interrupted": interrupted,
            "entries": [asdict(o) for o in outcomes],
        }
        typer.echo(json.dumps(document, indent=2))
        return
    console = Console()
    table = Table("source", "e-mail", "outcome", "reason / application")
    for o in outcomes:
        detail = o.reason or o.application_id or ""
        if o.ignored_files:
            detail += " (ignored: " + ", ".join(str(f["filename"]) for f in o.ignored_files) + ")"
        table.add_row(o.source, o.email, o.outcome, detail)
    console.print(table)
    console.print(
        f"imported {totals['imported']}, skipped {totals['skipped']}, failed {totals['failed']}"
        f"; {queued} {handed}"
    )
    if interrupted:
        console.print("interrupted: run the same command again to continue")


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description:<32.32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def register(app: typer.Typer) -> None:
    app.command("import")(import_applications)
