"""The console's dashboard and the helpdesk queues."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import has_permission
from jasperrec.auth.permissions import permission_required
from jasperrec.helpdesk.service import list_queue_for

from .. import service
from ..queues import list_queue
from . import bp


@bp.route("/")
@permission_required(Permission.STAFF_CONSOLE_VIEW)
def home() -> ResponseReturnValue:
    queue = (
        list_queue_for(current_user)
        if has_permission(current_user, Permission.HELPDESK_REQUESTS_VIEW)
        else None
    )
    reviews = (
        service.list_grants_to_review(current_user)
        if has_permission(current_user, Permission.STAFF_BREAK_GLASS_REVIEW)
        else None
    )
    return render_template("staff/home.html", queue=queue, reviews=reviews)


@bp.route("/queues")
@permission_required(Permission.HELPDESK_REQUESTS_VIEW)
def queues() -> ResponseReturnValue:
    return render_template("staff/queues.html", requests=list_queue(current_user))
