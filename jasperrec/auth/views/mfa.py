"""Two-step sign-in pages: the code step, enrolment, recovery codes and re-authentication."""

from __future__ import annotations

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.extensions import limiter
from jasperrec.headers import no_store

from .. import cookies
from .. import mfa
from .. import sessions
from ..errors import AccountLockedError
from ..errors import StaffMfaRequiredError
from ..errors import WrongCodeError
from ..errors import WrongPasswordError
from ..forms import CodeForm
from ..forms import PasswordOnlyForm
from ..forms import ReauthenticateForm
from ..models import User
from . import bp
from .guards import limit_from
from .guards import locked_out
from .guards import person_key
from .signin import landing_for
from .signin import safe_next

SETUP_SECRET_KEY = "mfa_setup_secret"  # noqa: S105 (a session key name, not a secret)


@bp.route("/two-step", methods=["GET", "POST"])
@no_store
@limiter.limit(lambda: limit_from("AUTH_CODE_LIMIT"), methods=["POST"])
def second_factor() -> ResponseReturnValue:
    pending = cookies.pending_second_factor()
    if pending is None:
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.login"))
    user, remember = pending
    form = CodeForm()
    if form.validate_on_submit():
        try:
            sessions.ensure_not_locked(user)
            mfa.check_second_factor(user, form.code.data)
        except AccountLockedError:
            return _locked()
        except WrongCodeError as exc:
            return _wrong_code(user, form, exc)
        result = sessions.sign_in(user, remember=remember, user_agent=request.user_agent.string)
        return cookies.start_session(redirect(safe_next(landing_for(user))), result)
    return render_template("auth/second_factor.html", form=form)


def _locked() -> ResponseReturnValue:
    """Show the lock and forget the half-finished sign-in, so it cannot be completed."""
    session.pop(cookies.PENDING_KEY, None)
    return render_template("auth/locked.html"), 429


def _wrong_code(user: User, form: CodeForm, error: WrongCodeError) -> ResponseReturnValue:
    try:
        sessions.record_failure(user)
    except AccountLockedError:
        return _locked()
    form.code.errors.append(str(error))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/two-step/setup", methods=["GET", "POST"])
@login_required
def setup_mfa() -> ResponseReturnValue:
    if current_user.is_mfa_enabled:
        return redirect(url_for("auth.mfa_settings"))
    secret = session.setdefault(SETUP_SECRET_KEY, mfa.new_secret())
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = mfa.enable_mfa(current_user, secret, form.code.data)
        except WrongCodeError as exc:
            form.code.errors.append(str(exc))
        else:
            session.pop(SETUP_SECRET_KEY, None)
            return render_template("auth/recovery_codes.html", codes=codes, first_time=True)
    enrolment = mfa.describe_enrolment(current_user, secret)
    return render_template("auth/setup_mfa.html", form=form, enrolment=enrolment)


@bp.route("/two-step/settings")
@login_required
def mfa_settings() -> ResponseReturnValue:
    remaining = mfa.remaining_recovery_codes(current_user) if current_user.is_mfa_enabled else 0
    return render_template("auth/mfa_settings.html", remaining=remaining, form=PasswordOnlyForm())


# Both pages take the password of someone already signed in: one budget covers the pair.
settings_limit = limiter.shared_limit(
    lambda: limit_from("AUTH_MFA_SETTINGS_LIMIT"),
    scope="mfa-settings",
    methods=["POST"],
    key_func=person_key,
)


@bp.route("/two-step/recovery-codes", methods=["POST"])
@settings_limit
@login_required
def new_recovery_codes() -> ResponseReturnValue:
    if not current_user.is_mfa_enabled:
        abort(404)
    form = PasswordOnlyForm()
    if not form.validate_on_submit():
        return _back_to_settings("Enter your current password; no new codes were made.")
    try:
        sessions.ensure_not_locked(current_user)
        codes = mfa.regenerate_recovery_codes(current_user, form.password.data)
    except AccountLockedError:
        return locked_out()
    except WrongPasswordError as exc:
        return _wrong_password(exc)
    return render_template("auth/recovery_codes.html", codes=codes, first_time=False)


@bp.route("/two-step/disable", methods=["POST"])
@settings_limit
@login_required
def disable_mfa() -> ResponseReturnValue:
    form = PasswordOnlyForm()
    if not form.validate_on_submit():
        return _back_to_settings("Enter your current password to turn two-step sign-in off.")
    try:
        sessions.ensure_not_locked(current_user)
        mfa.disable_mfa(current_user, form.password.data)
    except AccountLockedError:
        return locked_out()
    except WrongPasswordError as exc:
        return _wrong_password(exc)
    except StaffMfaRequiredError as exc:
        return _back_to_settings(str(exc))
    flash("Two-step sign-in is off.", "success")
    return redirect(url_for("auth.mfa_settings"))


def _back_to_settings(message: str) -> ResponseReturnValue:
    flash(message, "error")
    return redirect(url_for("auth.mfa_settings"))


def _wrong_password(error: WrongPasswordError) -> ResponseReturnValue:
    """Count the wrong password toward the account's lock, as re-authentication does."""
    try:
        sessions.record_failure(current_user)
    except AccountLockedError:
        return locked_out()
    return _back_to_settings(str(error))


@bp.route("/reauthenticate", methods=["GET", "POST"])
@limiter.limit(lambda: limit_from("AUTH_REAUTH_LIMIT"), methods=["POST"])
@login_required
def reauthenticate() -> ResponseReturnValue:
    form = ReauthenticateForm()
    record = cookies.current_session()
    if form.validate_on_submit() and record is not None:
        try:
            sessions.reauthenticate(current_user, record, form.password.data, form.code.data or "")
        except AccountLockedError:
            return locked_out()
        except WrongPasswordError as exc:
            form.password.errors.append(str(exc))
        except WrongCodeError:
            form.code.errors.append("That code is not right, or it was already used.")
        else:
            return redirect(safe_next())
    return render_template("auth/reauthenticate.html", form=form)
