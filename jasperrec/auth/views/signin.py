"""Registration, email confirmation, sign-in, sign-out, password reset and unlocking."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required
from werkzeug.wrappers import Response

from jasperrec.extensions import keyed_hash
from jasperrec.extensions import limiter
from jasperrec.forms import ConfirmForm
from jasperrec.headers import no_store

from .. import cookies
from .. import lockout
from .. import service
from .. import sessions
from ..errors import AccountLockedError
from ..errors import InvalidCredentialsError
from ..errors import InvalidTokenError
from ..errors import WeakPasswordError
from ..errors import WrongPasswordError
from ..forms import EmailOnlyForm
from ..forms import LoginForm
from ..forms import PasswordOnlyForm
from ..forms import RegistrationForm
from ..forms import ResetPasswordForm
from ..models import User
from . import bp
from .guards import limit_from


def _account_key() -> str:
    """Key per-account limits on the submitted address and the client together.

    One client's guesses then slow down only that client, never the owner signing in from
    elsewhere, and an unknown address is counted exactly as a known one.
    """
    email = service.normalise_email(request.form.get("email", ""))
    return "account:" + keyed_hash(f"{email}\n{request.remote_addr}", "account")


def _address_key() -> str:
    """Key per-address mail limits on a keyed hash of the target address, whoever asks."""
    email = service.normalise_email(request.form.get("email", ""))
    return "address:" + keyed_hash(email, "address")


def _login_failed(response: Response) -> bool:
    return bool(g.get("login_failed"))


def _bad_link(error: InvalidTokenError) -> ResponseReturnValue:
    return render_template("auth/bad_link.html", message=str(error)), 400


def safe_next(default: str = "auth.account") -> str:
    """Follow ?next= only to a path on this site.

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so
    "/<tab>/evil.example" means "//evil.example": control characters and whitespace are
    removed before the check, and the cleaned value is the one followed.
    """
    raw = request.args.get("next", "")
    target = "".join(c for c in raw if c.isprintable() and not c.isspace())
    return target if _is_local_path(target) else url_for(default)


def landing_for(user: User) -> str:
    """Name the page someone lands on after signing in: staff work in the console."""
    return "staff.home" if user.is_staff else "auth.account"


def _is_local_path(target: str) -> bool:
    try:
        parts = urlsplit(target)
    except ValueError:  # an unbalanced "[" in a host, as in "//[x"
        return False
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: limit_from("AUTH_REGISTER_LIMIT"), methods=["POST"])
def register() -> ResponseReturnValue:
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            service.register_user(
                form.email.data, form.password.data, form.first_name.data, form.last_name.data
            )
        except WeakPasswordError as exc:
            form.password.errors.append(str(exc))
        else:
            return redirect(url_for("auth.check_email"))
    return render_template("auth/register.html", form=form)


@bp.route("/check-email")
def check_email() -> ResponseReturnValue:
    return render_template("auth/check_email.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@no_store
def confirm_email(token: str) -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.confirm_email(token)
        except InvalidTokenError as exc:
            return _bad_link(exc)
        flash("Thank you: your email address is confirmed.", "success")
        return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/confirm_email.html", form=form)


@bp.route("/confirm/resend", methods=["GET", "POST"])
@limiter.limit(lambda: limit_from("AUTH_RESET_LIMIT"), methods=["POST"])
@limiter.limit(
    lambda: limit_from("AUTH_RESET_ADDRESS_LIMIT"), methods=["POST"], key_func=_address_key
)
def resend_confirmation() -> ResponseReturnValue:
    form = EmailOnlyForm()
    if form.validate_on_submit():
        service.resend_confirmation(form.email.data)
        return redirect(url_for("auth.check_email"))
    return render_template("auth/resend_confirmation.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: limit_from("AUTH_CLIENT_LOGIN_LIMIT"),
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-client",
)
@limiter.limit(
    lambda: limit_from("AUTH_ACCOUNT_LOGIN_LIMIT"),
    methods=["POST"],
    deduct_when=_login_failed,
    key_func=_account_key,
    scope="login-account",
)
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = sessions.authenticate(form.email.data, form.password.data)
        except InvalidCredentialsError:
            g.login_failed = True
            form.password.errors.append("The email address or password is not correct.")
        except AccountLockedError:
            g.login_failed = True
            return render_template("auth/locked.html"), 429
        else:
            return _continue_sign_in(user, bool(form.remember.data))
    return render_template("auth/login.html", form=form)


def _continue_sign_in(user: User, remember: bool) -> ResponseReturnValue:
    """Ask for the one-time code if the account has one, else open the session."""
    if user.is_mfa_enabled:
        cookies.await_second_factor(user, remember)
        return redirect(url_for("auth.second_factor", next=request.args.get("next")))
    result = sessions.sign_in(user, remember=remember, user_agent=request.user_agent.string)
    return cookies.start_session(redirect(safe_next(landing_for(user))), result)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        flash("You are signed out.", "success")
        return cookies.stop_session(redirect(url_for("pages.home")))
    return redirect(url_for("auth.account"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: limit_from("AUTH_RESET_LIMIT"), methods=["POST"])
@limiter.limit(
    lambda: limit_from("AUTH_RESET_ADDRESS_LIMIT"), methods=["POST"], key_func=_address_key
)
def forgot_password() -> ResponseReturnValue:
    form = EmailOnlyForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        return redirect(url_for("auth.check_email", reason="reset"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@no_store
def reset_password(token: str) -> ResponseReturnValue:
    form = ResetPasswordForm()
    try:
        service.user_for_reset_token(token)
        if form.validate_on_submit():
            service.reset_password(token, form.password.data)
            flash("Your password is changed. Sign in with the new one.", "success")
            return cookies.stop_session(redirect(url_for("auth.login")), "password reset")
    except InvalidTokenError as exc:
        return _bad_link(exc)
    except WeakPasswordError as exc:
        form.password.errors.append(str(exc))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/unlock/<token>", methods=["GET", "POST"])
@no_store
def unlock_account(token: str) -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            lockout.unlock_account(token)
        except InvalidTokenError as exc:
            return _bad_link(exc)
        flash("Your account is unlocked. You can sign in again.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/unlock_account.html", form=form)


@bp.route("/claim/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: limit_from("AUTH_REAUTH_LIMIT"), methods=["POST"], scope="claim-contact")
@no_store
def claim_contact(token: str) -> ResponseReturnValue:
    form = PasswordOnlyForm()
    form.password.label.text = "The password you chose when registering"
    if form.validate_on_submit():
        try:
            service.claim_contact(token, form.password.data)
        except InvalidTokenError as exc:
            return _bad_link(exc)
        except WrongPasswordError as exc:
            form.password.errors.append(str(exc))
        else:
            flash("Your account is ready and your earlier requests are in it. Sign in.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/claim_contact.html", form=form)
