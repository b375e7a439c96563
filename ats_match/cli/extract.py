"""``ats-match extract FILE_OR_URL [--json]``: print the internal form(s) found in an attachment.

What: read a file (JSON, JWS/JWT, baked PNG/SVG, PDF/DOCX resume, text with links) or fetch an
URL through the product's SSRF-safe :class:`~ats_match.net.http.HttpFetcher`, run
:func:`ats_match.formats.extract_bytes` / :func:`~ats_match.formats.extract_url`, and print every
credential with its format, or the typed reason nothing was found.
JSON output: ``{"credentials": [...], "errors": [...], "links": [...]}``; each credential is
the :class:`CredentialForm` fields plus ``format`` and ``digest``, with ``raw`` **omitted**
(``raw_bytes`` gives its size; ``digest`` is its sha256) so output stays readable.
Exit status: 0 when at least one credential was found, 2 otherwise.
Why imports live in the function: ``ats-match --help`` must not import httpx or pypdf.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ats_match.formats.model import CredentialForm, ExtractionResult


def register(app: typer.Typer) -> None:
    """Add the ``extract`` command to app."""
    app.command("extract")(extract)


def extract(
    source: Annotated[str, typer.Argument(metavar="FILE_OR_URL", help="A file or an URL.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of a summary.")
    ] = False,
    follow_links: Annotated[
        bool,
        typer.Option(
            "--follow-links",
            help="For a file: fetch the credential links and hosted references it holds, and "
            "OB 2.0 badge classes given by URL (URLs given as FILE_OR_URL are always fetched).",
        ),
    ] = False,
) -> None:
    """Find, parse and normalise the credential(s) in FILE_OR_URL."""
    result = _extract(source, follow_links)
    if as_json:
        typer.echo(json.dumps(result_json(result), indent=2))
    else:
        _print_summary(result)
    raise typer.Exit(0 if result.credentials else 2)


def result_json(result: ExtractionResult) -> dict[str, Any]:
    """The JSON shape printed by ``--json`` (``raw`` omitted; ``digest`` identifies it)."""
    return {
        "credentials": [credential_json(c) for c in result.credentials],
        "errors": [e.model_dump(mode="json") for e in result.errors],
        "links": list(result.links),
    }


def credential_json(form: CredentialForm) -> dict[str, Any]:
    """One internal form as JSON: every field but ``raw``, plus format, digest and raw size."""
    data = form.model_dump(mode="json", exclude={"raw"})
    return {"format": form.format, "digest": form.digest, "raw_bytes": len(form.raw), **data}


def _extract(source: str, follow_links: bool) -> ExtractionResult:
    from ats_match.formats import extract_bytes, extract_url
    from ats_match.formats.model import ExtractionError, ExtractionErrorCode, ExtractionResult
    from ats_match.settings import get_settings

    if source.startswith(("https://", "http://")):
        return extract_url(source, _fetcher())
    path = Path(source)
    limit = get_settings().max_attachment_bytes
    try:
        if path.stat().st_size > limit:
            error = ExtractionError(
                code=ExtractionErrorCode.TOO_LARGE,
                detail=f"larger than {limit} bytes",
                source=source,
            )
            return ExtractionResult(errors=[error])
        data = path.read_bytes()
    except OSError as exc:
        typer.echo(f"{source}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    fetcher = _fetcher() if follow_links else None
    return extract_bytes(data, source=path.name, fetcher=fetcher)


def _fetcher() -> Any:
    from ats_match.net.http import HttpFetcher
    from ats_match.settings import get_settings

    return HttpFetcher(get_settings())


def _print_summary(result: ExtractionResult) -> None:
    for form in result.credentials:
        nested = f" (in bundle {form.bundle_digest[:12]})" if form.bundle_digest else ""
        typer.echo(
            f"{form.format}: {form.achievement.name or '(unnamed)'}"
            f" from {form.issuer.name or form.issuer.id or '(unknown issuer)'}"
            f" [{form.digest[:12]}]{nested}"
        )
    for link in result.links:
        typer.echo(f"link: {link}")
    for error in result.errors:
        typer.echo(f"{error.code.value}: {error.detail}", err=True)
