"""``ats-match verify FILE_OR_URL``: verify credentials against their issuers and explain why.

What: read a file (JSON, JWS/JWT, baked PNG/SVG) or fetch a URL, extract every credential in it
(:mod:`ats_match.formats`), verify each one (:func:`ats_match.verification.verify_credential`)
through the product fetcher, and print the verdict with every check, as a table or as JSON.

JSON output: one object per credential (a single object when the input held one, else a list):
the four answers ``authenticity``, ``validity``, ``holder`` and ``issuer``, each
``{status, reason, detail}``; ``label`` (the recruiter's line), ``evidence_tier``, ``summary``
(the derived ``verified`` / ``failed`` / ``indeterminate``, also as ``status``), ``format``,
``checks: [{name, status, detail}]``, ``issuer_info`` and ``achievement``.
Exit status (from the summary): 0 all verified, 1 some credential failed, 3 some indeterminate
(none failed), 2 nothing could be read.

Issuer-supplied text (names, details, DIDs) is printed literally: never read as rich markup or
emoji shortcodes (``did:key:...`` must not turn into a key emoji).

Why the imports live in the function: the CLI is the composition root; importing it must not pull
in httpx, cryptography or the verifiers for ``ats-match --help``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ats_match.formats.model import ExtractionResult
    from ats_match.net.http import HttpFetcher
    from ats_match.verification.report import VerificationReport

_STATUS_STYLE = {
    "pass": "green",
    "verified": "bold green",
    "fail": "red",
    "failed": "bold red",
    "warn": "yellow",
    "skipped": "dim",
    "indeterminate": "magenta",
}
_EXIT = {"verified": 0, "failed": 1, "indeterminate": 3}


def register(app: typer.Typer) -> None:
    """Add the ``verify`` command to app."""
    app.command("verify")(verify)


def verify(
    source: Annotated[str, typer.Argument(metavar="FILE_OR_URL", help="A file or an URL.")],
    email: Annotated[
        list[str] | None, typer.Option("--email", help="The applicant's e-mail (repeatable).")
    ] = None,
    did: Annotated[
        list[str] | None,
        typer.Option("--did", help="A DID the applicant's record lists (repeatable; unproven)."),
    ] = None,
    proven_did: Annotated[
        list[str] | None,
        typer.Option("--proven-did", help="A DID the applicant proved by a signed presentation."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="Also allow this private host, IP or CIDR."),
    ] = None,
    ca_bundle: Annotated[
        Path | None, typer.Option("--ca-bundle", help="Extra CA file (PEM) to trust.")
    ] = None,
    trust_allow: Annotated[
        list[str] | None, typer.Option("--trust-allow", help="Issuer allow-list entry.")
    ] = None,
    trust_deny: Annotated[
        list[str] | None, typer.Option("--trust-deny", help="Issuer deny-list entry.")
    ] = None,
) -> None:
    """Verify the credential(s) in FILE_OR_URL and print the verdict and every check."""
    from ats_match.verification import TrustPolicy, VerificationContext, verify_credential

    fetcher = _fetcher(allow_host or [], ca_bundle)
    extracted = _extract(source, fetcher)
    if not extracted.credentials:
        _print_errors(extracted, as_json)
        raise typer.Exit(2)
    context = VerificationContext(
        fetcher=fetcher,
        applicant_emails=tuple(email or ()),
        applicant_dids=tuple(did or ()),
        proven_dids=tuple(proven_did or ()),
        trust=TrustPolicy(allow=tuple(trust_allow or ()), deny=tuple(trust_deny or ())),
    )
    reports = [verify_credential(c, context) for c in extracted.credentials]
    if as_json:
        payload = [report_json(r) for r in reports]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
    else:
        for report in reports:
            _print_table(report)
    raise typer.Exit(_exit_code(reports))


def report_json(report: VerificationReport) -> dict[str, Any]:
    """The JSON shape of one report: the four answers under their own keys, then the rest."""
    from ats_match.verification import public_answers

    return {
        **public_answers(report),
        "format": report.format,
        "status": report.status.value,
        "checks": [
            {"name": c.name, "status": c.status.value, "detail": c.detail} for c in report.checks
        ],
        "issuer_info": report.issuer.model_dump(mode="json"),
        "achievement": report.achievement.model_dump(mode="json"),
    }


def _fetcher(extra_hosts: list[str], ca_bundle: Path | None) -> HttpFetcher:
    from ats_match.net.http import HttpFetcher
    from ats_match.settings import get_settings

    settings = get_settings()
    hosts = [*settings.fetch_allow_hosts, *extra_hosts]
    return HttpFetcher(settings, allow_hosts=hosts, ca_bundle=str(ca_bundle) if ca_bundle else None)


def _extract(source: str, fetcher: HttpFetcher) -> ExtractionResult:
    from ats_match.formats import extract_bytes, extract_url
    from ats_match.settings import get_settings

    if source.startswith(("https://", "http://")):
        return extract_url(source, fetcher)
    path = Path(source)
    limit = get_settings().max_attachment_bytes
    try:
        if path.stat().st_size > limit:
            typer.echo(f"{source}: larger than {limit} bytes", err=True)
            raise typer.Exit(2)
        data = path.read_bytes()
    except OSError as exc:
        typer.echo(f"{source}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    return extract_bytes(data, source=path.name, fetcher=fetcher)


def _print_errors(extracted: ExtractionResult, as_json: bool) -> None:
    errors = [e.model_dump(mode="json") for e in extracted.errors]
    if as_json:
        typer.echo(json.dumps({"errors": errors}, indent=2))
        return
    for error in errors or [{"code": "not_a_badge", "detail": "no credential found"}]:
        typer.echo(f"{error['code']}: {error['detail']}", err=True)


def _print_table(report: VerificationReport) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Names and details come from issuers' documents: plain Text is never parsed for markup or
    # emoji, so "[green]verified[/]" cannot restyle the output and "did:key:" stays literal.
    issuer = report.issuer.name or report.issuer.id or "(unknown issuer)"
    title = Text(f"{report.format}: ")
    title.append(report.label, style=_STATUS_STYLE[report.status.value])
    title.append(f" — {report.achievement.name or '(unnamed)'} from {issuer}")
    answers = Table(show_header=False, box=None)
    for name, answer in (
        ("authenticity", report.authenticity),
        ("validity", report.validity),
        ("holder", report.holder),
        ("issuer", report.issuer_trust),
    ):
        answers.add_row(Text(name), Text(answer.status, style="bold"), Text(answer.reason))
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    for check in report.checks:
        style = _STATUS_STYLE.get(check.status.value, "")
        status = Text(check.status.value, style=style)
        if not check.required:
            status.append(" (info)")
        table.add_row(Text(check.name), status, Text(check.detail))
    console = Console(emoji=False, highlight=False)
    console.print(title, soft_wrap=True)
    console.print(answers)
    table.title = None
    console.print(table)


def _exit_code(reports: list[VerificationReport]) -> int:
    statuses = {r.status.value for r in reports}
    if "failed" in statuses:
        return _EXIT["failed"]
    if "indeterminate" in statuses:
        return _EXIT["indeterminate"]
    return _EXIT["verified"]
