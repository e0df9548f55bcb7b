"""Server-side sign-in sessions: sign in and out, look up, list and end them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app

from jasperrec import useragents
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.tasks import crontab
from jasperrec.tasks import periodic_task

from . import passwords
from .errors import AccountLockedError
from .errors import InvalidCredentialsError
from .errors import WrongCodeError
from .lockout import check_current_password
from .lockout import count_failure
from .lockout import ensure_not_locked as ensure_not_locked
from .lockout import record_failure as record_failure
from .lockout import resend_unlock_link
from .mfa import check_second_factor
from .models import User
from .models import UserSession
from .service import SessionTokens
from .service import end_user_sessions
from .service import hash_token
from .service import issue_tokens
from .service import new_token
from .service import normalise_email

# last_seen_at is written at most this often, so browsing is not a write per request.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


@dataclasses.dataclass(frozen=True)
class SignIn:
    """A new session and the tokens its cookies carry (the tokens are never stored)."""

    user: User
    session: UserSession
    tokens: SessionTokens


@dataclasses.dataclass(frozen=True)
class OthersSignedOut:
    """How many other sessions ended, and the current session's new tokens."""

    count: int
    tokens: SessionTokens


def describe_user_agent(user_agent: str) -> tuple[str, str]:
    """Reduce a User-Agent to browser family and OS, all the session list shows."""
    agent = useragents.describe(user_agent)
    return agent.browser or "Unknown browser", agent.os or "Unknown system"


def _idle_limit(user: User) -> dt.timedelta:
    key = "AUTH_STAFF_IDLE_TIMEOUT_MINUTES" if user.is_staff else "AUTH_IDLE_TIMEOUT_MINUTES"
    return dt.timedelta(minutes=int(current_app.config[key]))


def authenticate(email: str, password: str) -> User:
    """Check an email and password, counting failures toward the account lock.

    A correct password does not yet reset the failure count: that waits for the whole
    sign-in, so that guessing a second-factor code cannot be cleared by the password.
    A wrong password gets the same answer for an unknown, a locked or a just-locked account;
    only the right password learns of the lock (and has the unlock link sent again).

    :raises InvalidCredentialsError:
    :raises AccountLockedError:
    """
    found = db.session.execute(
        sa.select(User.id, User.password_hash).where(User.email == normalise_email(email))
    ).first()
    # End the read transaction before the deliberately slow hash check, so no snapshot or
    # lock is held for its duration (SQLite would refuse the later write under load).
    # Only two columns were read, so the commit expires nothing that must be reloaded.
    db.session.commit()
    # Verify even for unknown or locked accounts, so timing reveals nothing.
    valid = passwords.verify_password(found.password_hash if found else None, password)
    user = db.session.get(User, found.id) if found else None
    # A contact has no password and no account: answered as an unknown address, uncounted.
    if user is None or not user.is_active or user.password_hash is None:
        raise InvalidCredentialsError()
    if not valid:
        if user.locked_at is None:
            count_failure(user)
        raise InvalidCredentialsError()
    if user.locked_at is not None:
        resend_unlock_link(user)
        raise AccountLockedError()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
    return user


def reauthenticate(user: User, record: UserSession, password: str, code: str) -> None:
    """Let someone prove again who they are before a sensitive action; failures count.

    :raises AccountLockedError:
    :raises WrongPasswordError:
    :raises WrongCodeError:
    """
    check_current_password(user, password, "Your password is not correct.")
    if user.is_mfa_enabled:
        try:
            check_second_factor(user, code)
        except WrongCodeError:
            record_failure(user)
            raise
    mark_reauthenticated(record)


def sign_in(user: User, *, remember: bool, user_agent: str) -> SignIn:
    """Open a session for someone who passed every check; reset their failure count."""
    user.failed_login_count = 0
    user.last_login_at = utcnow()
    result = _open_session(user, remember=remember and not user.is_staff, user_agent=user_agent)
    db.session.commit()
    return result


