"""My registrations: each household member's programs and sessions, and the calendar file."""

from __future__ import annotations

from flask import Response
from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from .. import registrations
from ..calendar import registrations_ics
from . import bp


@bp.route("/registrations")
@login_required
def my_registrations() -> ResponseReturnValue:
    people = registrations.list_registrations(current_user)
    return render_template("store/registrations.html", people=people)


@bp.route("/registrations.ics")
@login_required
def registrations_calendar() -> ResponseReturnValue:
    body = registrations_ics(registrations.list_registrations(current_user))
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="recreation-registrations.ics"'},
    )
