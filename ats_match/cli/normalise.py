"""``ats-match normalise`` and ``ats-match taxonomy ...``: map text to skills, evaluate, inspect.

The taxonomy package is imported inside command bodies so ``ats-match --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ats_match.taxonomy import SkillMatch, Taxonomy

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


def normalise(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="A badge name or skill text.")],
    as_json: AsJson = False,
    top: Annotated[int, typer.Option("--top", min=1, help="How many skills to show.")] = 5,
    threshold: Threshold = 0.75,
    esco_csv: EscoCsv = None,
    broader: Broader = None,
    employer: Employer = None,
    synonyms: Synonyms = None,
) -> None:
    """Print the skills TEXT maps to, ranked, with confidences and what matched."""
    from ats_match.taxonomy import SkillMatcher

    taxonomy = _taxonomy(esco_csv, broader, employer)
    matcher = SkillMatcher(taxonomy, synonyms=_synonyms(synonyms, taxonomy), threshold=threshold)
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
    file: Annotated[Path, typer.Argument(help="Labelled set, JSON Lines {text, expected}.")],
    as_json: AsJson = False,
    threshold: Threshold = 0.75,
    esco_csv: EscoCsv = None,
    broader: Broader = None,
    employer: Employer = None,
) -> None:
    """Top-1 / top-5 accuracy and unmapped rate of the matcher on a labelled set."""
    from pydantic import ValidationError

    from ats_match.taxonomy.evaluate import evaluate, load_labelled

    try:
        examples = load_labelled(file)
    except (ValidationError, ValueError, OSError) as exc:
        typer.echo(f"{file}: invalid labelled set: {exc}", err=True)
        raise typer.Exit(2) from None
    report = evaluate(examples, _taxonomy(esco_csv, broader, employer), threshold=threshold)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    held = sum(e.holdout for e in examples)
    typer.echo(f"labelled texts: {report.total} ({held} held out of the index)")
    typer.echo(f"top-1 accuracy: {report.top1:.1%}")
    typer.echo(f"top-5 accuracy: {report.top5:.1%}")
    typer.echo(f"unmapped rate:  {report.unmapped:.1%} (threshold {threshold:.2f})")


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