def _open_session(user: User, *, remember: bool, user_agent: str) -> SignIn:
    """Create a session row with a fresh random token; flushes only."""
    config = current_app.config
    now = utcnow()
    if remember:
        lifetime = dt.timedelta(days=int(config["AUTH_REMEMBER_DAYS"]))
    else:
        lifetime = dt.timedelta(hours=int(config["AUTH_ABSOLUTE_TIMEOUT_HOURS"]))
    browser, system = describe_user_agent(user_agent)
    record = UserSession(
        user=user,
        browser=browser,
        os=system,
        is_remembered=remember,
        last_seen_at=now,
        expires_at=now + lifetime,
        reauthenticated_at=now,
    )
    db.session.add(record)
    return SignIn(user=user, session=record, tokens=issue_tokens(record))


def find_live_session(token: str, *, remember: bool = False) -> UserSession | None:
    """Return the session a cookie token belongs to if it is still live, ending it if it lapsed.

    The token is looked up as a session token, or with remember=True as a remember token.
    """
    column = UserSession.remember_hash if remember else UserSession.token_hash
    record: UserSession | None = db.session.scalar(
        sa.select(UserSession).where(column == hash_token(token))
    )
    if record is None or record.is_ended:
        return None
    now = utcnow()
    user = record.user
    reason = None
    if not user.is_active:
        reason = "account deactivated"
    elif now >= record.expires_at:
        reason = "expired"
    elif not record.is_remembered and now - record.last_seen_at > _idle_limit(user):
        reason = "idle"
    if reason is not None:
        end_session(record, reason)
        return None
    if now - record.last_seen_at > TOUCH_INTERVAL:
        record.last_seen_at = now
        db.session.commit()
    return record


def renew_remembered_session(record: UserSession, remember_token: str) -> SessionTokens | None:
    """Spend a remember token: give the session new tokens, or None if another use came first.

    Two requests can bring the same remember cookie at once. The update only applies while
    the row still holds this remember token, so one use wins and the other gets nothing.
    """
    session_token, new_remember_token = new_token(), new_token()
    result = db.session.execute(
        sa.update(UserSession)
        .where(
            UserSession.id == record.id,
            UserSession.remember_hash == hash_token(remember_token),
        )
        .values(
            token_hash=hash_token(session_token),
            remember_hash=hash_token(new_remember_token),
            last_seen_at=utcnow(),
        )
    )
    db.session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return SessionTokens(session=session_token, remember=new_remember_token)


def end_session(record: UserSession, reason: str) -> None:
    """End one session so its cookies stop working everywhere."""
    if record.ended_at is None:
        record.ended_at = utcnow()
        record.ended_reason = reason
    db.session.commit()


def list_sessions_for(user: User) -> Sequence[UserSession]:
    """Return the user's live sessions, newest first."""
    now = utcnow()
    query = (
        sa.select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.expires_at > now,
        )
        .order_by(UserSession.created_at.desc())
    )
    return db.session.scalars(query).all()


def end_session_for(user: User, session_id: int) -> None:
    """End one of the user's own sessions; another person's answers as not found."""
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != user.id:
        raise NotFoundError()
    end_session(record, "signed out elsewhere")


def end_other_sessions(user: User, current: UserSession) -> OthersSignedOut:
    """End every session of the user's but the current one, which gets new tokens."""
    ended = end_user_sessions(user, "signed out elsewhere", except_session=current)
    issued = issue_tokens(current)
    db.session.commit()
    return OthersSignedOut(count=ended, tokens=issued)


def end_all_sessions(user: User, reason: str) -> None:
    """End every session the user has, as deactivation does."""
    end_user_sessions(user, reason)
    db.session.commit()


def mark_reauthenticated(record: UserSession) -> None:
    """Record that the person just proved who they are again, for sensitive actions."""
    record.reauthenticated_at = utcnow()
    db.session.commit()


def purge_ended_sessions(older_than: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Delete session rows that ended or expired long ago; return how many."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        sa.delete(UserSession).where(
            sa.or_(UserSession.ended_at < cutoff, UserSession.expires_at < cutoff)
        )
    )
    db.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


@periodic_task(crontab(minute="17", hour="*"))
def purge_sessions_task() -> None:
    """Hourly: keep the sessions table to what residents can still see or use."""
    purge_ended_sessions()
