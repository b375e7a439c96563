"""The worker's Redis transport (``worker.redis_broker``): when Celery closes a lost connection
a second time, after the first close detached the transport while the channel still held an
unacknowledged job, the restore fails as a connection error (which Celery ignores while it
reconnects) instead of an AttributeError (which exits the worker), and the job is not lost:
it stays unacknowledged in Redis and is handed out again after the visibility timeout."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection, Queue

from tests.conftest import REDIS_HOST, REDIS_PORT, need_service
from tests.support.redis_server import PrivateRedis
from worker import redis_broker

pytestmark = pytest.mark.redis


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateRedis]:
    need_service("Redis", REDIS_HOST, REDIS_PORT)  # the same redis-server binary, privately
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_a_second_close_of_a_lost_connection_keeps_the_unacknowledged_job(
    broker: PrivateRedis,
) -> None:
    queue = Queue(f"q-{uuid.uuid4().hex[:8]}")
    with Connection(broker.url) as sender:
        sender.Producer().publish({"job": 1}, routing_key=queue.name, declare=[queue])

    lost = Connection(broker.url, transport_options={"visibility_timeout": 0})
    assert isinstance(lost.transport, redis_broker.Transport)
    held = queue(lost.default_channel).get(no_ack=False)
    assert held is not None and held.payload == {"job": 1}
    lost._do_close_transport()  # what Celery's collect() leaves behind
    lost.close()  # the second close: restores through the detached transport

    with Connection(broker.url, transport_options={"visibility_timeout": 0}) as again:
        channel = again.default_channel
        channel.qos.restore_visible(num=100)  # what a running worker does every few seconds
        handed_out = queue(channel).get(no_ack=True)
    assert handed_out is not None and handed_out.payload == {"job": 1}
