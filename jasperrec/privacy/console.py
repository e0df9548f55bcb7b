"""The privacy officer's site-use reports, in the staff console's frame."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.staff.layout import guard_console
from jasperrec.staff.layout import staff_navigation

from . import charts
from . import reports
from .forms import TrafficRangeForm

console_bp = Blueprint("privacy_console", __name__, url_prefix="/staff/privacy")
console_bp.before_request(guard_console)
console_bp.context_processor(staff_navigation)

BREAKDOWN_TITLES = (
    ("sections", "Sections visited"),
    ("downloads", "Downloads"),
    ("browsers", "Browsers"),
    ("devices", "Devices"),
    ("errors", "Errors by status"),
)


def _report() -> tuple[TrafficRangeForm, reports.TrafficReport]:
    """Read the range from the query string; an unreadable one shows the default range."""
    form = TrafficRangeForm(request.args)
    today = dt.datetime.now(ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])).date()
    if form.validate():
        since, until = reports.bounded_range(form.since.data, form.until.data, today)
    else:
        since, until = reports.default_range(today)
    return form, reports.traffic_report(since, until)


def _charts(report: reports.TrafficReport) -> list[tuple[str, charts.Chart]]:
    views = [(d.day.isoformat(), d.page_views) for d in report.days]
    visitors = [(d.day.isoformat(), d.unique_visitors or 0) for d in report.days]
    found = [
        ("daily", charts.column_chart("Page views per day", views)),
        ("visitors", charts.column_chart("Unique visitors per day", visitors)),
    ]
    for name, title in BREAKDOWN_TITLES:
        values = reports.breakdown(report, reports.CSV_NAMES[name])
        found.append((name, charts.bar_chart(title, values)))
    return found


@console_bp.route("/site-use")
@permission_required(Permission.PRIVACY_AUDIT_REVIEW)
def traffic() -> ResponseReturnValue:
    form, report = _report()
    return render_template("privacy/traffic.html", form=form, report=report, charts=_charts(report))


@console_bp.route("/site-use/<name>.csv")
@permission_required(Permission.PRIVACY_AUDIT_EXPORT)
def traffic_csv(name: str) -> ResponseReturnValue:
    if name != "daily" and name not in reports.CSV_NAMES:
        abort(404)
    form, report = _report()
    if form.errors:
        # The download must cover the days asked for, or none.
        flash("Correct the dates below; nothing was downloaded.", "error")
        query: dict[str, Any] = request.args.to_dict()
        return redirect(url_for("privacy_console.traffic", **query))
    filename = f"site-use-{name}-{report.since}-to-{report.until}.csv"
    return Response(
        reports.report_csv(report, name),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
