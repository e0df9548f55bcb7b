"""Staff sessions: the shorter idle timeout, no remember-me, browser binding,
re-authentication before sensitive actions, and deactivation ending every session."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.auth.models import UserSession
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.staff.models import AuditEntry
from tests import factories
from tests.conftest import PASSWORD
from tests.staff.conftest import live_sessions
from tests.staff.conftest import totp_code

DOMAIN = "127.0.0.1"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
)
CHROME_WINDOWS_UPDATED = CHROME_WINDOWS.replace("Chrome/130.0.0.0", "Chrome/131.0.0.0")
CHROME_LINUX = CHROME_WINDOWS.replace("Windows NT 10.0; Win64; x64", "X11; Linux x86_64")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0"


def browser(app: Flask, user_agent: str) -> Any:
    """A new test client that sends the given User-Agent on every request."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def signed_in(client: Any) -> bool:
    response = client.get("/auth/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def age_sessions(user: Any, **ages: dt.timedelta) -> None:
    """Move the given timestamps of the user's sessions into the past."""
    now = utcnow()
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id)
        .values({column: now - age for column, age in ages.items()})
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("is_staff", "idle_minutes", "still_signed_in"),
    [
        (True, 14, True),
        (True, 16, False),
        (False, 16, True),
        (False, 29, True),
        (False, 31, False),
    ],
)
def test_staff_sessions_end_after_15_idle_minutes_and_residents_after_30(
    client: Any,
    make_staff: Any,
    staff_log_in: Any,
    log_in: Any,
    is_staff: bool,
    idle_minutes: int,
    still_signed_in: bool,
) -> None:
    if is_staff:
        who = make_staff(Role.HELPDESK_AGENT)
        staff_log_in(who)
    else:
        who = factories.UserFactory(password=PASSWORD)
        log_in(who)

    age_sessions(who, last_seen_at=dt.timedelta(minutes=idle_minutes))

    assert signed_in(client) is still_signed_in
    assert bool(live_sessions(who)) is still_signed_in


@pytest.mark.parametrize(
    ("kind", "gets_remember_cookie"),
    [("staff with two-step", False), ("staff not yet enrolled", False), ("resident", True)],
)
def test_staff_get_no_remember_cookie_even_when_they_tick_remember_me(
    client: Any, make_staff: Any, kind: str, gets_remember_cookie: bool
) -> None:
    if kind == "resident":
        who = factories.UserFactory(password=PASSWORD)
    else:
        who = make_staff(Role.HELPDESK_AGENT, mfa=kind == "staff with two-step")
    responses = [
        client.post("/auth/login", data={"email": who.email, "password": PASSWORD, "remember": "y"})
    ]
    if kind == "staff with two-step":
        responses.append(client.post("/auth/two-step", data={"code": totp_code(who)}))
    assert signed_in(client)

    cookies = [h for r in responses for h in r.headers.getlist("Set-Cookie")]
    assert any(c.startswith("jasperrec_remember=") for c in cookies) is gets_remember_cookie
    client.delete_cookie("jasperrec_session", domain=DOMAIN)
    assert signed_in(client) is gets_remember_cookie


