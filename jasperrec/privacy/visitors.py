"""Unique visitors per day, counted under a key that lives for that day only.

Each visitor is a keyed hash, HMAC-SHA256(day key, network|browser), of an address
already cut to its network. The day key is 32 random bytes made on the day's first
request and gone when the UTC day ends, so nobody, us included, can afterwards tell whose
hash was whose or recompute one. Production keeps the key and a HyperLogLog of the hashes
in Redis with expiry; the demo and tests keep them in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterable
from typing import Protocol

import redis
from flask import Flask
from flask import current_app

EXTENSION_KEY = "jasperrec.privacy.visitors"
KEY_BYTES = 32
# How long a day's count stays readable after the day (and its key) is over, so the
# periodic job can write the finished day's figure into traffic_days.
COUNT_GRACE = dt.timedelta(days=1)


def day_start(day: dt.date) -> dt.datetime:
    """Return the first instant of a UTC day."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def visitor_hash(key: bytes, network: str, browser: str) -> str:
    """Hash one visitor under a day key; without the key the value cannot be recomputed."""
    return hmac.new(key, f"{network}|{browser}".encode(), hashlib.sha256).hexdigest()


class VisitorCounter(Protocol):
    """Count distinct visitors per UTC day under that day's key."""

    def add(self, visitors: Iterable[tuple[str, str]], now: dt.datetime) -> None:
        """Count (network, browser) pairs seen now under today's key."""

    def count(self, day: dt.date, now: dt.datetime) -> int | None:
        """Return the day's distinct visitors, or None once the count is gone."""


class MemoryVisitorCounter:
    """Keep the day key and the day's hashes in this process (the demo and tests)."""

    def __init__(self) -> None:
        self.keys: dict[dt.date, bytes] = {}
        self.seen: dict[dt.date, set[str]] = {}
        self._lock = threading.Lock()

    def add(self, visitors: Iterable[tuple[str, str]], now: dt.datetime) -> None:
        """Count (network, browser) pairs seen now under today's key."""
        today = now.date()
        with self._lock:
            self._forget_old(today)
            key = self.keys.setdefault(today, secrets.token_bytes(KEY_BYTES))
            day_set = self.seen.setdefault(today, set())
            day_set.update(visitor_hash(key, network, browser) for network, browser in visitors)

    def count(self, day: dt.date, now: dt.datetime) -> int | None:
        """Return the day's distinct visitors, or None once the count is gone."""
        with self._lock:
            self._forget_old(now.date())
            seen = self.seen.get(day)
        return None if seen is None else len(seen)

    def _forget_old(self, today: dt.date) -> None:
        for day in [d for d in self.keys if d != today]:
            del self.keys[day]
        for day in [d for d in self.seen if day_start(d) + COUNT_GRACE < day_start(today)]:
            del self.seen[day]


class RedisVisitorCounter:
    """Keep the day key and a HyperLogLog of the day's hashes in Redis, both expiring."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.prefix = prefix

    def key_name(self, day: dt.date) -> str:
        """Name the Redis key that holds a day's random key."""
        return f"{self.prefix}:traffic:day-key:{day.isoformat()}"

    def count_name(self, day: dt.date) -> str:
        """Name the Redis key that holds a day's HyperLogLog."""
        return f"{self.prefix}:traffic:visitors:{day.isoformat()}"

    def add(self, visitors: Iterable[tuple[str, str]], now: dt.datetime) -> None:
        """Count (network, browser) pairs seen now under today's key."""
        today = now.date()
        ends = day_start(today) + dt.timedelta(days=1)
        name = self.key_name(today)
        # NX: the first worker of the day makes the key; every other one reads it.
        self.redis.set(name, secrets.token_bytes(KEY_BYTES), nx=True, exat=ends)
        key = self.redis.get(name)
        if not isinstance(key, bytes):
            return
        hashes = [visitor_hash(key, network, browser) for network, browser in visitors]
        if not hashes:
            return
        pipe = self.redis.pipeline()
        pipe.pfadd(self.count_name(today), *hashes)
        pipe.expireat(self.count_name(today), ends + COUNT_GRACE)
        pipe.execute()

    def count(self, day: dt.date, now: dt.datetime) -> int | None:
        """Return the day's distinct visitors, or None once the count is gone."""
        name = self.count_name(day)
        if not self.redis.exists(name):
            return None
        return int(self.redis.pfcount(name))  # type: ignore[arg-type]


def init_app(app: Flask) -> VisitorCounter:
    """Count in Redis when the app has one, in memory otherwise."""
    url = app.config.get("REDIS_URL")
    counter: VisitorCounter
    if url:
        counter = RedisVisitorCounter(
            redis.Redis.from_url(url), str(app.config["RATELIMIT_KEY_PREFIX"])
        )
    else:
        counter = MemoryVisitorCounter()
    app.extensions[EXTENSION_KEY] = counter
    return counter


def counter_for() -> VisitorCounter:
    """Return the current app's visitor counter."""
    counter: VisitorCounter = current_app.extensions[EXTENSION_KEY]
    return counter
