"""Operating commands: database, server, worker, the all-in-one ``run`` and the demo seed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Annotated

import typer

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or migrate the database schema (alembic upgrade)."""
    from ats_match.db import upgrade
    from ats_match.settings import get_settings

    upgrade(revision=revision)
    typer.echo(f"database at {revision}: {_redact(get_settings().resolved_database_url)}")


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Server processes sharing the port (default: one per core).")
    ] = os.cpu_count() or 1,
    access_log: Annotated[
        bool, typer.Option(help="Log one line per request (off: it costs each webhook CPU).")
    ] = False,
) -> None:
    """Serve the JSON API, the webhooks and the dashboard."""
    import uvicorn

    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level="info",
        http="httptools",  # C parser and event loop: h11 and asyncio's loop cost more CPU
        loop="uvloop",  # per webhook than the handler itself (bench/ingest/README.md)
    )


def worker(
    concurrency: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    beat: Annotated[bool, typer.Option(help="Also run the periodic scheduler.")] = True,
) -> None:
    """Run a Celery worker on the configured broker."""
    os.execvp(sys.executable, _worker_argv(concurrency, beat))  # noqa: S606


def _worker_argv(concurrency: int, beat: bool) -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "worker.celery_app:celery_app",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        "--pool=prefork",
    ]
    if beat:
        from ats_match.settings import get_settings

        schedule = get_settings().data_dir.resolve() / "celerybeat-schedule"
        argv += ["--beat", f"--schedule={schedule}"]
    return argv


def run(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    seed: Annotated[bool, typer.Option(help="Seed the demo organisation first.")] = True,
) -> None:
    """Migrate, seed the demo, and serve with a supervised worker on the embedded default."""
    _serve_demo_issuer(host, port)
    db_upgrade()
    if seed:
        seed_demo()
    worker_process = subprocess.Popen(  # noqa: S603
        _worker_argv(1, True), preexec_fn=_die_with_parent if sys.platform == "linux" else None
    )
    try:
        serve(host=host, port=port, workers=1, access_log=True)  # the demo: one process, logged
    finally:
        worker_process.send_signal(signal.SIGTERM)
        try:
            worker_process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker_process.kill()


def _serve_demo_issuer(host: str, port: int) -> None:
    """Let this app be the demo's issuer: its URL is where ``run`` listens, it serves the demo
    issuer documents, and the worker may fetch them (that one host is allow-listed, for this
    process and the worker it starts; ``serve`` never does this)."""
    os.environ.setdefault("ATS_MATCH_BASE_URL", f"http://{host}:{port}")
    os.environ["ATS_MATCH_SERVE_DEMO_ISSUER"] = "true"
    from urllib.parse import urlsplit

    from ats_match.settings import get_settings

    demo_host = urlsplit(os.environ["ATS_MATCH_BASE_URL"]).hostname or host
    allowed = [h for h in os.environ.get("ATS_MATCH_FETCH_ALLOW_HOSTS", "").split(",") if h]
    if demo_host not in allowed:
        os.environ["ATS_MATCH_FETCH_ALLOW_HOSTS"] = ",".join([*allowed, demo_host])
    get_settings.cache_clear()


def _die_with_parent() -> None:
    """In the worker child (Linux): get SIGTERM when ``run`` dies, however it dies, so a killed
    ``run`` never leaves an orphan worker behind."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def seed_demo() -> None:
    """Create (once) the demo organisation, its users and jobs, and print the API keys."""
    from worker.demo import seed

    for line in seed():
        typer.echo(line)


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.command()(serve)
    app.command()(worker)
    app.command()(run)
    app.command("seed-demo")(seed_demo)


__all__ = ["register"]
