"""JSON-LD expansion in safe mode and bounded RDFC-1.0 canonicalisation, fast on warm contexts.

What: :func:`canonical_nquads` expands a document once with pyld, refuses it when expansion
dropped anything (JSON-LD "safe mode", which pyld 3.3 does not have), turns the expanded form
into an RDF dataset and canonicalises it with openbadgeslib's metered URDNA2015 (identical
output to RDFC-1.0 on these inputs, with a work and CPU cap against poison graphs).

Why safe mode: a Data Integrity proof signs the RDF a document expands to. A property no context
defines (or one that expands to a relative IRI, or is mapped to ``null``), a node id or type that
is not an absolute IRI, is silently left out of that RDF, so it can be added, changed or removed
after signing without breaking the signature, and a reader of the JSON would see it as signed.
Such a document is not genuine.

Why fast: pyld re-processes every type- and property-scoped context of the OB 3.0 context on
each node of each document (its processed-context cache is keyed per active context, holds ten
entries and serialises inline contexts to JCS to look them up), which was ~90 % of the time of a
credential. :class:`_MemoProcessor` remembers each processed context by (the active context's
unique id, the local context's identity): the local contexts are the pinned documents and the
term definitions inside them, which never change, and processed contexts are immutable
``frozendict`` values, so the memo is shared by every thread. Expansion was also run twice
(once by the guard's duplicate-check scan and once inside ``to_rdf``); here it runs once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from cachetools import LRUCache
from frozendict import frozendict
from openbadgeslib.ob3._canon_guard import WorkBudget, canonize_dataset, node_map_pairs
from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.jsonld import IdentifierIssuer, _is_absolute_iri

_MEMO_MAX = 4096
_RDF_OPTIONS = {
    "produceGeneralizedRdf": False,
    "rdfDirection": None,
    "processingMode": "json-ld-1.1",
}


class UnsafeDocument(Exception):
    """Expansion would drop part of the document (safe mode): the JSON says more than the
    signed RDF does."""


class _Memo:
    """Processed active contexts by (active context uuid, local context identity, flags)."""

    def __init__(self, size: int = _MEMO_MAX) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], tuple[Any, Any, Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], local: Any, loader: Any) -> Any:
        with self._lock:
            entry = self._items.get(key)
        # The entry holds the local context, the active one and the loader, so the ids in the
        # key cannot be reused by other objects while it exists; checked all the same.
        if entry is None or entry[3] is not loader:
            return None
        if entry[0] is not local and not isinstance(local, str | list):  # URLs: by value
            return None
        return entry[1]

    def put(self, key: tuple[Any, ...], local: Any, value: Any, active: Any, loader: Any) -> None:
        with self._lock:
            self._items[key] = (local, value, active, loader)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


MEMO = _Memo()
_IRIS: dict[tuple[Any, ...], Any] = {}
"""Expanded IRIs by (active context uuid, value, base, vocab): pure given an immutable context."""
_IRIS_MAX = 65536
_MISS = object()


def _local_key(local: Any) -> Any:
    """A hashable identity for a local context: URLs by value, objects by identity."""
    if isinstance(local, str):
        return local
    if isinstance(local, dict | frozendict):
        return ("object", id(local))
    if isinstance(local, list) and all(isinstance(item, str) for item in local):
        return ("urls", tuple(local))
    return None


def _plain(base: Any) -> bool:
    return base is None or type(base) in (str, bool)


class _MemoProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with processed contexts remembered across documents and threads, and
    every dropped property recorded."""

    def __init__(self, dropped: list[str]) -> None:
        super().__init__()
        self.dropped = dropped
        # pyld sets this hook per instance in __init__, so it is assigned, not overridden.
        self.on_property_dropped = self._record_dropped

    def _record_dropped(self, expanded_property: Any) -> None:
        self.dropped.append(str(expanded_property))

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        # Only outside context processing (no local context) and on a processed, frozen
        # context: then the answer depends on nothing but the key below.
        uuid = active_ctx.get("_uuid") if type(active_ctx) is frozendict else None
        if local_ctx is not None or uuid is None or type(value) is not str or not _plain(base):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (uuid, value, base, vocab)
        found = _IRIS.get(key, _MISS)
        if found is _MISS:
            found = super()._expand_iri(active_ctx, value, base, vocab)
            if len(_IRIS) >= _IRIS_MAX:
                _IRIS.clear()
            _IRIS[key] = found
        return found

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        local_key = _local_key(local_ctx)
        uuid = active_ctx.get("_uuid") if isinstance(active_ctx, frozendict) else None
        if local_key is None or uuid is None:
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
        key = (
            uuid,
            local_key,
            override_protected,
            propagate,
            validate_scoped,
            options.get("base"),
            id(options.get("documentLoader")),
        )
        loader = options.get("documentLoader")
        hit = MEMO.get(key, local_ctx, loader)
        if hit is not None:
            return hit
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        if isinstance(result, frozendict) and "_uuid" in result:
            MEMO.put(key, local_ctx, result, active_ctx, loader)
        return result


