"""The background task queue (Huey) and the decorators that run tasks inside the app."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import ParamSpec
from typing import TypeVar

from flask import Flask
from flask import has_app_context
from huey import Huey
from huey import crontab
from huey.storage import RedisStorage
from huey.storage import SqliteStorage

P = ParamSpec("P")
R = TypeVar("R")

# Configured by init_app; immediate until then so importing a task never needs a broker.
huey = Huey("jasperrec", immediate=True, utc=True)
_apps: list[Flask] = []


def init_app(app: Flask) -> None:
    """Point the queue at the storage the configuration names."""
    backend = app.config["TASKS_BACKEND"]
    if backend == "immediate":
        huey.immediate = True
    elif backend == "sqlite":
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": str(Path(app.instance_path) / "tasks.db")}
        huey._immediate = False
        huey.storage = huey.create_storage()
    elif backend == "redis":
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": app.config["REDIS_URL"]}
        huey._immediate = False
        huey.storage = huey.create_storage()
    else:
        raise ValueError(f"Unknown TASKS_BACKEND {backend!r}; use immediate, sqlite or redis.")
    _apps[:] = [app]


def _in_app(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a task inside the app's context, pushing one when the consumer calls it."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if has_app_context():
            return fn(*args, **kwargs)
        with _apps[0].app_context():
            return fn(*args, **kwargs)

    return wrapper


def task(**options: Any) -> Callable[[Callable[P, R]], Any]:
    """Declare a queued task that runs with the app's context."""

    def decorator(fn: Callable[P, R]) -> Any:
        return huey.task(**options)(_in_app(fn))

    return decorator


def periodic_task(schedule: Callable[..., bool], **options: Any) -> Callable[[Callable[P, R]], Any]:
    """Declare a task the consumer runs on a schedule, with the app's context."""

    def decorator(fn: Callable[P, R]) -> Any:
        return huey.periodic_task(schedule, **options)(_in_app(fn))

    return decorator


def start_in_process(workers: int = 1) -> Any:
    """Run a consumer on daemon threads beside the web server, for the one-command demo.

    Consumer.start() would also install signal handlers, which only the main thread may do
    and which would take Ctrl-C away from the server, so its threads are started directly.
    """
    # An idle consumer backs off to polling every max_delay seconds; a newcomer waiting for
    # a confirmation mail should not wait ten.
    consumer = huey.create_consumer(workers=workers, periodic=True, max_delay=1.0)
    consumer.scheduler.start()
    for _, worker in consumer.worker_threads:
        worker.start()
    return consumer


__all__ = ["crontab", "huey", "init_app", "periodic_task", "start_in_process", "task"]
