"""The privacy officer's pages: the access log with flagged patterns, and break-glass reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import SelectChoice

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.auth.permissions import reauthentication_required
from jasperrec.forms import ConfirmForm

from .. import accounts
from .. import audit
from .. import service
from ..errors import GrantReviewError
from ..forms import AuditFilterForm
from ..models import AccessKind
from . import bp


def _filters() -> tuple[AuditFilterForm, audit.AuditFilter]:
    """Read the filter form from the query string into an AuditFilter."""
    form = AuditFilterForm(request.args)
    form.staff.choices = [SelectChoice(0, "Anyone")] + [
        SelectChoice(s.id, s.full_name) for s in accounts.list_staff()
    ]
    if not form.validate():
        return form, audit.AuditFilter()
    zone = ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])

    def start_of(day: dt.date | None) -> dt.datetime | None:
        return dt.datetime.combine(day, dt.time(), zone) if day else None

    until = form.until.data + dt.timedelta(days=1) if form.until.data else None
    return form, audit.AuditFilter(
        staff_id=form.staff.data or None,
        resident_id=form.resident.data,
        kind=AccessKind(form.kind.data) if form.kind.data else None,
        since=start_of(form.since.data),
        until=start_of(until),
    )


@bp.route("/privacy/access-log")
@permission_required(Permission.PRIVACY_AUDIT_REVIEW)
def access_log() -> ResponseReturnValue:
    form, filters = _filters()
    return render_template(
        "staff/access_log.html",
        form=form,
        reviewed=audit.review(filters),
        settings=current_app.config,
    )


@bp.route("/privacy/access-log.csv")
@permission_required(Permission.PRIVACY_AUDIT_EXPORT)
@reauthentication_required
def export_access_log() -> ResponseReturnValue:
    form, filters = _filters()
    if form.errors:
        # An unreadable filter must not widen the download to the whole log.
        flash("Correct the filter below; nothing was downloaded.", "error")
        query: dict[str, Any] = request.args.to_dict()
        return redirect(url_for("staff.access_log", **query))
    body = service.export_access_log(current_user, filters)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": "attachment; filename=access-log.csv",
        },
    )


@bp.route("/privacy/break-glass")
@permission_required(Permission.STAFF_BREAK_GLASS_REVIEW)
def break_glass_reviews() -> ResponseReturnValue:
    return render_template(
        "staff/break_glass_reviews.html",
        reviews=service.list_grants_to_review(current_user),
        form=ConfirmForm(),
    )


@bp.route("/privacy/break-glass/<int:grant_id>/reviewed", methods=["POST"])
@permission_required(Permission.STAFF_BREAK_GLASS_REVIEW)
def mark_reviewed(grant_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        try:
            service.mark_grant_reviewed(current_user, grant_id)
        except GrantReviewError as exc:
            flash(str(exc), "error")
        else:
            flash("Marked as reviewed.", "success")
    return redirect(url_for("staff.break_glass_reviews"))
