"""The account lock: failed password and code checks, and the emailed single-use unlock link."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.mail import send_mail

from . import passwords
from . import tokens
from .errors import AccountLockedError
from .errors import InvalidTokenError
from .errors import WrongPasswordError
from .models import User


def ensure_not_locked(user: User) -> None:
    """Refuse a step that checks a password or code while the account is locked.

    :raises AccountLockedError:
    """
    if user.locked_at is not None:
        raise AccountLockedError()


def count_failure(user: User) -> bool:
    """Count a failed password or code; at the threshold lock the account and mail the owner.

    Returns whether this failure locked the account. Sign-in stays silent about it, so that
    a wrong password never learns whether an account exists or is locked.
    """
    # Both steps are single UPDATEs evaluated by the database, so concurrent guesses are all
    # counted and exactly one of them locks the account and mails the link.
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(failed_login_count=User.failed_login_count + 1)
        .execution_options(synchronize_session=False)
    )
    now = utcnow()
    threshold = int(current_app.config["AUTH_LOCKOUT_THRESHOLD"])
    result = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            User.locked_at.is_(None),
            User.failed_login_count >= threshold,
        )
        .values(locked_at=now, unlock_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    locked = bool(result.rowcount == 1)  # type: ignore[attr-defined]
    db.session.commit()
    if locked:
        _send_unlock_link(user)
    return locked


def record_failure(user: User) -> None:
    """Count a failed password or code from someone already past the password or signed in.

    :raises AccountLockedError: when this failure locks the account.
    """
    if count_failure(user):
        raise AccountLockedError()


def check_current_password(
    user: User, password: str, wrong: str = "Your current password is not correct."
) -> None:
    """Check a signed-in person's password before a change; wrong ones count toward the lock.

    :raises AccountLockedError:
    :raises WrongPasswordError:
    """
    ensure_not_locked(user)
    if not passwords.verify_password(user.password_hash, password):
        record_failure(user)
        raise WrongPasswordError(wrong)


def resend_unlock_link(user: User) -> None:
    """Mail the unlock link again, at most once per AUTH_UNLOCK_RESEND_MINUTES."""
    interval = dt.timedelta(minutes=int(current_app.config["AUTH_UNLOCK_RESEND_MINUTES"]))
    now = utcnow()
    if user.locked_at is None or (
        user.unlock_sent_at is not None and now - user.unlock_sent_at < interval
    ):
        return
    user.unlock_sent_at = now
    db.session.commit()
    _send_unlock_link(user)


def _send_unlock_link(user: User) -> None:
    token = tokens.make_token(user, tokens.UNLOCK_ACCOUNT)
    threshold = int(current_app.config["AUTH_LOCKOUT_THRESHOLD"])
    send_mail(user.email, "auth/account_locked", user=user, token=token, threshold=threshold)


def unlock_account(token: str) -> User:
    """Lift the lock named in an unlock link; each link works once.

    :raises InvalidTokenError:
    """
    max_age = int(current_app.config["AUTH_UNLOCK_MAX_AGE_HOURS"]) * 3600
    user = tokens.user_for_token(token, tokens.UNLOCK_ACCOUNT, max_age)
    if user.locked_at is None:
        raise InvalidTokenError(tokens.USED_OR_EXPIRED)
    unlock(user)
    db.session.commit()
    return user


def unlock(user: User) -> None:
    """Clear the lock and the failure count, as an unlock link or password reset does; no commit."""
    user.failed_login_count = 0
    user.locked_at = None
    user.unlock_sent_at = None
