"""A request in the console: its conversation and the customer's history, read under
need-to-know and audited once per page view, and the reply form."""

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
from jasperrec.helpdesk import attachments
from jasperrec.helpdesk import replies

from .. import casefile
from ..forms import ReplyForm
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
    request_id: int, status: int = 200, **forms: FlaskForm
) -> ResponseReturnValue:
    """Show the request page with its forms, recording the view unless already recorded."""
    record = not _same_page_view(request_id)
    page = casefile.open_request_page(current_user, request_id, record_view=record)
    if record:
        session[VIEWED_KEY] = [request_id, time.time()]
    forms.setdefault("form", ReplyForm())
    return render_template(
        "staff/request.html",
        service_request=page.service_request,
        history=page.history,
        **forms,
    ), status


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
        return render_request_page(request_id, 400, form=form)
    replies.reply_to_request(current_user, request_id, form.body.data)
    flash("Your reply is saved and emailed to the resident.", "success")
    return redirect(url_for("staff.service_request", request_id=request_id))


@bp.route("/photos/<string(maxlength=64):token>")
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def photo(token: str) -> ResponseReturnValue:
    found = replies.open_attachment_for_staff(current_user, token)
    return attachments.photo_response(found)
