"""A request in the console: its conversation, read under need-to-know, and the reply form."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.helpdesk import attachments
from jasperrec.helpdesk import replies

from ..forms import ReplyForm
from . import bp


@bp.route("/requests/<int:request_id>")
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def service_request(request_id: int) -> ResponseReturnValue:
    found = replies.open_request_for_staff(current_user, request_id)
    return render_template("staff/request.html", service_request=found, form=ReplyForm())


@bp.route("/requests/<int:request_id>/reply", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def reply(request_id: int) -> ResponseReturnValue:
    form = ReplyForm()
    if not form.validate_on_submit():
        found = replies.open_request_for_staff(current_user, request_id)
        return render_template("staff/request.html", service_request=found, form=form), 400
    replies.reply_to_request(current_user, request_id, form.body.data)
    flash("Your reply is saved, and the resident is emailed that there is one.", "success")
    return redirect(url_for("staff.service_request", request_id=request_id))


@bp.route("/photos/<string(maxlength=64):token>")
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def photo(token: str) -> ResponseReturnValue:
    found = replies.open_attachment_for_staff(current_user, token)
    return attachments.photo_response(found)
