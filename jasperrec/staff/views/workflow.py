"""Moving a request along in the console: assign, transfer, status, resolve and reopen."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.forms import ConfirmForm
from jasperrec.helpdesk import actions
from jasperrec.helpdesk.errors import NotInDepartmentError
from jasperrec.helpdesk.errors import RequestNotOpenError
from jasperrec.helpdesk.errors import TransferError
from jasperrec.helpdesk.errors import TransitionNotAllowedError
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution

from ..forms import AssignForm
from ..forms import ReopenForm
from ..forms import ResolveForm
from ..forms import StatusForm
from ..forms import TransferForm
from . import bp
from .requests import back_to
from .requests import render_request_page

# The refusals these actions can meet, each with a message for staff; not-found stays a 404.
ActionError = (NotInDepartmentError, RequestNotOpenError, TransferError, TransitionNotAllowedError)


@bp.route("/requests/<int:request_id>/assign-to-me", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def assign_to_me(request_id: int) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        flash("The form expired. Please try again.", "error")
        return back_to(request_id)
    return _assign(request_id, current_user.id, "The request is assigned to you.")


@bp.route("/requests/<int:request_id>/assign", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_ASSIGN)
def assign(request_id: int) -> ResponseReturnValue:
    form = AssignForm()
    if not form.validate_on_submit():
        return render_request_page(request_id, 400, assign_form=form)
    return _assign(request_id, form.assignee.data, "The request is assigned.")


def _assign(request_id: int, assignee_id: int, done: str) -> ResponseReturnValue:
    try:
        actions.assign(current_user, request_id, assignee_id)
    except ActionError as exc:
        flash(str(exc), "error")
    else:
        flash(done, "success")
    return back_to(request_id)


@bp.route("/requests/<int:request_id>/transfer", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def transfer(request_id: int) -> ResponseReturnValue:
    form = TransferForm()
    if not form.validate_on_submit():
        return render_request_page(request_id, 400, transfer_form=form)
    try:
        moved = actions.transfer(current_user, request_id, form.department.data, form.reason.data)
    except ActionError as exc:
        flash(str(exc), "error")
        return back_to(request_id)
    flash(f"{moved.reference} is now in {moved.department.name}'s queue.", "success")
    return redirect(url_for("staff.queues"))


@bp.route("/requests/<int:request_id>/status", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def set_status(request_id: int) -> ResponseReturnValue:
    form = StatusForm()
    if not form.validate_on_submit():
        return render_request_page(request_id, 400, status_form=form)
    try:
        changed = actions.set_status(current_user, request_id, RequestStatus(form.status.data))
    except ActionError as exc:
        flash(str(exc), "error")
    else:
        flash(f"The request is now {changed.status.value}.", "success")
    return back_to(request_id)


@bp.route("/requests/<int:request_id>/resolve", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def resolve(request_id: int) -> ResponseReturnValue:
    form = ResolveForm()
    if not form.validate_on_submit():
        return render_request_page(request_id, 400, resolve_form=form)
    resolution = Resolution(form.resolution.data)
    try:
        actions.resolve(current_user, request_id, resolution, form.public_note.data)
    except ActionError as exc:
        flash(str(exc), "error")
    else:
        flash("The request is resolved and your note is emailed to the resident.", "success")
    return back_to(request_id)


@bp.route("/requests/<int:request_id>/reopen", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def reopen(request_id: int) -> ResponseReturnValue:
    form = ReopenForm()
    if not form.validate_on_submit():
        return render_request_page(request_id, 400, reopen_form=form)
    try:
        actions.reopen(current_user, request_id, form.reason.data)
    except ActionError as exc:
        flash(str(exc), "error")
    else:
        flash("The request is open again.", "success")
    return back_to(request_id)
