"""The ``ats-match`` command line.

The CLI is the composition root: it may reach every package, but only inside command bodies, so
importing ``ats_match`` never drags in the web or worker layers.
"""

from __future__ import annotations

import typer

from ats_match.cli import extract, importer, normalise, ops, score, screen, verify

app = typer.Typer(
    name="ats-match",
    help="Verify candidates' digital credentials, map them to skills, rank them against roles.",
    no_args_is_help=True,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("ats-match")
        except PackageNotFoundError:  # running from a source tree that was never installed
            found = "unknown"
        typer.echo(f"ats-match {found}")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Verify candidates' digital credentials, map them to skills, rank them against roles."""


ops.register(app)
extract.register(app)
verify.register(app)
normalise.register(app)
score.register(app)
screen.register(app)
importer.register(app)


if __name__ == "__main__":  # pragma: no cover
    app()
