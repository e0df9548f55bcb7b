"""The municipality's closure days, which administrators keep for the business calendar."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.forms import ConfirmForm
from jasperrec.helpdesk import closures
from jasperrec.helpdesk.errors import ClosureExistsError

from ..forms import ClosureForm
from . import bp


def _page(form: ClosureForm, status: int = 200) -> ResponseReturnValue:
    page = closures.list_closures(request.args.get("page", 1, type=int))
    html = render_template("staff/closures.html", page=page, form=form, confirm_form=ConfirmForm())
    return html, status


@bp.route("/closures", methods=["GET", "POST"])
@permission_required(Permission.HELPDESK_CALENDAR_MANAGE)
def closure_days() -> ResponseReturnValue:
    form = ClosureForm()
    if not form.validate_on_submit():
        return _page(form, 400 if form.is_submitted() else 200)
    try:
        closures.add_closure(
            form.day.data,
            form.description.data,
            closes_at=form.closes_at.data,
            repeats_yearly=form.repeats_yearly.data,
        )
    except ClosureExistsError as exc:
        form.day.errors.append(str(exc))
        return _page(form, 400)
    flash("The closure is added. New requests' answer-by dates count it.", "success")
    return redirect(url_for("staff.closure_days"))


@bp.route("/closures/<int:closure_id>/delete", methods=["POST"])
@permission_required(Permission.HELPDESK_CALENDAR_MANAGE)
def delete_closure(closure_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        removed = closures.remove_closure(closure_id)
        flash(f"The closure \u201c{removed}\u201d is removed.", "success")
    return redirect(url_for("staff.closure_days"))
