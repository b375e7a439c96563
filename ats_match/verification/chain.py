"""Blockcerts anchors: the transaction that published a Merkle root, looked up on its chain.

What: :func:`lookup` asks the chain service configured for the anchor's chain
(``blockcerts_chain_services``, e.g. ``{"btc:mainnet": "https://blockstream.info/api"}``) for
``GET {base}/tx/{txid}`` through the safe :class:`Fetcher`, and reads the Esplora answer: the
data of its OP_RETURN output (where Blockcerts writes the root), the addresses that sent it and
its block time. An Ethereum-style transaction object (``from``, ``input``) is read the same way.
Why a cache per transaction: a confirmed transaction never changes, and a batch of certificates
shares one, so each is asked for once (per process, for a day). Why errors carry
``indeterminate``: an unreachable or unconfigured service proves nothing either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ats_match.net.fetcher import Fetcher, FetchError
from ats_match.verification.did import TTLCache
from ats_match.verification.merkle import Anchor

_TX_MAX_BYTES = 512 * 1024
_CACHE_TTL = 24 * 3600.0
TRANSACTIONS = TTLCache(_CACHE_TTL)
OP_RETURN = 0x6A
OP_PUSHDATA1 = 0x4C


class ChainLookupError(Exception):
    """The transaction could not be read (``indeterminate``: try again later) or says nothing
    usable."""

    def __init__(self, detail: str, *, indeterminate: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.indeterminate = indeterminate


@dataclass(frozen=True)
class ChainTransaction:
    """What the chain says about the anchoring transaction."""

    txid: str
    data: tuple[str, ...]
    """Hex payloads of its OP_RETURN outputs (Ethereum: the call data)."""
    senders: tuple[str, ...]
    """Addresses that spent into it (the issuer's key signs these)."""
    confirmed: bool
    time: datetime | None


def lookup(anchor: Anchor, fetcher: Fetcher, services: Mapping[str, str]) -> ChainTransaction:
    """The anchoring transaction of ``anchor`` from its chain's configured service."""
    if anchor.chain == "mocknet":
        raise ChainLookupError(
            "the root is anchored on 'mocknet', the Blockcerts test chain: nothing was published",
            indeterminate=False,
        )
    base = services.get(anchor.service_key)
    if not base:
        raise ChainLookupError(
            f"no chain service is configured for {anchor.service_key} "
            "(setting blockcerts_chain_services)",
            indeterminate=True,
        )
    key = f"{anchor.service_key}:{anchor.txid}"
    cached = TRANSACTIONS.get(key)
    if isinstance(cached, ChainTransaction):
        return cached
    found = _parse(_fetch(f"{base.rstrip('/')}/tx/{anchor.txid}", fetcher), anchor.txid)
    if found.confirmed:
        TRANSACTIONS.put(key, found)
    return found


def _fetch(url: str, fetcher: Fetcher) -> Any:
    try:
        return fetcher.get(url, accept="application/json", max_bytes=_TX_MAX_BYTES).json()
    except FetchError as exc:
        # 404 too is retried: a service may not have seen a fresh transaction yet.
        not_found = exc.status == 404
        detail = "the chain service does not know this transaction (yet)" if not_found else str(exc)
        raise ChainLookupError(f"{url}: {detail}", indeterminate=True) from exc
    except (ValueError, RecursionError) as exc:
        raise ChainLookupError(f"{url} did not answer JSON", indeterminate=True) from exc


def _parse(tx: Any, txid: str) -> ChainTransaction:
    if not isinstance(tx, dict):
        raise ChainLookupError("the chain service answered no transaction", indeterminate=True)
    if "input" in tx and "from" in tx:  # an Ethereum transaction object
        data = str(tx.get("input") or "").removeprefix("0x").lower()
        return ChainTransaction(
            txid=txid,
            data=(data,) if data else (),
            senders=(str(tx["from"]).lower(),),
            confirmed=tx.get("blockNumber") is not None,
            time=_time(tx.get("timestamp")),
        )
    status = tx.get("status")
    status = status if isinstance(status, dict) else {}
    return ChainTransaction(
        txid=txid,
        data=tuple(d for d in map(_op_return, _list(tx.get("vout"))) if d is not None),
        senders=tuple(dict.fromkeys(_senders(_list(tx.get("vin"))))),
        confirmed=bool(status.get("confirmed")),
        time=_time(status.get("block_time")),
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _op_return(output: Any) -> str | None:
    """The pushed data of an OP_RETURN output script, or None for any other output."""
    script_hex = output.get("scriptpubkey") if isinstance(output, dict) else None
    try:
        script = bytes.fromhex(script_hex) if isinstance(script_hex, str) else b""
    except ValueError:
        return None
    if len(script) < 2 or script[0] != OP_RETURN:
        return None
    length, start = script[1], 2
    if length == OP_PUSHDATA1 and len(script) > 2:
        length, start = script[2], 3
    payload = script[start : start + length]
    return payload.hex() if len(payload) == length else None


def _senders(inputs: list[Any]) -> list[str]:
    found = []
    for item in inputs:
        prevout = item.get("prevout") if isinstance(item, dict) else None
        address = prevout.get("scriptpubkey_address") if isinstance(prevout, dict) else None
        if isinstance(address, str) and address:
            found.append(address)
    return found


def _time(value: Any) -> datetime | None:
    if isinstance(value, str) and value.startswith("0x"):
        value = int(value, 16)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**40:
        return datetime.fromtimestamp(value, UTC)
    return None
