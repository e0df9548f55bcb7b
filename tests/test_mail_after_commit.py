"""Mail about a change goes out only once the change is committed."""

from __future__ import annotations

from typing import Any

import pytest

from jasperrec.extensions import db
from jasperrec.mail import UncommittedMailError
from jasperrec.mail import send_mail
from tests import factories


def test_mail_is_refused_while_the_session_holds_unsaved_changes(
    user: Any, outbox: list[Any]
) -> None:
    user.first_name = "Changed"

    with pytest.raises(UncommittedMailError):
        send_mail(user.email, "auth/password_changed", user=user)
    assert outbox == []


def test_mail_goes_out_once_the_change_is_saved(user: Any, outbox: list[Any]) -> None:
    user.first_name = "Changed"
    db.session.commit()

    send_mail(user.email, "auth/password_changed", user=user)

    assert [m["To"] for m in outbox] == [user.email]


def test_a_failed_sign_in_that_locks_the_account_emails_after_saving_the_lock(
    app: Any, client: Any, outbox: list[Any]
) -> None:
    owner = factories.UserFactory()
    for _ in range(app.config["AUTH_LOCKOUT_THRESHOLD"]):
        client.post("/auth/login", data={"email": owner.email, "password": "wrong " * 4})

    db.session.refresh(owner)
    assert owner.locked_at is not None
    assert [m["Subject"] for m in outbox] == ["Sign-in paused on your account"]
