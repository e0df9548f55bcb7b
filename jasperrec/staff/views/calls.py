"""Telephone intake: find the caller or add them as a contact, and log their request."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.converters import database_id
from jasperrec.dates import end_sentence
from jasperrec.dates import local_time
from jasperrec.helpdesk import calls
from jasperrec.helpdesk import service as helpdesk
from jasperrec.helpdesk.visitors import Visitor

from .. import service
from ..errors import SearchTooShortError
from ..forms import CallForm
from ..forms import SearchForm
from . import bp


@bp.route("/calls/new")
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def new_call() -> ResponseReturnValue:
    search = SearchForm(request.args)
    matches: list[service.PersonMatch] | None = None
    if search.q.data and search.validate():
        try:
            matches = service.search_people(current_user, search.q.data)
        except SearchTooShortError as exc:
            search.q.errors.append(str(exc))
    person_id = request.args.get("person", type=database_id)
    form = CallForm(categories=calls.category_choices(), person_id=person_id)
    return _call_page(form, search, matches, person_id)


def _call_page(form: CallForm, search: SearchForm, matches: object, person_id: int | None) -> str:
    caller = calls.find_caller(person_id) if person_id is not None else None
    return render_template(
        "staff/new_call.html", form=form, search=search, matches=matches, caller=caller
    )


@bp.route("/calls", methods=["POST"])
@permission_required(Permission.HELPDESK_REQUESTS_REPLY)
def log_call() -> ResponseReturnValue:
    form = CallForm(categories=calls.category_choices())
    if not form.validate_on_submit():
        return _call_page(form, SearchForm(formdata=None), None, form.person_id.data), 400
    details = helpdesk.RequestDetails(
        None, form.subject.data, form.description.data, location_address=form.location_address.data
    )
    caller = Visitor(form.first_name.data, form.last_name.data, form.email.data, form.phone.data)
    filed = calls.log_call(
        details,
        category_slug=form.category.data or None,
        person_id=form.person_id.data,
        new_caller=caller,
    )
    flash(
        f"Call logged as {filed.reference} for {filed.department.name}; the phone standard "
        f"gives an answer by {end_sentence(local_time(filed.due_at))}",
        "success",
    )
    return redirect(url_for("staff.new_call"))
