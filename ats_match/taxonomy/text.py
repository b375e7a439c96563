"""Text normalisation, tokenisation and segmentation shared by the index and the matcher."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^\w+#]+")
_SEGMENT_SPLIT = re.compile(
    r"\s*(?:[,;:/&|()\[\]]|\s-\s|\.\s|\b(?:and|for|with|in|using|of|or|via|to|on)\b)\s*",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "for",
        "to",
        "in",
        "on",
        "with",
        "by",
        "at",
        "from",
        "as",
        "into",
        "via",
        "using",
        "use",
        "is",
        "are",
        "be",
        "this",
        "that",
        "your",
        "their",
        "its",
        "course",
        "certificate",
        "certification",
        "badge",
        "level",
        "introduction",
        "intro",
        "basics",
        "fundamentals",
        "foundations",
        "advanced",
        "beginner",
        "intermediate",
        "skills",
        "skill",
        "training",
    ]
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s")


def normalise(text: str) -> str:
    """Casefold, strip accents and punctuation (keeping '+' and '#', as in C++ and C#)."""
    folded = (
        text
        if text.isascii()  # most labels: skip the Unicode decomposition
        else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    )
    return " ".join(_NON_WORD.sub(" ", folded.casefold()).split())


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """A crude suffix stripper: enough to meet 'analysing' and 'analysis' halfway."""
    for suffix in _SUFFIXES:
        if len(token) - len(suffix) >= 4 and token.endswith(suffix):
            token = token[: -len(suffix)]
            break
    if token.endswith(("ise", "ize", "yse", "yze", "sis")) and len(token) > 6:
        token = token[:-3]
    return token


def tokens(text: str) -> list[str]:
    """Stemmed content tokens of ``text`` (stop words dropped unless nothing else is left)."""
    return normalised_tokens(normalise(text))


def normalised_tokens(normed: str) -> list[str]:
    """:func:`tokens` of a text :func:`normalise` already returned."""
    words = normed.split()
    content = [w for w in words if w not in STOPWORDS]
    return [stem(w) for w in (content or words)]


def segments(text: str) -> list[str]:
    """Sub-phrases a multi-skill title splits into ("Python for data analysis" -> both halves)."""
    parts = [p.strip() for p in _SEGMENT_SPLIT.split(text) if p and p.strip()]
    return [p for p in parts if normalise(p) and normalise(p) not in STOPWORDS]


_BOILERPLATE = re.compile(
    r"\b(?:certified|certification|certifications|certificate|professional|associate|course|"
    r"level|foundations?|specialist|programme|program|award|diploma|training|badge|essentials|"
    r"fundamentals|introduction|intro|provider|exam|licen[cs]e|credential|hours?|"
    r"speciali[sz]ation|micro-?credential|i{1,3}|\d+)\b",
    re.IGNORECASE,
)
_ASIDES = re.compile(r"\([^)]*\)|[\u2013\u2014:,]")


def credential_core(name: str) -> str:
    """A credential name without the words every credential has ("Certified", "Level 2",
    "(CKA)"), which carry no skill: "AWS Certified Solutions Architect - Associate" -> "AWS
    Solutions Architect". The name itself when nothing would be left."""
    core = " ".join(_BOILERPLATE.sub(" ", _ASIDES.sub(" ", name)).split())
    return core or name.strip()


_AWARDING_BODIES = re.compile(
    r"\b(?:microsoft|google|comptia|hashicorp|red hat|adobe|amazon web services|aws|ibm|meta|"
    r"coursera|edx|linkedin|udemy|oracle|apple|autodesk|intuit)\b",
    re.IGNORECASE,
)


def skill_core(name: str) -> str:
    """:func:`credential_core` without the names of big awarding organisations, whose words say
    who certifies, not what: to a word-vector model "Microsoft" in "Microsoft Azure
    Fundamentals" means Microsoft Access, "Red Hat" a hat, "Oracle" a seer. (Only organisations
    whose name is no ESCO label; "Cisco" and "Unity" are.) The core itself when nothing would
    be left."""
    core = credential_core(name)
    stripped = " ".join(_AWARDING_BODIES.sub(" ", core).split())
    return stripped or core