class _NamingProcessor(_MemoProcessor):
    """The same, recording the document's own spelling of each dropped key (slower: only run
    to explain a refusal)."""

    _last_value: Any = None

    def _expand_iri(self, active_ctx: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        self._last_value = value
        return super()._expand_iri(active_ctx, value, *args, **kwargs)

    def _record_dropped(self, expanded_property: Any) -> None:
        self.dropped.append(str(self._last_value))


_THREAD = threading.local()


def _resolver_cache() -> LRUCache[Any, Any]:
    """This thread's resolved-context cache (pyld's LRU caches are not thread-safe)."""
    cache = getattr(_THREAD, "contexts", None)
    if cache is None:
        cache = _THREAD.contexts = LRUCache(maxsize=100)
    return cache


def expand_safely(document: dict[str, Any], loader: Callable[..., Any]) -> list[Any]:
    """The expanded form of ``document``; :class:`UnsafeDocument` when anything is dropped."""
    dropped: list[str] = []
    expanded = _expand(_MemoProcessor(dropped), document, loader)
    if dropped:
        dropped.clear()
        _expand(_NamingProcessor(dropped), document, loader)
        names = ", ".join(sorted({repr(name) for name in dropped})[:5])
        raise UnsafeDocument(
            f"term(s) {names} are not defined by the document's JSON-LD contexts, so they are "
            "not part of the signed data (JSON-LD safe mode)"
        )
    problem = _dropped_by_rdf(expanded)
    if problem:
        raise UnsafeDocument(problem + " (JSON-LD safe mode)")
    return list(expanded)


def _expand(processor: _MemoProcessor, document: dict[str, Any], loader: Any) -> Any:
    options = {
        "documentLoader": loader,
        "contextResolver": ContextResolver(_resolver_cache(), loader),
    }
    try:
        return processor.expand(document, options)
    except BaseException:
        _THREAD.contexts = None  # never reuse a cache an exception may have left half-written
        raise


def _dropped_by_rdf(value: Any) -> str | None:
    """What the RDF conversion would leave out: node ids and types that are not absolute IRIs
    (or blank nodes), and value datatypes that are not absolute IRIs."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, list):
            todo.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        if "@value" in item:
            datatype = item.get("@type")
            if isinstance(datatype, str) and datatype != "@json" and not _is_iri(datatype):
                return f"the value type {datatype!r} is not an absolute IRI"
            continue
        ident = item.get("@id")
        if isinstance(ident, str) and not _is_iri(ident):
            return f"the node id {ident!r} is not an absolute IRI"
        for kind in item.get("@type") or []:
            if isinstance(kind, str) and not _is_iri(kind):
                return f"the type {kind!r} is not defined by the document's contexts"
        todo.extend(v for k, v in item.items() if k not in ("@id", "@type"))
    return None


def _is_iri(value: str) -> bool:
    return value.startswith("_:") or bool(_is_absolute_iri(value))


def to_dataset(expanded: list[Any]) -> dict[str, Any]:
    """The RDF dataset of an expanded document (what ``jsonld.to_rdf`` does after expanding)."""
    processor = jsonld.JsonLdProcessor()
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    processor._create_node_map(expanded, node_map, "@default", issuer)
    return {
        name: processor._graph_to_rdf(graph, issuer, dict(_RDF_OPTIONS))
        for name, graph in sorted(node_map.items())
        if name == "@default" or _is_absolute_iri(name)
    }


def canonical_nquads(document: dict[str, Any], loader: Callable[..., Any]) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` in safe mode, bounded by a fresh work budget
    (duplicate checks of the RDF conversion, URDNA2015 work units and CPU time)."""
    expanded = expand_safely(document, loader)
    budget = WorkBudget()
    budget.take_pairs(node_map_pairs(expanded), "")
    return str(canonize_dataset(to_dataset(expanded), budget))
