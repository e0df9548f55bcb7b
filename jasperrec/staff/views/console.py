"""The console's dashboard and the helpdesk queues."""

from __future__ import annotations

from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import SelectChoice

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import has_permission
from jasperrec.auth.permissions import permission_required
from jasperrec.helpdesk.categories import service as categories
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus

from .. import queues
from .. import service
from ..forms import QueueFilterForm
from . import bp


@bp.route("/")
@permission_required(Permission.STAFF_CONSOLE_VIEW)
def home() -> ResponseReturnValue:
    open_requests = (
        queues.count_queue(current_user)
        if has_permission(current_user, Permission.HELPDESK_REQUESTS_VIEW)
        else None
    )
    mine = (
        queues.count_queue(current_user, queues.QueueFilter(assignee_id=current_user.id))
        if open_requests is not None
        else None
    )
    reviews = (
        service.list_grants_to_review(current_user)
        if has_permission(current_user, Permission.STAFF_BREAK_GLASS_REVIEW)
        else None
    )
    return render_template(
        "staff/home.html", open_requests=open_requests, mine=mine, reviews=reviews
    )


def _queue_form() -> QueueFilterForm:
    form = QueueFilterForm(request.args)
    form.department.choices = [SelectChoice("", "All my departments")] + [
        SelectChoice(str(d.id), d.name) for d in queues.list_departments_of(current_user)
    ]
    form.assignee.choices = [
        SelectChoice("", "Anyone"),
        SelectChoice("me", "Me"),
        SelectChoice("none", "Nobody yet"),
    ] + [
        SelectChoice(str(u.id), u.full_name)
        for u in queues.list_colleagues(current_user)
        if u.id != current_user.id
    ]
    form.category.choices = [
        SelectChoice("", "Any category"),
        SelectChoice("none", "None (routed to the default department)"),
    ] + [SelectChoice(str(c.id), c.name) for c in categories.all_categories()]
    return form


def _statuses(value: str) -> frozenset[RequestStatus]:
    if value == "all":
        return frozenset(RequestStatus)
    return frozenset({RequestStatus(value)}) if value else queues.OPEN_STATUSES


def _assignee_id(value: str) -> int | None:
    if value == "me":
        return int(current_user.id)
    return int(value) if value.isdigit() else None


def _queue_filter(form: QueueFilterForm) -> queues.QueueFilter:
    """Read a valid form into a filter; an unreadable one shows the whole open queue."""
    if not form.validate():
        return queues.QueueFilter()
    assignee = form.assignee.data or ""
    category = form.category.data or ""
    return queues.QueueFilter(
        department_id=int(form.department.data) if form.department.data else None,
        statuses=_statuses(form.status.data or ""),
        assignee_id=_assignee_id(assignee),
        unassigned=assignee == "none",
        channel=Channel(form.channel.data) if form.channel.data else None,
        category_id=int(category) if category.isdigit() else None,
        uncategorised=category == "none",
        deadline=queues.QueueDeadline(form.deadline.data) if form.deadline.data else None,
        text=form.q.data or "",
        sort=queues.QueueSort(form.sort.data or queues.QueueSort.DUE),
        page=form.page.data or 1,
    )


@bp.route("/queues", endpoint="queues")
@permission_required(Permission.HELPDESK_REQUESTS_VIEW)
def queues_page() -> ResponseReturnValue:
    form = _queue_form()
    found = queues.list_queue(current_user, _queue_filter(form))
    return render_template("staff/queues.html", form=form, found=found, args=request.args)
