"""The in-process task worker the one-command demo runs beside its web server."""

from __future__ import annotations

from flask import Flask

from jasperrec import tasks


def test_the_demo_worker_looks_for_new_mail_at_least_every_second(app: Flask) -> None:
    consumer = tasks.start_in_process()
    try:
        workers = [worker for worker, _ in consumer.worker_threads]
        assert workers
        assert all(worker.max_delay <= 1.0 for worker in workers)
    finally:
        consumer.stop_flag.set()
        for _, thread in consumer.worker_threads:
            thread.join(timeout=5)
        consumer.scheduler.join(timeout=5)
