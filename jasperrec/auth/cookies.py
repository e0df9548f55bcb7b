"""The HTTP side of server-side sessions: the session and remember cookies and the loaders."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import g
from flask import request
from flask import session
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.extensions import login_manager

from .models import User
from .models import UserSession
from .service import SessionTokens
from .sessions import SignIn
from .sessions import describe_user_agent
from .sessions import end_session
from .sessions import find_live_session
from .sessions import renew_remembered_session

SESSION_TOKEN_KEY = "sid"  # noqa: S105 (a session key name, not a secret)
PENDING_KEY = "second_factor_pending"


def init_app(app: Flask) -> None:
    """Load users from server-side sessions instead of Flask-Login's own cookie."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    # Our session rows, checked on every request, replace Flask-Login's IP-hash protection,
    # which would put a hash of the visitor's address in the cookie.
    login_manager.session_protection = None
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_remember_cookie)
    app.after_request(_write_remember_cookie)
    app.after_request(_drop_client_identifier)


def current_session() -> UserSession | None:
    """Return the session row behind this request, if signed in."""
    record: UserSession | None = g.get("user_session")
    return record


def load_user(user_id: str) -> User | None:
    """Accept the session cookie only while its server-side session is live."""
    token = session.get(SESSION_TOKEN_KEY)
    record = find_live_session(token) if isinstance(token, str) else None
    if record is None or str(record.user_id) != user_id:
        session.clear()
        return None
    if record.user.is_staff and describe_user_agent(request.user_agent.string) != (
        record.browser,
        record.os,
    ):
        # Strong protection for staff: a cookie replayed from another browser ends the session.
        end_session(record, "browser changed")
        session.clear()
        return None
    g.user_session = record
    return record.user


def load_user_from_remember_cookie(req: Request) -> User | None:
    """Sign a returning resident back in, spending the remember token for new ones."""
    token = req.cookies.get(current_app.config["AUTH_REMEMBER_COOKIE_NAME"])
    if not token:
        return None
    record = find_live_session(token, remember=True)
    if record is None:
        _plan_remember_cookie(None)
        return None
    issued = renew_remembered_session(record, token)
    if issued is None:
        # Another request spent this cookie a moment ago; its response carries the new ones.
        return None
    _enter_session(record, issued)
    return record.user


def start_session(response: Response, result: SignIn) -> Response:
    """Put a new session in fresh cookies; clearing first means no fixation."""
    _enter_session(result.session, result.tokens)
    return response


def _enter_session(record: UserSession, tokens: SessionTokens) -> None:
    session.clear()
    session[SESSION_TOKEN_KEY] = tokens.session
    login_user(record.user)
    g.user_session = record
    _plan_remember_cookie(tokens.remember)


def renew_cookies(response: Response, tokens: SessionTokens | None) -> Response:
    """Give this browser its session's new tokens; copies of the old cookies stop working."""
    if tokens is not None:
        session[SESSION_TOKEN_KEY] = tokens.session
        _plan_remember_cookie(tokens.remember)
    return response


def stop_session(response: Response, reason: str = "signed out") -> Response:
    """End the server-side session and clear both cookies."""
    record = current_session()
    if record is not None:
        end_session(record, reason)
    logout_user()
    # Keep the messages queued for the next page ("You are signed out.") across the reset.
    flashes = session.get("_flashes")
    session.clear()
    if flashes:
        session["_flashes"] = flashes
    forget_remember_cookie(response)
    return response


def forget_remember_cookie(response: Response) -> Response:
    """Delete the remember cookie from the browser."""
    _plan_remember_cookie(None)
    return response


def _plan_remember_cookie(token: str | None) -> None:
    # Only the after-request hook writes the cookie, so the last decision in a request wins:
    # signing out after a remember-cookie sign-in leaves no renewed cookie behind.
    g.remember_cookie = token


def _write_remember_cookie(response: Response) -> Response:
    # Load the user now if nothing has yet: a remember-cookie sign-in plans a new cookie.
    current_user._get_current_object()
    if "remember_cookie" not in g:
        return response
    config = current_app.config
    name = config["AUTH_REMEMBER_COOKIE_NAME"]
    secure = bool(config["SESSION_COOKIE_SECURE"])
    if g.remember_cookie:
        max_age = int(config["AUTH_REMEMBER_DAYS"]) * 86400
        response.set_cookie(
            name, g.remember_cookie, max_age=max_age, secure=secure, httponly=True, samesite="Lax"
        )
    elif name in request.cookies:
        response.delete_cookie(name, secure=secure, httponly=True, samesite="Lax")
    return response


def _drop_client_identifier(response: Response) -> Response:
    # login_user stores "_id" = sha512(IP | User-Agent) even with session protection off;
    # the cookie must hold nothing derived from the visitor's address, whoever logs in.
    session.pop("_id", None)
    return response


def await_second_factor(user: User, remember: bool) -> None:
    """Remember, for a few minutes, who passed the password step and still owes a code."""
    session.clear()
    session[PENDING_KEY] = {"uid": user.id, "remember": remember, "at": utcnow().timestamp()}


def pending_second_factor() -> tuple[User, bool] | None:
    """Return who is between the password and code steps, if that started recently."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    age = utcnow().timestamp() - float(pending.get("at", 0))
    if age > int(current_app.config["AUTH_MFA_PENDING_MINUTES"]) * 60:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, int(pending["uid"]))
    if user is None or not user.is_active:
        return None
    return user, bool(pending.get("remember"))
