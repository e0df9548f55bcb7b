"""The resident's account: overview, profile, password, email and signed-in devices."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.extensions import limiter
from jasperrec.forms import ConfirmForm

from .. import cookies
from .. import service
from .. import sessions
from ..errors import AccountLockedError
from ..errors import EmailTakenError
from ..errors import WeakPasswordError
from ..errors import WrongPasswordError
from ..forms import ChangeEmailForm
from ..forms import ChangePasswordForm
from ..forms import ProfileForm
from ..forms import normalise_postal_code
from ..phones import normalise_phone
from . import bp
from .guards import limit_from
from .guards import locked_out
from .guards import person_key

# One allowance for both pages, and every try counts, right or wrong: nobody needs ten
# password or address changes in a quarter-hour.
limit_password_checks = limiter.shared_limit(
    lambda: limit_from("AUTH_CURRENT_PASSWORD_LIMIT"),
    "current-password",
    methods=["POST"],
    key_func=person_key,
)


@bp.route("/account")
@login_required
def account() -> ResponseReturnValue:
    return render_template("auth/account.html", user=current_user, confirm=ConfirmForm())


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> ResponseReturnValue:
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        details = service.Profile(
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            date_of_birth=form.date_of_birth.data,
            phone=normalise_phone(form.phone.data),
            address_line1=form.address_line1.data or None,
            address_line2=form.address_line2.data or None,
            city=form.city.data or None,
            province=form.province.data or None,
            postal_code=normalise_postal_code(form.postal_code.data),
        )
        service.update_profile(current_user, details)
        flash("Your details are saved.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/profile.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@limit_password_checks
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            tokens = service.change_password(
                current_user,
                form.current_password.data,
                form.password.data,
                cookies.current_session(),
            )
        except AccountLockedError:
            return locked_out()
        except WrongPasswordError as exc:
            form.current_password.errors.append(str(exc))
        except WeakPasswordError as exc:
            form.password.errors.append(str(exc))
        else:
            flash("Your password is changed. You were signed out everywhere else.", "success")
            return cookies.renew_cookies(redirect(url_for("auth.account")), tokens)
    return render_template("auth/change_password.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
@limit_password_checks
@login_required
def change_email() -> ResponseReturnValue:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            tokens = service.change_email(
                current_user, form.current_password.data, form.email.data, cookies.current_session()
            )
        except AccountLockedError:
            return locked_out()
        except WrongPasswordError as exc:
            form.current_password.errors.append(str(exc))
        except EmailTakenError as exc:
            form.email.errors.append(str(exc))
        else:
            flash("Check your new address for a confirmation link.", "success")
            return cookies.renew_cookies(redirect(url_for("auth.account")), tokens)
    return render_template("auth/change_email.html", form=form)


@bp.route("/sessions")
@login_required
def devices() -> ResponseReturnValue:
    return render_template(
        "auth/sessions.html",
        records=sessions.list_sessions_for(current_user),
        current=cookies.current_session(),
        form=ConfirmForm(),
    )


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_device(session_id: int) -> ResponseReturnValue:
    current = cookies.current_session()
    if ConfirmForm().validate_on_submit():
        if current is not None and current.id == session_id:
            return cookies.stop_session(redirect(url_for("auth.login")))
        sessions.end_session_for(current_user, session_id)
        flash("That device is signed out.", "success")
    return redirect(url_for("auth.devices"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_devices() -> ResponseReturnValue:
    current = cookies.current_session()
    if ConfirmForm().validate_on_submit() and current is not None:
        ended = sessions.end_other_sessions(current_user, current)
        flash(f"Signed out of {ended.count} other device(s).", "success")
        return cookies.renew_cookies(redirect(url_for("auth.devices")), ended.tokens)
    return redirect(url_for("auth.devices"))
