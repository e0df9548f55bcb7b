"""The audit trail: append-only in the database, reviewed with flags, exported as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff import audit
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from tests import factories

EDMONTON = ZoneInfo("America/Edmonton")
# A Tuesday: business hours apply.
TUESDAY = dt.date(2026, 11, 17)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), EDMONTON).astimezone(dt.UTC)


def entry(
    staff: Any,
    resident: Any = None,
    *,
    kind: AccessKind = AccessKind.PROFILE,
    purpose: AccessPurpose = AccessPurpose.SERVICE_REQUEST,
    when: dt.datetime | None = None,
) -> AuditEntry:
    row = AuditEntry(
        staff_id=staff.id,
        resident_id=resident.id if resident else None,
        kind=kind,
        purpose=purpose,
        record_type="user",
        record_id=resident.id if resident else None,
        created_at=when or at(TUESDAY, 10),
    )
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def agent() -> Any:
    return factories.StaffFactory(roles=[Role.HELPDESK_AGENT])


def test_the_database_refuses_to_update_an_audit_entry(agent: Any) -> None:
    row = entry(agent, factories.UserFactory())

    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == row.id).values(detail="x"))


def test_the_database_refuses_to_delete_an_audit_entry(agent: Any) -> None:
    row = entry(agent, factories.UserFactory())

    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == row.id))
    assert db.session.get(AuditEntry, row.id) is not None


def test_the_orm_cannot_change_an_entry_either(agent: Any) -> None:
    row = entry(agent, factories.UserFactory())

    row.purpose = AccessPurpose.PRIVACY_REQUEST

    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.flush()


def test_break_glass_views_are_flagged_as_having_no_linked_request(agent: Any) -> None:
    with_request = entry(agent, factories.UserFactory())
    without = entry(agent, factories.UserFactory(), purpose=AccessPurpose.BREAK_GLASS)

    flags = {item.entry.id: item.flags for item in audit.review(audit.AuditFilter())}

    assert audit.FLAG_NO_REQUEST in flags[without.id]
    assert flags[with_request.id] == frozenset()


@pytest.mark.parametrize(("residents", "flagged"), [(2, False), (3, True)])
def test_many_residents_opened_outside_queues_in_a_day_are_flagged(
    agent: Any, residents: int, flagged: bool
) -> None:
    rows = [
        entry(
            agent,
            factories.UserFactory(),
            purpose=AccessPurpose.BREAK_GLASS,
            when=at(TUESDAY, 9 + n),
        )
        for n in range(residents)
    ]

    flags = {item.entry.id: item.flags for item in audit.review(audit.AuditFilter())}

    assert all((audit.FLAG_MANY_OUTSIDE in flags[r.id]) is flagged for r in rows)


@pytest.mark.parametrize(
    ("when", "flagged"),
    [
        (at(TUESDAY, 22), True),
        (at(TUESDAY, 6), True),
        (at(TUESDAY + dt.timedelta(days=4), 11), True),  # Saturday
        (at(TUESDAY, 11), False),
    ],
)
def test_bulk_exports_after_hours_are_flagged(agent: Any, when: dt.datetime, flagged: bool) -> None:
    rows = [
        entry(
            agent,
            kind=AccessKind.EXPORT,
            purpose=AccessPurpose.AUDIT_REVIEW,
            when=when + dt.timedelta(minutes=n),
        )
        for n in range(3)
    ]

    flags = {item.entry.id: item.flags for item in audit.review(audit.AuditFilter())}

    assert all((audit.FLAG_AFTER_HOURS_EXPORTS in flags[r.id]) is flagged for r in rows)


def test_a_single_after_hours_export_is_not_bulk(agent: Any) -> None:
    row = entry(
        agent, kind=AccessKind.EXPORT, purpose=AccessPurpose.AUDIT_REVIEW, when=at(TUESDAY, 23)
    )

    [item] = audit.review(audit.AuditFilter())

    assert item.entry.id == row.id
    assert item.flags == frozenset()


def test_review_filters_by_staff_resident_kind_and_period(agent: Any) -> None:
    other = factories.StaffFactory(roles=[Role.HELPDESK_AGENT])
    resident, neighbour = factories.UserFactory(), factories.UserFactory()
    wanted = entry(agent, resident, when=at(TUESDAY, 10))
    entry(other, resident, when=at(TUESDAY, 10))
    entry(agent, neighbour, when=at(TUESDAY, 10))
    entry(agent, resident, kind=AccessKind.HOUSEHOLD, when=at(TUESDAY, 10))
    entry(agent, resident, when=at(TUESDAY - dt.timedelta(days=2), 10))

    filters = audit.AuditFilter(
        staff_id=agent.id,
        resident_id=resident.id,
        kind=AccessKind.PROFILE,
        since=at(TUESDAY, 0),
        until=at(TUESDAY + dt.timedelta(days=1), 0),
    )

    assert [item.entry.id for item in audit.review(filters)] == [wanted.id]


def test_the_review_page_filters_from_the_query_string(
    client: Any, make_staff: Any, staff_log_in: Any, agent: Any
) -> None:
    resident = factories.UserFactory()
    entry(agent, resident)
    entry(agent, factories.UserFactory())
    staff_log_in(make_staff(Role.PRIVACY_OFFICER))

    page = client.get(f"/staff/privacy/access-log?resident={resident.id}").get_data(as_text=True)

    assert "1 entry" in page
    assert f"#{resident.id}<" in page


def test_the_privacy_officer_exports_the_log_as_csv_and_the_export_is_logged(
    client: Any, make_staff: Any, staff_log_in: Any, agent: Any
) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    resident = factories.UserFactory()
    entry(agent, resident, purpose=AccessPurpose.BREAK_GLASS)
    staff_log_in(officer)

    response = client.get("/staff/privacy/access-log.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["resident id"], r["purpose"], r["flags"]) for r in rows] == [
        (str(resident.id), "break the glass", audit.FLAG_NO_REQUEST)
    ]
    exports = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.kind == AccessKind.EXPORT))
    assert [e.staff_id for e in exports] == [officer.id]


def test_residents_history_names_staff_by_first_name_and_department(department: Any) -> None:
    agent = factories.StaffFactory(
        first_name="Jordan", roles=[Role.HELPDESK_AGENT], departments=[department]
    )
    resident = factories.UserFactory()
    entry(agent, resident)

    [seen] = audit.list_access_for_resident(resident).groups

    assert seen.staff_label == "Jordan, Customer Service"
    assert (seen.kind, seen.purpose, seen.was_break_glass) == ("profile", "service request", False)
