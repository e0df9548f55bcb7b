"""Finding residents and opening their records on a need-to-know basis."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import has_permission
from jasperrec.auth.permissions import permission_required
from jasperrec.converters import database_id

from .. import service
from ..errors import NeedToKnowError
from ..errors import SearchTooShortError
from ..forms import BreakGlassForm
from ..forms import SearchForm
from ..models import BreakGlassReason
from . import bp


@bp.route("/people")
@permission_required(Permission.AUTH_PEOPLE_SEARCH)
def people() -> ResponseReturnValue:
    form = SearchForm(request.args)
    matches: list[service.PersonMatch] | None = None
    if form.q.data and form.validate():
        try:
            matches = service.search_people(current_user, form.q.data)
        except SearchTooShortError as exc:
            form.q.errors.append(str(exc))
    return render_template("staff/people.html", form=form, matches=matches)


@bp.route("/people/<int:resident_id>")
@permission_required(Permission.AUTH_PEOPLE_VIEW)
def person(resident_id: int) -> ResponseReturnValue:
    request_id = request.args.get("request", type=database_id)
    try:
        access = service.open_profile(current_user, resident_id, request_id)
    except NeedToKnowError as exc:
        return _need_to_know(resident_id, str(exc), BreakGlassForm()), 403
    return render_template("staff/person.html", access=access)


def _need_to_know(resident_id: int, message: str, form: BreakGlassForm) -> str:
    return render_template(
        "staff/need_to_know.html",
        message=message,
        resident_id=resident_id,
        form=form,
        can_break_glass=has_permission(current_user, Permission.AUTH_PEOPLE_BREAK_GLASS),
    )


@bp.route("/people/<int:resident_id>/break-glass", methods=["POST"])
@permission_required(Permission.AUTH_PEOPLE_BREAK_GLASS)
def break_glass(resident_id: int) -> ResponseReturnValue:
    form = BreakGlassForm()
    if not form.validate_on_submit():
        return _need_to_know(resident_id, "Please give a reason.", form), 400
    service.break_glass(
        current_user, resident_id, BreakGlassReason(form.reason.data), form.explanation.data
    )
    flash("Access granted for 30 minutes. The privacy officer has been told.", "info")
    return redirect(url_for("staff.person", resident_id=resident_id))
