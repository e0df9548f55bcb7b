"""The program guide: filters, search, and a program's page with its Add form."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from .. import catalogue
from .. import eligibility
from .. import service
from ..catalogue import ProgramFilters
from ..eligibility import Participant
from ..errors import StoreError
from ..forms import AddProgramForm
from ..forms import ProgramFilterForm
from ..models import Program
from ..models import TimeOfDay
from ..residency import residency_of
from ..service import ProgramListing
from . import bp


def _who_may_register(program: Program) -> list[Participant]:
    if not current_user.is_authenticated:
        return []
    return eligibility.list_participants(current_user, program)


def _add_program_form(participants: list[Participant]) -> AddProgramForm:
    form = AddProgramForm()
    form.set_people([(person.member_id, person.label) for person in participants])
    return form


def _filters(form: ProgramFilterForm) -> ProgramFilters:
    if not form.validate():
        return ProgramFilters()  # the errors show beside the fields, over the whole guide
    return ProgramFilters(
        category=form.category.data or None,
        age=form.age.data,
        weekdays=frozenset(int(day) for day in form.day.data or ()),
        time_of_day=TimeOfDay(form.time.data) if form.time.data else None,
        facility=form.facility.data or None,
        keyword=form.q.data or "",
    )


@bp.route("/programs")
def programs() -> ResponseReturnValue:
    form = ProgramFilterForm(request.args)
    form.set_facilities(catalogue.list_facilities())
    form.set_categories(catalogue.list_categories())
    filters = _filters(form)
    results = catalogue.list_programs(filters, request.args.get("page", 1, type=int))
    # Pagination keeps the filters that applied; refused ones are not carried on.
    kept = request.args.lists() if not form.errors else []
    args = {key: values for key, values in kept if key != "page"}
    return render_template("store/programs.html", form=form, results=results, args=args)


def _program_page(
    listing: ProgramListing, form: AddProgramForm, participants: list[Participant]
) -> str:
    residency = residency_of(current_user) if current_user.is_authenticated else None
    return render_template(
        "store/program.html",
        listing=listing,
        form=form,
        residency=residency,
        participants=participants,
    )


@bp.route("/programs/<slug>", methods=["GET", "POST"])
def program(slug: str) -> ResponseReturnValue:
    listing = service.get_program(slug)
    participants = _who_may_register(listing.program)
    form = _add_program_form(participants)
    if request.method == "POST" and not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if form.validate_on_submit():
        try:
            service.add_program_to_cart(current_user, slug, form.member_id)
        except StoreError as error:
            form.participant.errors.append(str(error))
        else:
            flash(f"{listing.program.name} is in your cart.", "success")
            return redirect(url_for("store.cart"))
    return _program_page(listing, form, participants)
