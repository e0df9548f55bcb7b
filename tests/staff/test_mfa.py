"""Two-step sign-in: enrolment, recovery codes, switching it off, and the code step."""

from __future__ import annotations

import html
import re
import urllib.parse
from typing import Any

import pyotp
import pytest
import segno
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import RecoveryCode
from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.auth.models import UserSession
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests.conftest import PASSWORD
from tests.staff.conftest import live_sessions
from tests.staff.conftest import totp_code

KEY = re.compile(r'<code class="secret">([A-Z2-7]+)</code>')
RECOVERY_CODE = re.compile(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>")
QR_IMAGE = re.compile(r'<img src="(data:image/svg\+xml[^"]*)"')
WRONG_CODE = "That code is not right, or it was already used."


def enrol(client: Any) -> tuple[str, list[str]]:
    """Enrol the signed-in person; return the key shown and the recovery codes shown."""
    page = client.get("/auth/two-step/setup").get_data(as_text=True)
    key = KEY.search(page).group(1)
    shown = client.post("/auth/two-step/setup", data={"code": pyotp.TOTP(key).now()})
    assert shown.status_code == 200
    return key, RECOVERY_CODE.findall(shown.get_data(as_text=True))


def password_step(client: Any, user: Any) -> Any:
    return client.post("/auth/login", data={"email": user.email, "password": PASSWORD})


def code_step(client: Any, user: Any, code: str) -> Any:
    """Pass the password step, then answer the code step with the given code."""
    assert "/auth/two-step" in password_step(client, user).headers["Location"]
    return client.post("/auth/two-step", data={"code": code})


def qr_modules(data_uri: str) -> str:
    """The module pattern an SVG QR code draws, whatever its scale."""
    svg = urllib.parse.unquote(html.unescape(data_uri))
    return re.search(r"\bd='([^']+)'", svg).group(1)


def recovery_rows() -> list[RecoveryCode]:
    return list(db.session.scalars(sa.select(RecoveryCode)))


def signed_in(client: Any) -> bool:
    return client.get("/auth/account").status_code == 200


def test_the_setup_page_shows_a_qr_code_of_the_key_and_the_key_as_text(
    app: Flask, client: Any, make_staff: Any, log_in: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT, mfa=False)
    log_in(agent)

    page = client.get("/auth/two-step/setup").get_data(as_text=True)

    key = KEY.search(page).group(1)
    assert len(key) >= 32
    shown_qr = QR_IMAGE.search(page).group(1)
    uri = pyotp.TOTP(key).provisioning_uri(
        name=agent.email, issuer_name=app.config["BRAND_PORTAL_NAME"]
    )
    assert qr_modules(shown_qr) in {
        qr_modules(segno.make(uri, error=level).svg_data_uri()) for level in "lmqh"
    }


def test_enrolling_with_a_code_for_the_shown_key_turns_it_on_with_ten_recovery_codes(
    client: Any, make_staff: Any, log_in: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT, mfa=False)
    log_in(agent)

    key, codes = enrol(client)

    agent = db.session.get(User, agent.id)
    assert agent.is_mfa_enabled
    assert agent.totp_secret == key
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert len(recovery_rows()) == 10


def test_the_database_holds_no_recovery_code_in_plain_text(
    client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    _, codes = enrol(client)

    stored = " ".join(
        str(value) for row in db.session.execute(sa.select(RecoveryCode.__table__)) for value in row
    ).lower()
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored


@pytest.mark.parametrize(
    "code",
    ["000000", "12345", "not a code", pyotp.TOTP(pyotp.random_base32()).now()],
    ids=["zeros", "too short", "letters", "another key"],
)
def test_a_wrong_enrolment_code_is_rejected_and_nothing_is_switched_on(
    client: Any, make_staff: Any, log_in: Any, code: str
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT, mfa=False)
    log_in(agent)
    key = KEY.search(client.get("/auth/two-step/setup").get_data(as_text=True)).group(1)

    response = client.post("/auth/two-step/setup", data={"code": code})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That code is not right." in page
    assert KEY.search(page).group(1) == key
    assert not RECOVERY_CODE.search(page)
    agent = db.session.get(User, agent.id)
    assert not agent.is_mfa_enabled
    assert agent.totp_secret is None
    assert recovery_rows() == []
    assert client.get("/staff/").headers["Location"].endswith("/auth/two-step/setup")


@pytest.mark.parametrize("path", ["/staff/", "/staff/accounts", "/staff/people"])
def test_staff_cannot_reach_the_console_until_enrolled(
    client: Any, make_staff: Any, log_in: Any, path: str
) -> None:
    log_in(make_staff(Role.DEPARTMENT_LEAD, mfa=False))

    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/two-step/setup")


def test_staff_reach_the_console_once_enrolled(client: Any, make_staff: Any, log_in: Any) -> None:
    log_in(make_staff(Role.HELPDESK_AGENT, mfa=False))

    enrol(client)

    assert client.get("/staff/").status_code == 200


def test_a_resident_may_opt_in_and_switch_it_off_with_their_password(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    key, _ = enrol(client)
    assert "/auth/two-step" in password_step(app.test_client(), user).headers["Location"]

    refused = client.post(
        "/auth/two-step/disable", data={"password": "not my password at all"}, follow_redirects=True
    )
    assert "Your current password is not correct." in refused.get_data(as_text=True)
    assert db.session.get(User, user.id).is_mfa_enabled

    done = client.post("/auth/two-step/disable", data={"password": PASSWORD}, follow_redirects=True)
    assert "Two-step sign-in is off." in done.get_data(as_text=True)
    assert not db.session.get(User, user.id).is_mfa_enabled
    assert recovery_rows() == []
    later = app.test_client()
    assert password_step(later, user).headers["Location"].endswith("/auth/account")
    assert signed_in(later)


def test_staff_cannot_switch_it_off_even_with_their_password(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(agent)
    assert "Turn off" not in client.get("/auth/two-step/settings").get_data(as_text=True)

    response = client.post(
        "/auth/two-step/disable", data={"password": PASSWORD}, follow_redirects=True
    )

    assert "Staff accounts must keep two-step sign-in." in response.get_data(as_text=True)
    agent = db.session.get(User, agent.id)
    assert agent.is_mfa_enabled
    assert agent.totp_secret is not None


def test_new_recovery_codes_need_the_current_password(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    _, old = enrol(client)

    response = client.post(
        "/auth/two-step/recovery-codes", data={"password": "not my password at all"}
    )

    assert response.status_code == 302
    assert not RECOVERY_CODE.search(response.get_data(as_text=True))
    assert code_step(app.test_client(), user, old[0]).status_code == 302


def test_new_recovery_codes_void_the_old_ones(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    _, old = enrol(client)

    page = client.post("/auth/two-step/recovery-codes", data={"password": PASSWORD})

    new = RECOVERY_CODE.findall(page.get_data(as_text=True))
    assert len(set(new)) == 10
    assert not set(new) & set(old)
    assert len(recovery_rows()) == 10
    refused = code_step(app.test_client(), user, old[0])
    assert WRONG_CODE in refused.get_data(as_text=True)
    assert code_step(app.test_client(), user, new[0]).status_code == 302


def test_the_password_step_asks_for_a_code_and_opens_no_session(
    client: Any, make_staff: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)

    response = password_step(client, agent)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/two-step")
    account = client.get("/auth/account")
    assert account.status_code == 302
    assert account.headers["Location"].startswith("/auth/login")
    assert client.get("/staff/").headers["Location"].startswith("/auth/login")
    assert db.session.scalars(sa.select(UserSession)).all() == []


def test_a_current_code_opens_the_session(client: Any, make_staff: Any) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)

    response = code_step(client, agent, totp_code(agent))

    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert len(live_sessions(agent)) == 1


def test_the_code_step_without_the_password_step_sends_you_to_sign_in(client: Any) -> None:
    response = client.post("/auth/two-step", data={"code": "123456"})

    assert response.headers["Location"].endswith("/auth/login")


@pytest.mark.parametrize(
    ("wrong_passwords", "wrong_codes"),
    [(0, 10), (4, 6), (9, 1)],
)
def test_wrong_codes_count_toward_the_lockout_and_the_owner_is_emailed(
    app: Flask,
    client: Any,
    make_staff: Any,
    outbox: list[Any],
    wrong_passwords: int,
    wrong_codes: int,
) -> None:
    assert app.config["AUTH_LOCKOUT_THRESHOLD"] == wrong_passwords + wrong_codes
    agent = make_staff(Role.HELPDESK_AGENT)
    for _ in range(wrong_passwords):
        client.post("/auth/login", data={"email": agent.email, "password": "a wrong password!"})
    password_step(client, agent)

    answers = [
        client.post("/auth/two-step", data={"code": "000000"}).status_code
        for _ in range(wrong_codes)
    ]

    assert answers == [200] * (wrong_codes - 1) + [429]
    assert db.session.get(User, agent.id).locked_at is not None
    assert [(m["To"], m["Subject"]) for m in outbox] == [
        (agent.email, "Sign-in paused on your account")
    ]
    assert password_step(app.test_client(), agent).status_code == 429


def test_fewer_wrong_codes_than_the_threshold_do_not_lock_the_account(
    app: Flask, client: Any, make_staff: Any, outbox: list[Any]
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    password_step(client, agent)
    for _ in range(int(app.config["AUTH_LOCKOUT_THRESHOLD"]) - 1):
        client.post("/auth/two-step", data={"code": "000000"})

    response = client.post("/auth/two-step", data={"code": totp_code(agent)})

    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert outbox == []


def test_a_code_cannot_be_replayed_in_the_same_time_step(
    app: Flask, client: Any, make_staff: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    code = pyotp.TOTP(agent.totp_secret).now()
    assert code_step(client, agent, code).status_code == 302

    other = app.test_client()
    replay = code_step(other, agent, code)

    assert replay.status_code == 200
    assert WRONG_CODE in replay.get_data(as_text=True)
    assert not signed_in(other)
    assert len(live_sessions(agent)) == 1


def test_a_code_from_an_earlier_step_is_refused_after_a_later_one_was_used(
    app: Flask, client: Any, make_staff: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    totp = pyotp.TOTP(agent.totp_secret)
    now = utcnow().timestamp()
    assert code_step(client, agent, totp.at(now + 30)).status_code == 302

    other = app.test_client()
    response = code_step(other, agent, totp.at(now))

    assert WRONG_CODE in response.get_data(as_text=True)
    assert not signed_in(other)


def test_a_recovery_code_works_instead_of_a_totp_code_once(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    _, codes = enrol(client)

    first = app.test_client()
    assert code_step(first, user, codes[0]).status_code == 302
    assert signed_in(first)
    second = app.test_client()
    again = code_step(second, user, codes[0])

    assert WRONG_CODE in again.get_data(as_text=True)
    assert not signed_in(second)
    unused = sa.select(sa.func.count()).where(RecoveryCode.used_at.is_(None))
    assert db.session.scalar(unused) == 9


def test_the_code_step_expires(
    app: Flask, client: Any, make_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    password_step(client, agent)
    monkeypatch.setitem(app.config, "AUTH_MFA_PENDING_MINUTES", 0)

    response = client.post("/auth/two-step", data={"code": totp_code(agent)})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/login")
    assert not signed_in(client)
    assert live_sessions(agent) == []
