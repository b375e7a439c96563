"""Skill matches remembered per process, per matcher and achievement.

Many applicants hold the same credential (one course, one issuer, the same achievement text),
and a match depends only on the matcher (the organisation's taxonomy, synonyms and catalogue)
and the achievement itself, plus a recruiter's override for its id. Matching costs ~1-3 ms of
CPU per credential (embedding, a product against every skill, featurising ~50 candidates);
remembering it makes a repeated achievement free. An organisation's matcher is rebuilt when one
of its files changes, so its entries go with the old matcher object.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from ats_match.formats.model import AchievementInfo
from ats_match.taxonomy.results import NormalisationResult

MAX_PER_MATCHER = 4096

_Key = tuple[str, tuple[str, ...]]
_CACHE: weakref.WeakKeyDictionary[Any, OrderedDict[_Key, NormalisationResult]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def match_many(
    matcher: Any,
    achievements: Sequence[AchievementInfo],
    overrides: Mapping[str, list[str]],
) -> list[NormalisationResult]:
    """``matcher.match_many(achievements, overrides=overrides)``, computing only the
    achievements not seen before with the same override (in one batched call)."""
    keys = [_key(a, overrides) for a in achievements]
    with _LOCK:
        known = _CACHE.setdefault(matcher, OrderedDict())
        found = {k: known[k] for k in keys if k in known}
        for key in found:
            known.move_to_end(key)
    missing = list(dict.fromkeys(k for k in keys if k not in found))
    if missing:
        wanted = {k: a for k, a in zip(keys, achievements, strict=True) if k in missing}
        fresh = matcher.match_many([wanted[k] for k in missing], overrides=overrides)
        computed = dict(zip(missing, fresh, strict=True))
        found.update(computed)
        with _LOCK:
            known.update(computed)
            while len(known) > MAX_PER_MATCHER:
                known.popitem(last=False)
    return [found[k] for k in keys]


def _key(achievement: AchievementInfo, overrides: Mapping[str, list[str]]) -> _Key:
    override = overrides.get(achievement.id or "") if achievement.id else None
    return achievement.model_dump_json(), tuple(override or ())


def clear() -> None:
    """Forget every remembered match (tests that change the taxonomy in place)."""
    with _LOCK:
        _CACHE.clear()
