"""On PostgreSQL the queue search's ILIKE '%text%' can read pg_trgm indexes, and a database
whose role may not install pg_trgm is migrated without them and shows no drift."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.helpdesk.models import TRIGRAM_SEARCHED
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.staff import queues
from tests import conftest
from tests import factories

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(
        not (conftest.TEST_DATABASE_URL or "").startswith("postgresql"),
        reason="pg_trgm indexes exist only on PostgreSQL (JASPERREC_TEST_DATABASE_URL)",
    ),
]
# Enough that reading a department's requests costs more than three trigram index scans.
REQUESTS = 10_000
TRIGRAM_INDEXES = {f"ix_service_requests_{column}_trgm" for column in TRIGRAM_SEARCHED}


def test_a_search_of_every_status_reads_the_trigram_indexes_not_the_whole_department(
    make_staff: Callable[..., Any], department: Any
) -> None:
    staff = make_staff(Role.HELPDESK_AGENT)
    customer = factories.UserFactory()
    db.session.execute(
        sa.insert(ServiceRequest),
        [
            {
                "reference": f"JR-2026-{n:06d}",
                "customer_id": customer.id,
                "department_id": department.id,
                "channel": Channel.WEB,
                "subject": "Pothole near the arena",
                "description": "It has been there for a week." if n else "A broken sprinkler.",
                "status": RequestStatus.CLOSED,
            }
            for n in range(REQUESTS)
        ],
    )
    # What autovacuum would do soon: gather statistics and move the new rows out of each
    # GIN index's pending list. Rolled back with the test.
    db.session.execute(sa.text("ANALYZE service_requests"))
    for name in TRIGRAM_INDEXES:
        db.session.execute(sa.text(f"SELECT gin_clean_pending_list('{name}'::regclass)"))
    statement, parameters = _sent_by(
        lambda: queues.count_queue(
            staff, queues.QueueFilter(text="sprinkler", statuses=frozenset(RequestStatus))
        )
    )
    connection = db.session.connection()
    plan = "\n".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + statement, parameters))

    assert all(name in plan for name in TRIGRAM_INDEXES), plan


def _sent_by(action: Callable[[], Any]) -> tuple[str, Any]:
    """The last statement an action sent, with its parameters."""
    sent: list[tuple[str, Any]] = []
    connection = db.session.connection()

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        sent.append((statement, parameters))

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    return sent[-1]


def test_a_role_that_may_not_install_pg_trgm_gets_the_other_indexes_and_no_drift(
    other_app: Callable[..., Flask], tmp_path: Path
) -> None:
    scratch = sa.make_url(conftest._scratch_postgres(conftest.TEST_DATABASE_URL or "", "notrgm"))
    role = f"jasperrec_notrgm_{os.getpid()}"
    admin = sa.create_engine(scratch, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
            # A schema to build in, but no CREATE on the database: no extensions.
            c.exec_driver_sql(f'GRANT CREATE, USAGE ON SCHEMA public TO "{role}"')
        made = other_app(DATABASE_URL=scratch.set(username=role).render_as_string(False))
        with made.app_context():
            upgrade()
            with db.engine.connect() as c:
                indexes = {i["name"] for i in sa.inspect(c).get_indexes("service_requests")}
                opts = dict(made.extensions["migrate"].configure_args)
                differences = compare_metadata(
                    MigrationContext.configure(c, opts=opts), db.metadata
                )
            db.engine.dispose()
    finally:
        admin.dispose()
        conftest._drop_postgres(scratch.render_as_string(False))
        cluster = sa.create_engine(scratch.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with cluster.connect() as c:
            c.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        cluster.dispose()

    assert indexes.isdisjoint(TRIGRAM_INDEXES)
    assert "ix_service_requests_department_id_status" in indexes
    assert differences == []
