"""The workflow migration renames old statuses and backfills the clock from old rows."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade
from flask_migrate import upgrade

from jasperrec.extensions import db

REVISION = "fb1d078a5826"
MIGRATION = (
    Path(__file__).parents[2] / "migrations/versions/fb1d078a5826_add_the_request_workflow.py"
)


def migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("workflow_migration", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_old_statuses_become_new_ones_and_the_clock_is_backfilled(
    other_app: Callable[..., Flask], tmp_path: Path
) -> None:
    made = other_app(DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}")
    before = migration().down_revision
    due = dt.datetime(2026, 11, 27, 23, 30)
    answered = dt.datetime(2026, 11, 25, 17, 0)
    with made.app_context():
        upgrade(revision=before)
        with db.engine.begin() as c:
            c.execute(
                sa.text(
                    "INSERT INTO users (id, email, password_hash, first_name, last_name) VALUES"
                    " (1, 'r@example.ca', 'x', 'R', 'S'), (2, 's@jasper.example', 'x', 'S', 'T')"
                )
            )
            c.execute(sa.text("INSERT INTO departments (id, slug, name) VALUES (1, 'cs', 'CS')"))
            for rid, status, assignee in [
                (1, "new", None),
                (2, "new", 2),
                (3, "open", 2),
                (4, "waiting on customer", None),
                (5, "closed", None),
            ]:
                c.execute(
                    sa.text(
                        "INSERT INTO service_requests (id, customer_id, department_id, assignee_id,"
                        " channel, subject, status, due_at, reference) VALUES (:id, 1, 1, :a,"
                        " 'web', 's', :status, :due, :reference)"
                    ),
                    {
                        "id": rid,
                        "a": assignee,
                        "status": status,
                        "due": due,
                        "reference": f"JR-2026-{rid:06d}",
                    },
                )
            c.execute(
                sa.text(
                    "INSERT INTO service_request_messages (request_id, author_id, body,"
                    " is_from_staff, created_at) VALUES (3, 1, 'q', 0, :early),"
                    " (3, 2, 'a', 1, :answered), (3, 2, 'b', 1, :later)"
                ),
                {
                    "early": answered - dt.timedelta(hours=1),
                    "answered": answered,
                    "later": answered + dt.timedelta(hours=1),
                },
            )

        upgrade(revision=REVISION)
        with db.engine.connect() as c:
            rows = c.execute(
                sa.text(
                    "SELECT id, status, first_response_at, clock_paused_at, due_soon_at"
                    " FROM service_requests ORDER BY id"
                )
            ).all()
            closures = c.execute(
                sa.text("SELECT description, closes_at, repeats_yearly FROM closure_days")
            ).all()
        downgrade(revision=before)
        with db.engine.connect() as c:
            restored = c.execute(sa.text("SELECT status FROM service_requests ORDER BY id")).all()
        db.engine.dispose()

    statuses = [r.status for r in rows]
    assert statuses == ["new", "assigned", "in progress", "waiting on resident", "closed"]
    assert [r.first_response_at is not None for r in rows] == [False, False, True, False, False]
    assert str(rows[2].first_response_at).startswith("2026-11-25 17:00")
    assert [r.clock_paused_at is not None for r in rows] == [False, False, False, True, False]
    assert all(str(r.due_soon_at).startswith("2026-11-27 19:30") for r in rows)
    assert len(closures) == 2
    assert [r.status for r in restored] == ["new", "new", "open", "waiting on customer", "closed"]
