"""Sign-in: per-session cookies, optional remember-me, server-side revocation and timeouts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask

from jasperrec.auth.models import UserSession
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests.conftest import PASSWORD

# The test client addresses the app by its SERVER_NAME, taken from PUBLIC_URL.
DOMAIN = "127.0.0.1"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0"


def set_cookies(response: Any) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def live_sessions(user: Any) -> list[UserSession]:
    query = sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    return list(db.session.scalars(query))


def copy_session_cookie(app: Flask, client: Any) -> Any:
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    stolen = client.get_cookie("jasperrec_session", domain=DOMAIN).value
    thief.set_cookie("jasperrec_session", stolen, domain=DOMAIN)
    return thief


def test_the_session_cookie_ends_with_the_browser_without_remember_me(
    user: Any, log_in: Any
) -> None:
    response = log_in(user)

    cookies = set_cookies(response)
    session_cookie = cookies["jasperrec_session"]
    assert "Expires" not in session_cookie
    assert "Max-Age" not in session_cookie
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert "jasperrec_remember" not in cookies


def test_remember_me_sets_a_separate_cookie_of_at_most_30_days(user: Any, log_in: Any) -> None:
    response = log_in(user, remember=True)

    remember = set_cookies(response)["jasperrec_remember"]
    max_age = int(remember.split("Max-Age=")[1].split(";")[0])
    assert 0 < max_age <= 30 * 86400
    assert "HttpOnly" in remember
    assert "Max-Age" not in set_cookies(response)["jasperrec_session"]


def test_a_remembered_browser_comes_back_after_closing(client: Any, user: Any, log_in: Any) -> None:
    log_in(user, remember=True)
    client.delete_cookie("jasperrec_session", domain=DOMAIN)

    assert client.get("/auth/account").status_code == 200


def test_without_remember_me_closing_the_browser_signs_out(
    client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    client.delete_cookie("jasperrec_session", domain=DOMAIN)

    assert client.get("/auth/account").status_code == 302


def test_sign_in_renews_the_session_so_a_planted_cookie_gains_nothing(
    app: Flask, client: Any, user: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    form = client.get("/auth/login").get_data(as_text=True)
    planted = copy_session_cookie(app, client)
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert client.get_cookie("jasperrec_session", domain=DOMAIN).value != (
        planted.get_cookie("jasperrec_session", domain=DOMAIN).value
    )

    assert client.get("/auth/account").status_code == 200
    assert planted.get("/auth/account").status_code == 302


def test_a_cookie_copied_before_sign_out_is_rejected_after(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    thief = copy_session_cookie(app, client)
    assert thief.get("/auth/account").status_code == 200

    client.post("/auth/logout")

    assert thief.get("/auth/account").status_code == 302
    assert live_sessions(user) == []


def test_a_cookie_copied_before_a_password_change_is_rejected_after(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    other_device = app.test_client()
    other_device.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    copied = copy_session_cookie(app, other_device)
    new = "a brand new " + PASSWORD

    client.post(
        "/auth/password", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )

    assert client.get("/auth/account").status_code == 200
    assert copied.get("/auth/account").status_code == 302
    assert other_device.get("/auth/account").status_code == 302
    assert len(live_sessions(user)) == 1


def test_a_password_change_needs_the_current_password(client: Any, user: Any, log_in: Any) -> None:
    log_in(user)
    before = user.password_hash
    new = "a brand new " + PASSWORD

    response = client.post(
        "/auth/password",
        data={"current_password": "wrong password here", "password": new, "confirm": new},
    )

    assert b"Your current password is not correct." in response.data
    db.session.refresh(user)
    assert user.password_hash == before


def test_an_idle_session_times_out_after_30_minutes(client: Any, user: Any, log_in: Any) -> None:
    log_in(user)
    [record] = live_sessions(user)
    record.last_seen_at = utcnow() - dt.timedelta(minutes=31)
    db.session.commit()

    assert client.get("/auth/account").status_code == 302
    db.session.refresh(record)
    assert record.ended_reason == "idle"


def test_a_session_ends_after_12_hours_even_when_busy(client: Any, user: Any, log_in: Any) -> None:
    log_in(user)
    [record] = live_sessions(user)
    lifetime = record.expires_at - record.created_at
    assert abs(lifetime - dt.timedelta(hours=12)) < dt.timedelta(seconds=5)
    record.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()

    assert client.get("/auth/account").status_code == 302


def test_the_sessions_page_shows_browser_and_system_but_no_address(
    app: Flask, client: Any, user: Any
) -> None:
    client.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": FIREFOX},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )

    page = client.get("/auth/sessions").get_data(as_text=True)

    assert "Firefox on Windows" in page
    assert "203.0.113.9" not in page


def test_a_resident_can_end_another_session_or_all_others(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    phone, tablet = app.test_client(), app.test_client()
    for device in (phone, tablet):
        device.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    [first, second, third] = sorted(live_sessions(user), key=lambda s: s.id)

    client.post(f"/auth/sessions/{second.id}/end")
    assert phone.get("/auth/account").status_code == 302
    assert tablet.get("/auth/account").status_code == 200

    client.post("/auth/sessions/end-others")
    assert tablet.get("/auth/account").status_code == 302
    assert [s.id for s in live_sessions(user)] == [first.id]


def test_another_residents_session_answers_404(
    app: Any, client: Any, user: Any, log_in: Any
) -> None:
    from tests import factories

    neighbour = factories.UserFactory()
    app.test_client().post("/auth/login", data={"email": neighbour.email, "password": PASSWORD})
    [theirs] = live_sessions(neighbour)
    log_in(user)

    assert client.post(f"/auth/sessions/{theirs.id}/end").status_code == 404
    assert live_sessions(neighbour) != []


def test_sign_in_rehashes_a_password_stored_with_older_parameters(user: Any, log_in: Any) -> None:
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=128, parallelism=1).hash(PASSWORD)
    db.session.commit()

    log_in(user)

    db.session.refresh(user)
    assert "m=256,t=1,p=1" in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


def test_wrong_password_and_unknown_email_get_the_same_answer(client: Any, user: Any) -> None:
    wrong = client.post("/auth/login", data={"email": user.email, "password": "not it at all!"})
    unknown = client.post(
        "/auth/login", data={"email": "nobody@example.ca", "password": "not it at all!"}
    )

    message = b"The email address or password is not correct."
    assert message in wrong.data
    assert message in unknown.data
    assert wrong.status_code == unknown.status_code == 200


def test_an_unknown_email_is_checked_against_a_dummy_hash(
    app: Flask, client: Any, monkeypatch: Any
) -> None:
    hashing = app.extensions["jasperrec.password_hasher"]
    verified: list[str] = []
    real = hashing.hasher

    class CountingHasher:
        def verify(self, stored: str, password: str) -> bool:
            verified.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(hashing, "hasher", CountingHasher())

    client.post("/auth/login", data={"email": "nobody@example.ca", "password": "guess me now"})

    assert verified == [hashing.dummy_hash]
