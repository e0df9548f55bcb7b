"""Remember-me has a token of its own, spent on each use; copied cookies die on rotation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth import sessions
from jasperrec.auth.models import User
from jasperrec.auth.models import UserSession
from jasperrec.auth.sessions import hash_token
from jasperrec.extensions import db
from tests import factories
from tests.conftest import PASSWORD
from tests.races import delete_committed
from tests.races import run_at_once

DOMAIN = "127.0.0.1"
SESSION = "jasperrec_session"
REMEMBER = "jasperrec_remember"
NEW_PASSWORD = "a brand new " + PASSWORD


def cookie(client: Any, name: str) -> str | None:
    found = client.get_cookie(name, domain=DOMAIN)
    return found.value if found is not None else None


def session_token(app: Flask, client: Any) -> str:
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    token: str = serializer.loads(cookie(client, SESSION))["sid"]
    return token


def copy_cookies(app: Flask, client: Any, names: tuple[str, ...] = (SESSION, REMEMBER)) -> Any:
    """A second browser holding copies of the first one's cookies."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, cookie(client, name), domain=DOMAIN)
    return thief


def signed_in(client: Any) -> bool:
    return bool(client.get("/auth/account").status_code == 200)


def reopen(client: Any) -> Any:
    """Close and reopen the browser: the session cookie is gone, the remember cookie stays."""
    client.delete_cookie(SESSION, domain=DOMAIN)
    return client


def the_row(user: Any) -> UserSession:
    db.session.expire_all()
    query = sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    return db.session.scalars(query).one()


def test_the_remember_token_is_never_the_session_token(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user, remember=True)

    remember, token = cookie(client, REMEMBER), session_token(app, client)
    assert remember != token
    row = the_row(user)
    assert row.remember_hash == hash_token(remember)
    assert row.token_hash == hash_token(token)


def test_each_use_of_the_remember_cookie_issues_new_tokens(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user, remember=True)
    first_remember, first_session = cookie(client, REMEMBER), session_token(app, client)
    copy = copy_cookies(app, client, (REMEMBER,))

    assert signed_in(reopen(client))

    renewed = cookie(client, REMEMBER)
    assert renewed not in (first_remember, first_session)
    assert session_token(app, client) not in (first_remember, first_session, renewed)
    assert signed_in(reopen(client))
    assert not signed_in(copy)
    assert cookie(copy, REMEMBER) is None


def test_an_old_remember_cookie_signs_nobody_in_after_use(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user, remember=True)
    thief = copy_cookies(app, client, (REMEMBER,))
    assert signed_in(thief)

    assert not signed_in(reopen(client))
    assert cookie(client, REMEMBER) is None


def test_two_uses_of_one_remember_token_renew_it_once(user: Any) -> None:
    result = sessions.sign_in(user, remember=True, user_agent="")
    token = result.tokens.remember
    assert token is not None
    # Both requests looked the row up before either spent the token.
    first = sessions.find_live_session(token, remember=True)
    second = sessions.find_live_session(token, remember=True)
    assert first is not None
    assert second is not None

    won = sessions.renew_remembered_session(first, token)
    lost = sessions.renew_remembered_session(second, token)

    assert won is not None
    assert lost is None
    row = the_row(user)
    assert row.token_hash == hash_token(won.session)
    assert row.remember_hash == hash_token(won.remember or "")


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (
            "/auth/password",
            {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        ),
        ("/auth/email", {"current_password": PASSWORD, "email": "moved@example.ca"}),
        ("/auth/sessions/end-others", {}),
    ],
    ids=["password-change", "email-change", "sign-out-other-devices"],
)
def test_copied_cookies_stop_working_when_the_session_is_secured(
    app: Flask, client: Any, user: Any, log_in: Any, url: str, data: dict[str, str]
) -> None:
    log_in(user, remember=True)
    both = copy_cookies(app, client)
    session_only = copy_cookies(app, client, (SESSION,))
    remember_only = copy_cookies(app, client, (REMEMBER,))
    before = the_row(user)
    old_hashes = (before.token_hash, before.remember_hash)

    assert client.post(url, data=data).status_code == 302

    assert signed_in(client)
    assert not signed_in(both)
    assert not signed_in(session_only)
    assert not signed_in(remember_only)
    after = the_row(user)
    assert after.id == before.id
    assert after.token_hash not in old_hashes
    assert after.remember_hash not in (*old_hashes, None)
    # This browser keeps "remember me", now with the new token.
    assert signed_in(reopen(client))


def test_a_session_without_remember_me_gets_no_remember_token(
    client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    client.post("/auth/sessions/end-others")

    assert the_row(user).remember_hash is None
    assert cookie(client, REMEMBER) is None
    assert signed_in(client)


def test_signing_out_after_a_remember_cookie_sign_in_leaves_no_remember_cookie(
    app: Flask, client: Any, user: Any, log_in: Any
) -> None:
    log_in(user, remember=True)
    reopen(client)

    client.post("/auth/logout")

    assert cookie(client, REMEMBER) is None
    assert not signed_in(client)


RACER = "remember-racer@example.ca"


@pytest.fixture
def racer(app: Flask) -> Iterator[str]:
    """The address of a resident committed for real, deleted with their sessions afterwards."""
    factories.UserFactory(email=RACER, password=PASSWORD)
    db.session.commit()
    # On SQLite an open transaction here would hold the write lock the requests need.
    db.session.remove()
    yield RACER
    mine = sa.select(User.id).where(User.email == RACER)
    delete_committed(
        sa.delete(UserSession).where(UserSession.user_id.in_(mine)),
        sa.delete(User).where(User.id.in_(mine)),
    )


@pytest.mark.commits
def test_two_tabs_using_one_remember_cookie_at_once_sign_in_once(app: Flask, racer: str) -> None:
    browser = app.test_client()
    data = {"email": racer, "password": PASSWORD, "remember": "y"}
    assert browser.post("/auth/login", data=data).status_code == 302
    tabs = [copy_cookies(app, browser, (REMEMBER,)) for _ in range(2)]

    def open_account(tab: Any) -> int:
        return tab.get("/auth/account").status_code

    statuses = run_at_once(app, open_account, [(tab,) for tab in tabs])

    assert sorted(statuses) == [200, 302]
