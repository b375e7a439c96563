"""What ``ats-match import`` reads: one :class:`Entry` per candidate, from a folder or a CSV.

Folder layouts (both may be mixed):

* one sub-folder per candidate, holding their files; the candidate is named by an optional
  ``candidate.json`` (``name``, ``email`` or ``emails``, ``external_id``, ``links``), else by the
  folder's name when it is an e-mail address; ``links.txt`` holds links, one per line;
* files named by e-mail at the top: ``ada@x.org.png``, or several as ``ada@x.org__sql.jwt``.

CSV: a header row with ``name``, ``email`` and optionally ``job``, ``external_id``, ``files``
and ``links``; ``files`` and ``links`` hold ``;``-separated paths (relative to the CSV) and
URLs (a URL in ``files`` is taken as a link). Rows that cannot be read become entries with a
``problem``, so the summary names them instead of the run stopping.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROFILE = "candidate.json"
LINKS = "links.txt"
_EMAIL = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")
_SEPARATOR = "__"
_EXTENSIONS = frozenset({"png", "svg", "json", "jsonld", "jwt", "jws", "txt", "pdf", "docx"})


@dataclass(frozen=True)
class Entry:
    """One candidate to import."""

    label: str
    """Where it came from (a folder, a file group, ``file.csv:3``), shown in the summary."""
    name: str = ""
    email: str = ""
    external_id: str | None = None
    paths: tuple[Path, ...] = ()
    links: tuple[str, ...] = ()
    job: str | None = None
    """The CSV row's job id, overriding ``--job``."""
    problem: str | None = None
    """Why this entry cannot be imported (reported as failed)."""


def read_source(source: Path) -> list[Entry]:
    """The entries of a folder or a CSV file, in a stable order (so a re-run walks the same
    way)."""
    if source.is_dir():
        return from_directory(source)
    if source.suffix.lower() == ".csv":
        return from_csv(source)
    raise ValueError(f"{source} is neither a folder nor a .csv file")


def from_directory(folder: Path) -> list[Entry]:
    children = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    entries = [_from_folder(p) for p in children if p.is_dir()]
    groups: dict[str, list[Path]] = {}
    for path in (p for p in children if p.is_file()):
        email = email_of_file(path.name)
        if email is None:
            entries.append(
                Entry(
                    label=path.name,
                    problem="not named by an e-mail address (ada@x.org.png, ada@x.org__cv.jwt)",
                )
            )
            continue
        groups.setdefault(email, []).append(path)
    for email, paths in groups.items():
        entries.append(Entry(email, _name_of(email), email, None, tuple(paths)))
    return entries


def email_of_file(filename: str) -> str | None:
    """``ada@x.org.png`` and ``ada@x.org__badge.png`` are Ada's; anything else is nobody's."""
    if _SEPARATOR in filename:
        stem = filename.split(_SEPARATOR, 1)[0]
    else:
        base, _, extension = filename.rpartition(".")
        stem = base if base and extension.lower() in _EXTENSIONS else filename
    return stem.lower() if _EMAIL.match(stem) else None


def _from_folder(folder: Path) -> Entry:
    try:
        profile = _profile(folder)
    except ValueError as exc:
        return Entry(label=folder.name, problem=str(exc))
    emails = profile.get("emails") or []
    email = str(profile.get("email") or (emails[0] if emails else "") or "")
    if not email and _EMAIL.match(folder.name):
        email = folder.name
    if not email:
        return Entry(
            label=folder.name,
            problem=f"no e-mail: name the folder by it, or put one in {PROFILE}",
        )
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name not in (PROFILE, LINKS))
    links = [str(link) for link in profile.get("links") or []]
    if (folder / LINKS).is_file():
        links += _split_lines((folder / LINKS).read_text(encoding="utf-8", errors="replace"))
    return Entry(
        label=folder.name,
        name=str(profile.get("name") or _name_of(email)),
        email=email,
        external_id=str(profile["external_id"]) if profile.get("external_id") else None,
        paths=tuple(p for p in files if not p.name.startswith(".")),
        links=tuple(links),
    )


def _profile(folder: Path) -> dict[str, Any]:
    path = folder / PROFILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{PROFILE} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{PROFILE} must hold an object")
    return data


def from_csv(path: Path) -> list[Entry]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return [_from_row(path, number, row) for number, row in enumerate(rows, start=2)]


def _from_row(path: Path, number: int, row: dict[str, Any]) -> Entry:
    cells = {str(k).strip().lower(): str(v or "").strip() for k, v in row.items() if k}
    label = f"{path.name}:{number}"
    email = cells.get("email", "")
    if not email:
        return Entry(label=label, problem="the email column is empty")
    paths: list[Path] = []
    links = _split(cells.get("links", ""))
    for item in _split(cells.get("files", "")):
        if item.startswith(("https://", "http://")):
            links.append(item)
            continue
        file = (path.parent / item).resolve()
        if not file.is_file():
            return Entry(label=label, email=email, problem=f"file not found: {item}")
        paths.append(file)
    return Entry(
        label=f"{label} {email}",
        name=cells.get("name") or _name_of(email),
        email=email,
        external_id=cells.get("external_id") or None,
        paths=tuple(paths),
        links=tuple(links),
        job=cells.get("job") or None,
    )


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _name_of(email: str) -> str:
    return email.split("@", 1)[0].replace(".", " ").replace("_", " ").strip().title() or email
