"""``ats-match normalise`` and ``ats-match taxonomy ...``: map text to skills, evaluate, inspect.

The taxonomy package is imported inside command bodies so ``ats-match --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ats_match.taxonomy import SkillMatch, SkillMatcher, Taxonomy
    from ats_match.taxonomy.evaluate import EvalReport

DEFAULT_THRESHOLD = 0.5  # the matcher's calibrated default (ats_match.taxonomy.matcher)

taxonomy_app = typer.Typer(help="Inspect the skills taxonomy and evaluate the matcher.")

EscoCsv = Annotated[
    Path | None,
    typer.Option("--esco-csv", help="Official ESCO export skills_en.csv instead of the default."),
]
Broader = Annotated[
    Path | None,
    typer.Option("--broader", help="ESCO broaderRelationsSkillPillar.csv (with --esco-csv)."),
]
Employer = Annotated[
    Path | None,
    typer.Option("--taxonomy", help="Employer taxonomy (CSV/YAML) merged over ESCO."),
]
Synonyms = Annotated[
    Path | None, typer.Option("--synonyms", help="Employer synonym list (CSV/YAML).")
]
CatalogueFile = Annotated[
    Path | None,
    typer.Option("--catalogue", help="Extra credential catalogue (YAML/JSON) over the shipped."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Threshold = Annotated[
    float, typer.Option("--threshold", min=0.0, max=1.0, help="Confidence below = unmapped.")
]


def register(app: typer.Typer) -> None:
    """Add ``normalise`` and the ``taxonomy`` group to app."""
    app.command("normalise")(normalise)
    app.add_typer(taxonomy_app, name="taxonomy")


def _taxonomy(esco_csv: Path | None, broader: Path | None, employer: Path | None) -> Taxonomy:
    """The default ESCO taxonomy, or an ESCO export, with an employer taxonomy merged over it."""
    from ats_match.taxonomy import (
        TaxonomyFileError,
        default_taxonomy,
        load_employer_taxonomy,
        load_esco_csv,
    )

    try:
        base = load_esco_csv(esco_csv, broader) if esco_csv else default_taxonomy()
        return base.merged(load_employer_taxonomy(employer)) if employer else base
    except (TaxonomyFileError, OSError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def _synonyms(path: Path | None, taxonomy: Taxonomy) -> dict[str, list[str]]:
    from ats_match.taxonomy import TaxonomyFileError, load_synonyms

    if path is None:
        return {}
    try:
        return load_synonyms(path, taxonomy)
    except (TaxonomyFileError, OSError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def _matcher(
    esco_csv: Path | None,
    broader: Path | None,
    employer: Path | None,
    synonyms: Path | None,
    catalogue: Path | None,
    threshold: float | None,
    *,
    semantic: bool = True,
    vendor_skills: bool = True,
) -> SkillMatcher:
    """The matcher over the chosen taxonomy, with the employer's synonyms and catalogue."""
    from ats_match.taxonomy import SkillMatcher, TaxonomyFileError
    from ats_match.taxonomy.catalogue import default_catalogue, load_catalogue

    taxonomy = _taxonomy(esco_csv, broader, employer)
    try:
        cat = default_catalogue()
        if catalogue is not None:
            cat = cat.merged(load_catalogue(catalogue))
    except (TaxonomyFileError, OSError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    vendor = cat.vendor_taxonomy()
    if vendor_skills and len(vendor):
        taxonomy = taxonomy.merged(vendor, name=taxonomy.name)
    return SkillMatcher(
        taxonomy,
        synonyms=_synonyms(synonyms, taxonomy),
        threshold=threshold,
        catalogue=cat,
        semantic=semantic,
    )


def normalise(
    text: Annotated[
        str | None, typer.Argument(metavar="[TEXT]", help="A badge name or skill text.")
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help="JSON Lines, one {name, description, criteria?, alignments?} a line; "
            "prints one result a line, in input order.",
        ),
    ] = None,
    as_json: AsJson = False,
    top: Annotated[int, typer.Option("--top", min=1, help="How many skills to show.")] = 5,
    threshold: Threshold = DEFAULT_THRESHOLD,
    esco_csv: EscoCsv = None,
    broader: Broader = None,
    employer: Employer = None,
    synonyms: Synonyms = None,
    catalogue: CatalogueFile = None,
) -> None:
    """Print the skills TEXT maps to (or every credential of a --batch file)."""
    if (text is None) == (batch is None):
        typer.echo("give either TEXT or --batch FILE", err=True)
        raise typer.Exit(2)
    matcher = _matcher(esco_csv, broader, employer, synonyms, catalogue, threshold)
    if batch is not None:
        from ats_match.cli.batch import run_batch

        raise typer.Exit(run_batch(batch, matcher))
    assert text is not None
    matches = matcher.match_text(text, top=top)
    if as_json:
        payload = {
            "text": text,
            "unmapped": not matches or matches[0].confidence < threshold,
            "skills": [m.model_dump() for m in matches],
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    _print_matches(text, matches, threshold)


def _print_matches(text: str, matches: list[SkillMatch], threshold: float) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Skills for {text!r}")
    for column in ("#", "confidence", "skill", "matched label", "matched text", "method"):
        table.add_column(column)
    for rank, m in enumerate(matches, 1):
        style = None if m.confidence >= threshold else "dim"
        row = (
            str(rank),
            f"{m.confidence:.2f}",
            m.label,
            m.matched_label or "",
            m.matched_text or "",
        )
        table.add_row(*row, m.method, style=style)
    console = Console()
    console.print(table)
    console.print("URIs: --json", style="dim")
    if not matches or matches[0].confidence < threshold:
        console.print(f"unmapped: no skill reached {threshold:.2f}; rows above are suggestions")


@taxonomy_app.command("eval")
def eval_command(
    file: Annotated[
        Path | None,
        typer.Argument(help="Labelled credentials (JSON Lines); default: the shipped test split."),
    ] = None,
    split: Annotated[
        str, typer.Option("--split", help="Shipped split when no FILE: test or dev.")
    ] = "test",
    as_json: AsJson = False,
    threshold: Threshold = DEFAULT_THRESHOLD,
    no_catalogue: Annotated[
        bool, typer.Option("--no-catalogue", help="Leave the credential catalogue out.")
    ] = False,
    lexical_only: Annotated[
        bool, typer.Option("--lexical-only", help="The lexical path alone (no embeddings).")
    ] = False,
    name_only: Annotated[
        bool, typer.Option("--name-only", help="Give the matcher the names alone.")
    ] = False,
    esco_csv: EscoCsv = None,
    broader: Broader = None,
    employer: Employer = None,
) -> None:
    """Top-1 / top-5, unmapped rate, traps, calibration and per-domain figures on a labelled
    set of credentials (name + description)."""
    from pydantic import ValidationError

    from ats_match.taxonomy.catalogue import Catalogue
    from ats_match.taxonomy.eval_set import DEV_SET, TEST_SET, load_credentials
    from ats_match.taxonomy.evaluate import evaluate

    path = file or (DEV_SET if split == "dev" else TEST_SET)
    try:
        examples = load_credentials(path)
    except (ValidationError, ValueError, OSError) as exc:
        typer.echo(f"{path}: invalid labelled set: {exc}", err=True)
        raise typer.Exit(2) from None
    matcher = _matcher(
        esco_csv,
        broader,
        employer,
        None,
        None,
        None if lexical_only else threshold,  # the lexical path has its own scale
        semantic=not lexical_only,
        vendor_skills=False,  # labels are ESCO concepts: vendor skills would only compete
    )
    if no_catalogue:
        matcher.catalogue = Catalogue([])
    report = evaluate(examples, matcher, name_only=name_only)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    _print_report(path, report)


def _print_report(path: Path, report: EvalReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"{path.name}: {report.total} labelled credentials")
    console.print(
        f"top-1 {report.top1:.1%}   top-5 {report.top5:.1%}   "
        f"unmapped {report.unmapped:.1%} (threshold {report.threshold:.2f})"
    )
    console.print(
        f"traps: top-1 right {report.traps_right}/{report.traps}, "
        f"decoy avoided {report.decoys_avoided}/{report.traps}"
    )
    curve = Table(title=f"calibration (ECE {report.ece:.3f})")
    for column in ("confidence", "skills given", "mean confidence", "right"):
        curve.add_column(column)
    for b in report.calibration:
        curve.add_row(
            str(b["range"]), str(b["count"]), f"{b['mean_confidence']:.2f}", f"{b['accuracy']:.2f}"
        )
    console.print(curve)
    domains = Table(title="per domain")
    for column in ("domain", "n", "top-1", "top-5"):
        domains.add_column(column)
    for name, fig in sorted(report.domains.items()):
        domains.add_row(name, str(fig.total), f"{fig.top1:.2f}", f"{fig.top5:.2f}")
    console.print(domains)


@taxonomy_app.command("build")
def build_command(
    source: Annotated[
        Path | None,
        typer.Argument(help="Folder with the ESCO files (default ../shared/taxonomy)."),
    ] = None,
    vectors: Annotated[
        bool, typer.Option("--vectors/--no-vectors", help="Also embed the skills (slow part).")
    ] = True,
) -> None:
    """Regenerate the packaged default (skills, hierarchy, occupations, vectors) from ESCO."""
    from ats_match.taxonomy.build_default import main as build_main

    for line in build_main([str(source)] if source else [], with_vectors=vectors):
        typer.echo(line)


@taxonomy_app.command("info")
def info(
    as_json: AsJson = False,
    esco_csv: EscoCsv = None,
    broader: Broader = None,
    employer: Employer = None,
) -> None:
    """What the taxonomy holds: skills, labels, skill types, hierarchy links."""
    taxonomy = _taxonomy(esco_csv, broader, employer)
    types: dict[str, int] = {}
    for skill in taxonomy:
        types[skill.skill_type or "unknown"] = types.get(skill.skill_type or "unknown", 0) + 1
    figures = {
        "name": taxonomy.name,
        "skills": len(taxonomy),
        "labels": sum(len(s.labels) for s in taxonomy),
        "with_description": sum(bool(s.description) for s in taxonomy),
        "broader_links": sum(len(s.broader) for s in taxonomy),
        "skill_types": dict(sorted(types.items())),
    }
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        typer.echo(f"{key}: {value}")


@taxonomy_app.command("show")
def show(
    uri: Annotated[str, typer.Argument(help="A skill concept URI.")],
    esco_csv: EscoCsv = None,
    broader: Broader = None,
    employer: Employer = None,
) -> None:
    """Print one skill: labels, description, type, broader and narrower skills."""
    taxonomy = _taxonomy(esco_csv, broader, employer)
    skill = taxonomy.get(uri)
    if skill is None:
        typer.echo(f"{uri}: not in the taxonomy", err=True)
        raise typer.Exit(1)
    payload = {
        "uri": skill.uri,
        "preferred_label": skill.preferred_label,
        "alt_labels": list(skill.alt_labels),
        "description": skill.description,
        "skill_type": skill.skill_type,
        "broader": [s.uri for s in taxonomy.broader(uri)] or list(skill.broader),
        "narrower": [s.uri for s in taxonomy.narrower(uri)],
    }
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
