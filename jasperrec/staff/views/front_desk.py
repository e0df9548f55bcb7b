"""The front desk: choose the facility, look up a code, and record a visit."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required

from .. import front_desk
from ..forms.front_desk import DeskCodeForm
from ..forms.front_desk import DeskFacilityForm
from . import bp

# The session key of the facility this browser's desk is at.
FACILITY_KEY = "desk_facility"


def _facility_form(facilities: list[str]) -> DeskFacilityForm:
    form = DeskFacilityForm(facility=session.get(FACILITY_KEY))
    form.set_facilities(facilities)
    return form


def _page(
    answer: front_desk.DeskAnswer | None = None, status: int = 200, **forms: object
) -> ResponseReturnValue:
    facilities = front_desk.list_facilities()
    facility = session.get(FACILITY_KEY)
    context = {
        "facility": facility if facility in facilities else None,
        "facility_form": forms.get("facility_form") or _facility_form(facilities),
        "code_form": forms.get("code_form") or DeskCodeForm(formdata=None),
        "answer": answer,
    }
    return render_template("staff/front_desk.html", **context), status


@bp.route("/front-desk", endpoint="front_desk")
@permission_required(Permission.STORE_ENTITLEMENTS_CHECK)
def front_desk_page() -> ResponseReturnValue:
    return _page()


@bp.route("/front-desk/facility", methods=["POST"])
@permission_required(Permission.STORE_ENTITLEMENTS_CHECK)
def set_front_desk_facility() -> ResponseReturnValue:
    form = _facility_form(front_desk.list_facilities())
    if not form.validate_on_submit():
        return _page(status=400, facility_form=form)
    session[FACILITY_KEY] = form.facility.data
    flash(f"This desk is at {form.facility.data}.", "success")
    return redirect(url_for("staff.front_desk"))


def _with_code(action: Callable[..., front_desk.DeskAnswer]) -> ResponseReturnValue:
    facility = session.get(FACILITY_KEY)
    if facility not in front_desk.list_facilities():
        flash("Choose the facility this desk is at first.", "error")
        return redirect(url_for("staff.front_desk"))
    form = DeskCodeForm()
    if not form.validate_on_submit():
        return _page(status=400, code_form=form)
    return _page(action(current_user, facility, form.code.data))


@bp.route("/front-desk/check", methods=["POST"])
@permission_required(Permission.STORE_ENTITLEMENTS_CHECK)
def check_code() -> ResponseReturnValue:
    return _with_code(front_desk.look_up)


@bp.route("/front-desk/visit", methods=["POST"])
@permission_required(Permission.STORE_ENTITLEMENTS_CHECK)
def record_visit() -> ResponseReturnValue:
    return _with_code(front_desk.record_visit)
