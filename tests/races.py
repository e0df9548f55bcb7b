"""Running one call on several connections at once, for the tests marked `commits`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import Flask

from jasperrec.errors import JasperrecError
from jasperrec.extensions import db


def run_at_once(
    app: Flask,
    fn: Callable[..., Any],
    args_list: Sequence[Sequence[Any]],
    *,
    hold_before: str | tuple[str, ...] | None = None,
    start_within: float = 10,
    finish_within: float = 30,
) -> list[Any]:
    """Call fn with each args on a thread, app context and connection of its own, all at once.

    Return what each call returned, in the order of args_list; a domain error becomes its
    class name and any other exception its repr, so the caller's assertion shows it. The
    threads are released together before they touch the database, or, given hold_before,
    each at its first statement starting with that text: then every racer has read before
    any writes, which only PostgreSQL can run (on SQLite the first read takes the lock).
    """
    ready = threading.Barrier(len(args_list), timeout=start_within)
    held = threading.local()
    results: list[Any] = [None] * len(args_list)

    def hold(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith(hold_before) and not getattr(held, "done", False):
            held.done = True
            ready.wait()

    def run(index: int) -> None:
        if hold_before is None:
            ready.wait()
        with app.app_context():
            try:
                results[index] = fn(*args_list[index])
            except JasperrecError as error:
                results[index] = type(error).__name__
            except Exception as error:  # noqa: BLE001 (reported by the caller's assertion)
                results[index] = repr(error)
            finally:
                db.session.remove()

    engine = None
    if hold_before is not None:
        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", hold)
    try:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(args_list))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=finish_within)
    finally:
        if engine is not None:
            sa.event.remove(engine, "before_cursor_execute", hold)
    return results


def run_all_at_once(app: Flask, actions: Sequence[Callable[[], Any]], **options: Any) -> list[Any]:
    """Run different calls at once, as run_at_once runs one call with different arguments."""
    return run_at_once(app, lambda action: action(), [(action,) for action in actions], **options)


def delete_committed(*statements: sa.Executable) -> None:
    """Undo what a test marked `commits` wrote, on a fresh session, in the order given."""
    db.session.remove()
    for statement in statements:
        db.session.execute(statement)
    db.session.commit()
