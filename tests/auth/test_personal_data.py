"""The accounts feature's part in a resident's personal data."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.auth.models import UserSession
from jasperrec.auth.personal_data import AuthData
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from tests import factories


def kinds_by_key(user: Any) -> dict[str, Kind]:
    return {kind.key: kind for kind in AuthData().export(user)}


def test_the_profile_holds_the_residents_details_but_no_password_or_secret(user: Any) -> None:
    user.phone = "780-555-0100"
    user.date_of_birth = dt.date(1980, 3, 4)
    (row,) = kinds_by_key(user)["profile"].rows
    assert row["email"] == user.email
    assert row["phone"] == "780-555-0100"
    assert row["date_of_birth"] == "1980-03-04"
    text = json.dumps(row)
    assert user.password_hash not in text
    assert "password_hash" not in text
    assert "totp" not in text


def test_household_members_are_listed_and_their_medical_notes_are_a_sensitive_kind(
    user: Any,
) -> None:
    factories.HouseholdMemberFactory(user=user, first_name="Ada", medical_notes="Peanut allergy")
    factories.HouseholdMemberFactory(user=user, first_name="Ben")
    factories.HouseholdMemberFactory(first_name="Someone else's child", medical_notes="Asthma")
    kinds = kinds_by_key(user)
    assert sorted(r["first_name"] for r in kinds["household_members"].rows) == ["Ada", "Ben"]
    assert not kinds["household_members"].sensitive
    notes = kinds["medical_notes"]
    assert notes.sensitive
    assert [r["notes"] for r in notes.rows] == ["Peanut allergy"]
    assert "medical_notes" not in json.dumps(kinds["household_members"].rows)


def test_sign_in_sessions_show_current_and_ended_ones_with_browser_and_os_only(
    user: Any, log_in: Callable[..., Any]
) -> None:
    log_in(user)
    log_in(user)
    first = db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).first()
    assert first is not None
    first.ended_at = utcnow()
    first.ended_reason = "signed out"
    db.session.flush()
    rows = kinds_by_key(user)["sign_in_sessions"].rows
    assert sorted(str(r["status"]) for r in rows) == ["current", "ended"]
    assert {r["ended_reason"] for r in rows} == {None, "signed out"}
    for row in rows:
        assert set(row) == {
            "browser",
            "operating_system",
            "status",
            "started_at",
            "last_seen_at",
            "expires_at",
            "ended_at",
            "ended_reason",
            "remember_me",
        }
    assert first.token_hash not in json.dumps(rows)


def test_an_expired_session_that_was_never_ended_shows_as_expired(
    user: Any, log_in: Callable[..., Any]
) -> None:
    log_in(user)
    record = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)).one()
    record.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.flush()
    (row,) = kinds_by_key(user)["sign_in_sessions"].rows
    assert row["status"] == "expired"


def test_staff_see_their_roles_and_residents_get_no_staff_kind(user: Any) -> None:
    department = factories.DepartmentFactory(name="Recreation")
    staff = factories.StaffFactory(roles=[Role.HELPDESK_AGENT], departments=[department])
    rows = kinds_by_key(staff)["staff_roles"].rows
    assert rows == ({"role": "helpdesk agent", "departments": "Recreation"},)
    assert "staff_roles" not in kinds_by_key(user)


def test_every_row_value_is_ready_for_json_and_csv(user: Any, log_in: Callable[..., Any]) -> None:
    factories.HouseholdMemberFactory(user=user, medical_notes="Epipen")
    log_in(user)
    for kind in AuthData().export(user):
        for row in kind.rows:
            assert all(isinstance(v, str | int | bool | type(None)) for v in row.values())


def test_the_number_of_queries_does_not_grow_with_household_or_sessions(
    user: Any, log_in: Callable[..., Any], count_queries: Callable[..., int]
) -> None:
    factories.HouseholdMemberFactory(user=user)
    log_in(user)
    db.session.expire_all()
    few = count_queries(lambda: AuthData().export(user))
    for _ in range(5):
        factories.HouseholdMemberFactory(user=user, medical_notes="notes")
        log_in(user)
    db.session.expire_all()
    many = count_queries(lambda: AuthData().export(user))
    assert many == few
