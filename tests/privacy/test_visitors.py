"""Unique visitors per day: counted once, under a key that is gone when the day is."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.privacy.traffic import TrafficRecorder
from jasperrec.privacy.visitors import MemoryVisitorCounter
from jasperrec.privacy.visitors import RedisVisitorCounter
from jasperrec.privacy.visitors import counter_for
from tests.conftest import TEST_REDIS_URL

DAY_ONE = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
DAY_TWO = DAY_ONE + dt.timedelta(days=1)
ADDRESS = "203.0.113.77"
NETWORK = "203.0.113.0/24"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _unsalted_forms(text: str) -> set[str]:
    return {
        text,
        *(hashlib.new(name, text.encode()).hexdigest() for name in ("md5", "sha1", "sha256")),
    }


def test_the_same_visitor_is_counted_once_a_day() -> None:
    counter = MemoryVisitorCounter()
    counter.add([(NETWORK, "Firefox 128"), (NETWORK, "Firefox 128")], DAY_ONE)
    counter.add([(NETWORK, "Firefox 128"), ("198.51.100.0/24", "Firefox 128")], DAY_ONE)
    assert counter.count(DAY_ONE.date(), DAY_ONE) == 2


def test_a_visitor_on_two_days_counts_once_on_each(app: Flask) -> None:
    counter = MemoryVisitorCounter()
    counter.add([(NETWORK, "Firefox 128")], DAY_ONE)
    counter.add([(NETWORK, "Firefox 128")], DAY_TWO)
    assert counter.count(DAY_TWO.date(), DAY_TWO) == 1
    assert counter.count(DAY_ONE.date(), DAY_TWO) == 1


def test_the_day_key_changes_with_the_day_and_the_old_one_is_gone() -> None:
    counter = MemoryVisitorCounter()
    counter.add([(NETWORK, "Firefox 128")], DAY_ONE)
    first = counter.keys[DAY_ONE.date()]
    counter.add([(NETWORK, "Firefox 128")], DAY_TWO)
    assert list(counter.keys) == [DAY_TWO.date()]
    assert counter.keys[DAY_TWO.date()] != first
    (hash_one,) = counter.seen[DAY_ONE.date()]
    (hash_two,) = counter.seen[DAY_TWO.date()]
    assert hash_one != hash_two


def test_a_days_count_is_gone_the_day_after_next() -> None:
    counter = MemoryVisitorCounter()
    counter.add([(NETWORK, "Firefox 128")], DAY_ONE)
    assert counter.count(DAY_ONE.date(), DAY_ONE + dt.timedelta(days=2)) is None
    assert DAY_ONE.date() not in counter.seen


def test_nothing_kept_is_the_address_or_its_unsalted_hash() -> None:
    counter = MemoryVisitorCounter()
    counter.add([(NETWORK, "Firefox 128")], DAY_ONE)
    (kept,) = counter.seen[DAY_ONE.date()]
    forbidden = set()
    for text in (ADDRESS, NETWORK, f"{NETWORK}|Firefox 128", f"{ADDRESS}|Firefox 128"):
        forbidden |= _unsalted_forms(text)
    assert kept not in forbidden
    assert ADDRESS not in kept
    assert "203.0.113" not in kept


def test_requests_are_counted_as_visitors_when_written(
    app: Flask, client: FlaskClient, traffic: TrafficRecorder
) -> None:
    now = dt.datetime.now(dt.UTC)
    # A network of its own, since a shared test Redis may have counted others today.
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.55"
    before = counter_for().count(now.date(), now) or 0
    for _ in range(3):
        client.get("/", headers={"User-Agent": FIREFOX}, environ_base={"REMOTE_ADDR": address})
    client.get("/", headers={"User-Agent": "Googlebot/2.1"}, environ_base={"REMOTE_ADDR": address})
    traffic.flush(db.session.connection())
    assert counter_for().count(now.date(), now) == before + 1


@pytest.fixture
def redis_counter() -> Iterator[RedisVisitorCounter]:
    """A counter on the test Redis, under a prefix of its own, cleaned up afterwards."""
    if not TEST_REDIS_URL:
        pytest.skip("needs JASPERREC_TEST_REDIS_URL (run with the PostgreSQL suite)")
    counter = RedisVisitorCounter(redis.Redis.from_url(TEST_REDIS_URL), "jasperrec-test-visitors")
    yield counter
    for key in counter.redis.scan_iter("jasperrec-test-visitors:*"):
        counter.redis.delete(key)
    counter.redis.close()


def test_redis_counts_a_visitor_once_and_lets_the_key_expire_at_the_days_end(
    redis_counter: RedisVisitorCounter,
) -> None:
    now = dt.datetime.now(dt.UTC)
    redis_counter.add([(NETWORK, "Firefox 128"), (NETWORK, "Firefox 128")], now)
    redis_counter.add([(NETWORK, "Firefox 128")], now)
    assert redis_counter.count(now.date(), now) == 1
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
    expires = redis_counter.redis.expiretime(redis_counter.key_name(now.date()))
    assert expires == int(midnight.timestamp())
    assert redis_counter.redis.ttl(redis_counter.count_name(now.date())) > 0


def test_redis_holds_neither_the_address_nor_its_unsalted_hash(
    redis_counter: RedisVisitorCounter,
) -> None:
    now = dt.datetime.now(dt.UTC)
    redis_counter.add([(NETWORK, "Firefox 128")], now)
    forbidden = set()
    for text in (ADDRESS, NETWORK, f"{NETWORK}|Firefox 128"):
        forbidden |= _unsalted_forms(text)
    for key in redis_counter.redis.scan_iter("jasperrec-test-visitors:*"):
        stored = key + (redis_counter.redis.dump(key) or b"")
        assert not any(value.encode() in stored for value in forbidden)
        assert b"203.0.113" not in stored


def test_a_new_day_gets_a_new_redis_key(redis_counter: RedisVisitorCounter) -> None:
    now = dt.datetime.now(dt.UTC)
    redis_counter.add([(NETWORK, "Firefox 128")], now)
    redis_counter.add([(NETWORK, "Firefox 128")], now + dt.timedelta(days=1))
    today = redis_counter.redis.get(redis_counter.key_name(now.date()))
    tomorrow = redis_counter.redis.get(redis_counter.key_name(now.date() + dt.timedelta(days=1)))
    assert today
    assert tomorrow
    assert today != tomorrow
