"""Staff fixtures: departments, staff members with two-step sign-in, and signing them in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.auth.models import UserSession
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests import factories
from tests.conftest import PASSWORD


@pytest.fixture
def department() -> Any:
    return factories.DepartmentFactory(name="Customer Service", slug="customer-service")


@pytest.fixture
def other_department() -> Any:
    return factories.DepartmentFactory(name="Facilities", slug="facilities")


@pytest.fixture
def make_staff(department: Any) -> Callable[..., Any]:
    """Make a staff member with a role, departments and two-step sign-in switched on."""

    def make(role: Role, departments: list[Any] | None = None, mfa: bool = True) -> Any:
        return factories.StaffFactory(
            roles=[role],
            departments=[department] if departments is None else departments,
            totp_secret=pyotp.random_base32() if mfa else None,
            mfa_enabled_at=utcnow() if mfa else None,
        )

    return make


def totp_code(user: Any) -> str:
    """A code the user's authenticator would accept that has not been used yet."""
    totp = pyotp.TOTP(user.totp_secret)
    now = utcnow()
    step = totp.timecode(now)
    if user.totp_last_step is not None and user.totp_last_step >= step:
        return totp.at(now.timestamp() + 30)
    return totp.now()


@pytest.fixture
def staff_log_in(client: FlaskClient) -> Callable[..., Any]:
    """Sign a staff member in through the password step and the code step."""

    def log_in(who: Any, client_: FlaskClient | None = None) -> Any:
        c = client_ or client
        response = c.post("/auth/login", data={"email": who.email, "password": PASSWORD})
        assert response.status_code == 302, response.data
        if who.is_mfa_enabled:
            assert "/auth/two-step" in response.headers["Location"]
            response = c.post("/auth/two-step", data={"code": totp_code(who)})
            assert response.status_code == 302, response.data
        return response

    return log_in


def live_sessions(user: Any) -> list[UserSession]:
    """The user's sessions that have not been ended, read fresh from the database."""
    query = sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    return list(db.session.scalars(query))
