"""Public references: JR-YYYY-NNNNNN, per local year, given to every new request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from jasperrec.extensions import db
from jasperrec.helpdesk import references
from jasperrec.helpdesk.models import RequestReferenceCounter
from tests import factories

UTC = dt.UTC


def test_format_pads_the_number_to_six_digits() -> None:
    assert references.format_reference(2026, 42) == "JR-2026-000042"
    assert references.format_reference(2026, 1234567) == "JR-2026-1234567"


def test_every_new_request_gets_the_next_number_of_its_year() -> None:
    first = factories.ServiceRequestFactory(created_at=dt.datetime(2031, 3, 1, 18, tzinfo=UTC))
    second = factories.ServiceRequestFactory(created_at=dt.datetime(2031, 6, 1, 18, tzinfo=UTC))
    other_year = factories.ServiceRequestFactory(created_at=dt.datetime(2032, 2, 1, 18, tzinfo=UTC))

    assert (first.reference, second.reference) == ("JR-2031-000001", "JR-2031-000002")
    assert other_year.reference == "JR-2032-000001"
    assert db.session.get(RequestReferenceCounter, 2031).last_number == 2


def test_the_year_is_the_municipalitys_local_year() -> None:
    # 03:00 UTC on 1 January is still New Year's Eve in Jasper.
    late = factories.ServiceRequestFactory(created_at=dt.datetime(2033, 1, 1, 3, tzinfo=UTC))

    assert late.reference == "JR-2032-000001"


def test_a_rolled_back_request_gives_its_number_back() -> None:
    with db.session.begin_nested() as savepoint:
        factories.ServiceRequestFactory(created_at=dt.datetime(2034, 3, 1, 18, tzinfo=UTC))
        savepoint.rollback()

    kept = factories.ServiceRequestFactory(created_at=dt.datetime(2034, 3, 2, 18, tzinfo=UTC))

    assert kept.reference == "JR-2034-000001"


def test_two_requests_cannot_share_a_reference() -> None:
    first = factories.ServiceRequestFactory()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        factories.ServiceRequestFactory(reference=first.reference)


def _insert_old_request(connection: sa.Connection, created: str) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO service_requests (customer_id, department_id, channel, subject, "
            "status, created_at) VALUES (1, 1, 'web', 'Old', 'new', :created)"
        ),
        {"created": created},
    )


def test_the_migration_numbers_existing_requests_and_keeps_what_points_at_users(
    app: Flask, other_app: Any, tmp_path: Path
) -> None:
    built = other_app(DATABASE_URL=f"sqlite:///{tmp_path / 'old.db'}")
    with built.app_context():
        upgrade(revision="a7c3e1d5b920")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (email, password_hash, first_name, last_name) "
                    "VALUES ('old@example.ca', 'x', 'Old', 'Resident')"
                )
            )
            connection.execute(sa.text("INSERT INTO departments (slug, name) VALUES ('f', 'F')"))
            connection.execute(
                sa.text(
                    "INSERT INTO household_members (user_id, first_name, last_name, "
                    "date_of_birth, relation) VALUES (1, 'Kid', 'Resident', '2018-01-01', 'child')"
                )
            )
            _insert_old_request(connection, "2025-06-01 17:00:00")
            _insert_old_request(connection, "2026-01-01 03:00:00")  # 31 December locally
            _insert_old_request(connection, "2025-02-01 17:00:00")
            _insert_old_request(connection, "2026-03-01 17:00:00")
        upgrade()
        with db.engine.connect() as connection:
            refs = connection.execute(
                sa.text("SELECT reference FROM service_requests ORDER BY id")
            ).scalars()
            counters = dict(
                connection.execute(
                    sa.text("SELECT year, last_number FROM request_reference_counters")
                ).all()
            )
        assert list(refs) == [
            "JR-2025-000002",
            "JR-2025-000003",
            "JR-2025-000001",
            "JR-2026-000001",
        ]
        assert counters == {2025: 3, 2026: 1}
        # Rebuilding users on SQLite must not cascade into the rows that point at it.
        with db.engine.connect() as connection:
            kept = connection.execute(sa.text("SELECT count(*) FROM household_members"))
            assert kept.scalar_one() == 1
        db.engine.dispose()
