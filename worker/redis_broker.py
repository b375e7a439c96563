"""kombu's Redis transport with one repair: a worker whose broker drops while it holds
unacknowledged jobs keeps running and reconnects, instead of exiting.

Celery 5.7 (with kombu 5.7) closes a lost connection twice: ``collect()``, then ``close()``.
The first detaches the transport from its connection while the default channel still holds
the unacknowledged jobs (its close was cut short reading the dead socket); the second close
then restores them through a new connection pool whose address it asks of the detached
transport: ``AttributeError: 'NoneType' object has no attribute 'hostname'``, which Celery
calls an "Unrecoverable error" and exits on. Here that lookup fails as what it is, a
connection error, which Celery ignores while it reconnects; the jobs stay in Redis's unacked
set and are handed out again once the visibility timeout has passed, as a killed worker's are.

The ``redis://`` and ``rediss://`` schemes name this transport, so broker URLs, TLS and every
transport option stay as they are.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:
            logger.warning(
                "broker connection already closed: unacknowledged jobs are left to come back "
                "after the visibility timeout"
            )
            raise RedisConnectionError("the broker connection is closed")
        params: dict[str, Any] = super()._connparams(asynchronous)  # type: ignore[no-untyped-call]
        return params


class Transport(kombu_redis.Transport):
    Channel = Channel


for _scheme in ("redis", "rediss"):
    TRANSPORT_ALIASES[_scheme] = "worker.redis_broker:Transport"
