"""Drive the ``openbadges`` (badgecheck / validator-core 1.1.2) verifier in its own venv.

Run by ``bench/verify/run.py`` with ``bench/.peers/ob2/bin/python``: that package pins 2017-era
dependencies (PyLD 0.7.1, python-jose 3.0.1, pycryptodome 3.6.6, jsonschema 2.6) that cannot share
the product's venv. Reads a JSON job on stdin, prints a JSON result on stdout.

Job: ``{"inputs": [str, ...], "email": str, "seconds": float}`` — each input is a hosted
assertion URL or a compact JWS. The OB 2.0 JSON-LD context is answered from the copy bundled in
the package (no internet here); everything else is fetched from the loopback issuer over HTTP.
Its own options keep its cache on (``use_cache=True``, in-memory requests_cache), as shipped.
"""

import collections
import collections.abc
import json
import sys
import time

# Python 3.10 removed these aliases; the pinned pytz 2017.2 and python-jose 3.0.1 still use them.
for _name in ("Mapping", "MutableMapping", "Iterable", "Sequence", "Set", "MutableSet", "Callable"):
    setattr(collections, _name, getattr(collections.abc, _name))


def _patch_context_loader() -> None:
    from openbadges.verifier import utils
    from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT

    original = utils.CachableDocumentLoader.__call__

    def call(self: object, url: str) -> object:
        if url.rstrip("/").startswith("https://w3id.org/openbadges/v2"):
            document = json.dumps(OPENBADGES_CONTEXT_V2_DICT)
            return {"contextUrl": None, "documentUrl": url, "document": document}
        return original(self, url)

    utils.CachableDocumentLoader.__call__ = call


def main() -> None:
    job = json.load(sys.stdin)
    _patch_context_loader()
    from openbadges import verify

    profile = {"email": job["email"]}
    outcomes = []
    for item in job["inputs"][: job.get("check", 3)]:
        report = verify(item, recipient_profile=profile)
        outcomes.append(
            {
                "valid": bool(report["report"]["valid"]),
                "errors": report["report"].get("errorCount"),
                "messages": [m.get("result") for m in report["report"]["messages"]][:3],
            }
        )
    done, start = 0, time.perf_counter()
    deadline = start + job["seconds"]
    while time.perf_counter() < deadline:
        verify(job["inputs"][done % len(job["inputs"])], recipient_profile=profile)
        done += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"rate": done / elapsed, "count": done, "outcomes": outcomes}))


if __name__ == "__main__":
    main()