@pytest.mark.parametrize("thief_agent", [FIREFOX_WINDOWS, CHROME_LINUX], ids=["firefox", "linux"])
def test_a_staff_cookie_replayed_from_another_browser_ends_the_session(
    app: Flask, make_staff: Any, staff_log_in: Any, thief_agent: str
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    owner = browser(app, CHROME_WINDOWS)
    staff_log_in(agent, owner)
    thief = browser(app, thief_agent)
    stolen = owner.get_cookie("jasperrec_session", domain=DOMAIN).value
    thief.set_cookie("jasperrec_session", stolen, domain=DOMAIN)

    response = thief.get("/staff/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert live_sessions(agent) == []
    assert not signed_in(owner)


def test_a_browser_update_keeps_the_staff_member_signed_in(
    app: Flask, make_staff: Any, staff_log_in: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    owner = browser(app, CHROME_WINDOWS)
    staff_log_in(agent, owner)

    owner.environ_base["HTTP_USER_AGENT"] = CHROME_WINDOWS_UPDATED

    assert owner.get("/staff/").status_code == 200
    assert len(live_sessions(agent)) == 1


def roles_page(admin: Any, make_staff: Any) -> str:
    return f"/staff/accounts/{make_staff(Role.HELPDESK_AGENT).id}/roles"


def new_staff_page(admin: Any, make_staff: Any) -> str:
    return "/staff/accounts/new"


def access_log_export(officer: Any, make_staff: Any) -> str:
    return "/staff/privacy/access-log.csv?kind=profile"


def roster_export(coordinator: Any, make_staff: Any) -> str:
    program = factories.ProgramFactory()
    db.session.commit()
    return f"/staff/rosters/{program.id}/roster.csv"


SENSITIVE: list[tuple[Role, Callable[[Any, Any], str]]] = [
    (Role.ADMINISTRATOR, roles_page),
    (Role.ADMINISTRATOR, new_staff_page),
    (Role.PRIVACY_OFFICER, access_log_export),
    (Role.PROGRAM_COORDINATOR, roster_export),
]
SENSITIVE_IDS = ["role change", "new staff", "access log export", "roster export"]


def open_sensitive(make_staff: Any, staff_log_in: Any, role: Role, page: Any) -> tuple[Any, str]:
    """Sign in someone who may take the action; return them and the action's URL."""
    who = make_staff(role)
    staff_log_in(who)
    return who, page(who, make_staff)


def reauthentication_target(response: Any) -> str:
    """Check a response asks for re-authentication; return where it continues afterwards."""
    assert response.status_code == 302
    location = urllib.parse.urlsplit(response.headers["Location"])
    assert location.path == "/auth/reauthenticate"
    [target] = urllib.parse.parse_qs(location.query)["next"]
    return target


def same_place(target: str, url: str) -> bool:
    """Compare two site paths, ignoring an empty query string."""
    return urllib.parse.urlsplit(target)[2:4] == urllib.parse.urlsplit(url)[2:4]


@pytest.mark.parametrize(("role", "page"), SENSITIVE, ids=SENSITIVE_IDS)
def test_sensitive_actions_ask_for_reauthentication_after_five_minutes(
    client: Any, make_staff: Any, staff_log_in: Any, role: Role, page: Any
) -> None:
    who, url = open_sensitive(make_staff, staff_log_in, role, page)
    age_sessions(who, reauthenticated_at=dt.timedelta(minutes=6))

    assert same_place(reauthentication_target(client.get(url)), url)


@pytest.mark.parametrize(("role", "page"), SENSITIVE, ids=SENSITIVE_IDS)
def test_sensitive_actions_need_no_reauthentication_within_five_minutes(
    client: Any, make_staff: Any, staff_log_in: Any, role: Role, page: Any
) -> None:
    who, url = open_sensitive(make_staff, staff_log_in, role, page)
    age_sessions(who, reauthenticated_at=dt.timedelta(minutes=4))

    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("role", "page"), SENSITIVE, ids=SENSITIVE_IDS)
def test_the_password_and_a_fresh_code_let_the_action_through(
    client: Any, make_staff: Any, staff_log_in: Any, role: Role, page: Any
) -> None:
    who, url = open_sensitive(make_staff, staff_log_in, role, page)
    age_sessions(who, reauthenticated_at=dt.timedelta(minutes=6))
    asked = client.get(url).headers["Location"]

    done = client.post(asked, data={"password": PASSWORD, "code": totp_code(who)})

    assert done.status_code == 302
    assert same_place(done.headers["Location"], url)
    assert client.get(url).status_code == 200


def replayed_code(who: Any) -> str:
    """The code whose time step was used last, as an onlooker might have seen it."""
    who = db.session.get(User, who.id)
    totp = pyotp.TOTP(who.totp_secret)
    return totp.at(who.totp_last_step * totp.interval)


@pytest.mark.parametrize(
    ("password", "code", "error"),
    [
        ("not my password at all", totp_code, "Your password is not correct."),
        (PASSWORD, lambda who: "000000", "That code is not right"),
        (PASSWORD, lambda who: "", "That code is not right"),
        (PASSWORD, replayed_code, "That code is not right"),
    ],
    ids=["wrong password", "wrong code", "no code", "replayed code"],
)
def test_a_wrong_password_or_code_keeps_the_action_blocked(
    client: Any,
    make_staff: Any,
    staff_log_in: Any,
    password: str,
    code: Callable[[Any], str],
    error: str,
) -> None:
    admin, url = open_sensitive(make_staff, staff_log_in, Role.ADMINISTRATOR, roles_page)
    age_sessions(admin, reauthenticated_at=dt.timedelta(minutes=6))
    asked = client.get(url).headers["Location"]

    response = client.post(asked, data={"password": password, "code": code(admin)})

    assert response.status_code == 200
    assert error in response.get_data(as_text=True)
    assert same_place(reauthentication_target(client.get(url)), url)


def test_a_role_change_posted_without_recent_reauthentication_changes_nothing(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(admin)
    age_sessions(admin, reauthenticated_at=dt.timedelta(minutes=6))

    response = client.post(f"/staff/accounts/{agent.id}/roles", data={"roles": ["administrator"]})

    reauthentication_target(response)
    assert db.session.get(User, agent.id).role_names == {"helpdesk agent"}
    assert db.session.scalars(sa.select(AuditEntry)).all() == []


def test_deactivating_a_staff_member_ends_all_their_sessions_at_once(
    app: Flask, client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    agent = make_staff(Role.HELPDESK_AGENT)
    desk, laptop = app.test_client(), app.test_client()
    staff_log_in(agent, desk)
    staff_log_in(agent, laptop)
    staff_log_in(admin)
    assert len(live_sessions(agent)) == 2

    client.post(f"/staff/accounts/{agent.id}/deactivate")

    assert live_sessions(agent) == []
    for device in (desk, laptop):
        response = device.get("/staff/")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")
    again = app.test_client().post("/auth/login", data={"email": agent.email, "password": PASSWORD})
    assert "The email address or password is not correct." in again.get_data(as_text=True)
    assert client.get("/staff/").status_code == 200
