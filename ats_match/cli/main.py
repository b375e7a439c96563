"""The ``ats-match`` command line.

The CLI is the composition root: it may reach every package, but only inside command bodies, so
importing ``ats_match`` never drags in the web or worker layers.
"""

from __future__ import annotations

import typer

from ats_match.cli import extract, normalise, ops, score, screen, verify

app = typer.Typer(
    name="ats-match",
    help="Verify candidates' digital credentials, map them to skills, rank them against roles.",
    no_args_is_help=True,
    add_completion=False,
)

ops.register(app)
extract.register(app)
verify.register(app)
normalise.register(app)
score.register(app)
screen.register(app)


if __name__ == "__main__":  # pragma: no cover
    app()
