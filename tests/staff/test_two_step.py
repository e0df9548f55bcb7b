"""Two-step sign-in: enrolment, the code step, recovery codes, replay and lockout."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import RecoveryCode
from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests import factories
from tests.conftest import PASSWORD
from tests.staff.conftest import totp_code


def enrol(client: Any) -> tuple[str, list[str]]:
    """Enrol the signed-in person; return the TOTP secret and the recovery codes shown."""
    page = client.get("/auth/two-step/setup").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    shown = client.post("/auth/two-step/setup", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", shown.get_data(as_text=True))
    return secret, codes


def test_staff_cannot_open_the_console_until_enrolled(
    client: Any, make_staff: Any, log_in: Any
) -> None:
    log_in(make_staff(Role.HELPDESK_AGENT, mfa=False))

    response = client.get("/staff/")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/two-step/setup")


def test_enrolment_shows_a_qr_code_and_key_and_gives_ten_hashed_recovery_codes(
    client: Any, make_staff: Any, log_in: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT, mfa=False)
    log_in(agent)
    page = client.get("/auth/two-step/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page

    secret, codes = enrol(client)

    db.session.refresh(agent)
    assert agent.is_mfa_enabled
    assert agent.totp_secret == secret
    assert len(set(codes)) == 10
    stored = [r.code_hash for r in db.session.scalars(sa.select(RecoveryCode))]
    assert len(stored) == 10
    assert not set(codes) & set(stored)
    assert client.get("/staff/").status_code == 200


def test_a_wrong_enrolment_code_switches_nothing_on(client: Any, user: Any, log_in: Any) -> None:
    log_in(user)
    client.get("/auth/two-step/setup")

    response = client.post("/auth/two-step/setup", data={"code": "000000"})

    assert b"That code is not right" in response.data
    db.session.refresh(user)
    assert not user.is_mfa_enabled


def test_sign_in_waits_for_the_code_before_opening_a_session(client: Any, make_staff: Any) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    step = client.post("/auth/login", data={"email": agent.email, "password": PASSWORD})

    assert "/auth/two-step" in step.headers["Location"]
    assert client.get("/staff/").status_code == 302
    client.post("/auth/two-step", data={"code": totp_code(agent)})
    assert client.get("/staff/").status_code == 200


def test_a_code_cannot_be_used_twice(app: Flask, client: Any, make_staff: Any) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    code = pyotp.TOTP(agent.totp_secret).now()
    client.post("/auth/login", data={"email": agent.email, "password": PASSWORD})
    assert client.post("/auth/two-step", data={"code": code}).status_code == 302

    other = app.test_client()
    other.post("/auth/login", data={"email": agent.email, "password": PASSWORD})
    replay = other.post("/auth/two-step", data={"code": code})

    assert b"not right, or it was already used" in replay.data
    assert other.get("/staff/").status_code == 302


def test_a_recovery_code_works_once(app: Flask, client: Any, user: Any, log_in: Any) -> None:
    log_in(user)
    _, codes = enrol(client)
    for attempt, expected in ((app.test_client(), 302), (app.test_client(), 200)):
        attempt.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert attempt.post("/auth/two-step", data={"code": codes[0]}).status_code == expected


def test_wrong_codes_count_toward_the_cool_down(
    client: Any, make_staff: Any, outbox: list[Any]
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    client.post("/auth/login", data={"email": agent.email, "password": PASSWORD})
    answers = [
        client.post("/auth/two-step", data={"code": "000000"}).status_code for _ in range(10)
    ]

    assert answers[-1] == 429
    db.session.refresh(agent)
    assert agent.locked_at is not None
    assert [m["Subject"] for m in outbox] == ["Sign-in paused on your account"]


def test_the_code_step_expires(
    app: Flask, client: Any, make_staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    client.post("/auth/login", data={"email": agent.email, "password": PASSWORD})
    monkeypatch.setitem(app.config, "AUTH_MFA_PENDING_MINUTES", -1)

    response = client.post("/auth/two-step", data={"code": totp_code(agent)})

    assert response.headers["Location"].endswith("/auth/login")


def test_residents_may_switch_it_off_but_staff_may_not(
    client: Any, user: Any, log_in: Any, make_staff: Any, staff_log_in: Any, app: Flask
) -> None:
    log_in(user)
    enrol(client)
    client.post("/auth/two-step/disable", data={"password": PASSWORD})
    db.session.refresh(user)
    assert not user.is_mfa_enabled

    agent = make_staff(Role.HELPDESK_AGENT)
    staff_client = app.test_client()
    staff_log_in(agent, staff_client)
    staff_client.post("/auth/two-step/disable", data={"password": PASSWORD})
    db.session.refresh(agent)
    assert agent.is_mfa_enabled


def test_new_recovery_codes_replace_the_old_ones(client: Any, user: Any, log_in: Any) -> None:
    log_in(user)
    _, old = enrol(client)

    page = client.post("/auth/two-step/recovery-codes", data={"password": PASSWORD})
    new = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", page.get_data(as_text=True))

    assert len(new) == 10
    assert not set(new) & set(old)
    assert len(db.session.scalars(sa.select(RecoveryCode)).all()) == 10


def test_staff_sessions_time_out_after_15_idle_minutes_and_residents_after_30(
    app: Flask, client: Any, make_staff: Any, staff_log_in: Any, log_in: Any
) -> None:
    from jasperrec.auth.models import UserSession

    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(agent)
    resident = factories.UserFactory()
    resident_client = app.test_client()
    resident_client.post("/auth/login", data={"email": resident.email, "password": PASSWORD})
    sixteen_minutes_ago = utcnow() - dt.timedelta(minutes=16)
    db.session.execute(sa.update(UserSession).values(last_seen_at=sixteen_minutes_ago))
    db.session.commit()

    assert client.get("/staff/").status_code == 302
    assert resident_client.get("/auth/account").status_code == 200


def test_staff_get_no_remember_cookie(client: Any, make_staff: Any) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    client.post("/auth/login", data={"email": agent.email, "password": PASSWORD, "remember": "y"})
    response = client.post("/auth/two-step", data={"code": totp_code(agent)})

    assert "jasperrec_remember" not in str(response.headers.getlist("Set-Cookie"))


def test_a_staff_cookie_replayed_from_another_browser_ends_the_session(
    app: Flask, client: Any, make_staff: Any
) -> None:
    chrome = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"
    agent = make_staff(Role.HELPDESK_AGENT)
    client.post(
        "/auth/login",
        data={"email": agent.email, "password": PASSWORD},
        headers={"User-Agent": chrome},
    )
    client.post("/auth/two-step", data={"code": totp_code(agent)}, headers={"User-Agent": chrome})
    cookie = client.get_cookie("jasperrec_session", domain="127.0.0.1").value
    thief = app.test_client()
    thief.set_cookie("jasperrec_session", cookie, domain="127.0.0.1")

    assert thief.get("/staff/", headers={"User-Agent": firefox}).status_code == 302
    assert client.get("/staff/", headers={"User-Agent": chrome}).status_code == 302


def test_a_locked_account_cannot_finish_signing_in_with_a_correct_code(
    client: Any, make_staff: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    client.post("/auth/login", data={"email": agent.email, "password": PASSWORD})
    for _ in range(10):
        client.post("/auth/two-step", data={"code": "000000"})
    db.session.refresh(agent)

    response = client.post("/auth/two-step", data={"code": totp_code(agent)})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/login")
    assert client.get("/staff/").status_code == 302


def test_a_locked_account_is_refused_at_the_code_step_even_from_a_fresh_password_step(
    app: Flask, client: Any, make_staff: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    client.post("/auth/login", data={"email": agent.email, "password": PASSWORD})
    agent.locked_at = utcnow()
    db.session.commit()

    response = client.post("/auth/two-step", data={"code": totp_code(agent)})

    assert response.status_code == 429
    assert client.get("/staff/").status_code == 302


def test_wrong_passwords_when_confirming_identity_count_and_end_the_session(
    client: Any, make_staff: Any, staff_log_in: Any, outbox: list[Any]
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(agent)
    answers = [
        client.post("/auth/reauthenticate", data={"password": "a wrong guess here"}).status_code
        for _ in range(10)
    ]

    assert answers[:9] == [200] * 9
    assert answers[9] == 429
    db.session.refresh(agent)
    assert agent.locked_at is not None
    assert client.get("/staff/").status_code == 302
    assert [m["Subject"] for m in outbox] == ["Sign-in paused on your account"]
