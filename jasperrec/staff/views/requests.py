"""A request in the console: its conversation, notes, history and the customer's history,
read under need-to-know and audited once per page view; the reply and note forms."""

from __future__ import annotations

import time

from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.forms import ConfirmForm
from jasperrec.helpdesk import actions
from jasperrec.helpdesk import attachments
from jasperrec.helpdesk import replies

from .. import casefile
from ..forms import AssignForm
from ..forms import NoteForm
from ..forms import ReopenForm
from ..forms import ReplyForm
from ..forms import ResolveForm
from ..forms import StatusForm
from ..forms import TransferForm
from . import bp

# The request page this browser last opened, recorded in the audit trail: [id, when].
VIEWED_KEY = "staff_request_viewed"
# Set by a form on that page that succeeded: the redirect back shows the same page view.
RETURNING_KEY = "staff_request_returning"
# How long a recorded view covers the page shown again after its own form.
VIEW_COVERS_SECONDS = 15 * 60
RETURN_COVERS_SECONDS = 60


def _covered(value: object, request_id: int, seconds: int) -> bool:
    """Tell whether a remembered [request id, time] names this request, recently enough."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and value[0] == request_id
        and 0 <= time.time() - value[1] <= seconds
    )


def _same_page_view(request_id: int) -> bool:
    """Tell whether showing the page now continues a page view already recorded.

    A form that fails shows the page again: the same view if this browser's last recorded
    view was of this request. A form that succeeds redirects back: the same view once.
    """
    if request.method == "POST":
        return _covered(session.get(VIEWED_KEY), request_id, VIEW_COVERS_SECONDS)
    return _covered(session.pop(RETURNING_KEY, None), request_id, RETURN_COVERS_SECONDS)


def render_request_page(
    request_id: int, status: int = 200, **given: FlaskForm
) -> ResponseReturnValue:
    """Show the request page with its action forms, recording the view unless already
    recorded; a form given keeps its input and errors, the others start empty."""
    record = not _same_page_view(request_id)
    page = casefile.open_request_page(current_user, request_id, record_view=record)
    if record:
        session[VIEWED_KEY] = [request_id, time.time()]
    found = page.service_request
    choices = actions.choices_for(current_user, found)
    forms: dict[str, FlaskForm] = {
        "reply_form": ReplyForm(formdata=None),
        "note_form": NoteForm(formdata=None),
        "assign_form": AssignForm(formdata=None),
        "transfer_form": TransferForm(formdata=None),
        "status_form": StatusForm(formdata=None, status=found.status.value),
        "resolve_form": ResolveForm(formdata=None),
        "reopen_form": ReopenForm(formdata=None),
        "confirm_form": ConfirmForm(),
        **given,
    }
    forms["assign_form"].assignee.choices = [(u.id, u.full_name) for u in choices.colleagues]
    forms["transfer_form"].department.choices = [(d.id, d.name) for d in choices.departments]
    return render_template(
        "staff/request.html",
        service_request=found,
        history=page.history,
        page=choices,
        **forms,
    ), status


def back_to(request_id: int) -> ResponseReturnValue:
    """Go back to the request page: the same page view, so no second audit entry."""
    return redirect(url_for("staff.service_request", request_id=request_id))


@bp.after_request
def _remember_return_to_the_same_view(response: Response) -> Response:
    """After a form on the request page succeeds, its redirect back adds no audit entry."""
    request_id = (request.view_args or {}).get("request_id")
    if (
        request.method == "POST"
        and response.status_code in (302, 303)
        and isinstance(request_id, int)
        and response.location == url_for("staff.service_request", request_id=request_id)
        and _covered(session.get(VIEWED_KEY), request_id, VIEW_COVERS_SECONDS)
    ):
        session[RETURNING_KEY] = [request_id, time.time()]
    return response


@bp.route("/requests/<int:request_id>")
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def service_request(request_id: int) -> ResponseReturnValue:
    return render_request_page(request_id)


@bp.route("/requests/<int:request_id>/reply", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def reply(request_id: int) -> ResponseReturnValue:
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_request_page(request_id, 400, reply_form=form)
    replies.reply_to_request(
        current_user, request_id, form.body.data, wait_for_resident=form.wait_for_resident.data
    )
    flash("Your reply is saved and emailed to the resident.", "success")
    return back_to(request_id)


@bp.route("/requests/<int:request_id>/notes", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def add_note(request_id: int) -> ResponseReturnValue:
    form = NoteForm()
    if not form.validate_on_submit():
        return render_request_page(request_id, 400, note_form=form)
    replies.add_note(current_user, request_id, form.note.data)
    flash("Your internal note is saved. The resident does not see it.", "success")
    return back_to(request_id)


@bp.route("/photos/<string(maxlength=64):token>")
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def photo(token: str) -> ResponseReturnValue:
    found = replies.open_attachment_for_staff(current_user, token)
    return attachments.photo_response(found)
