"""The program guide and the passes and memberships on sale."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from .. import catalogue
from .. import eligibility
from .. import service
from ..catalogue import ProgramFilters
from ..eligibility import Participant
from ..errors import StoreError
from ..forms import AddProgramForm
from ..forms import ProgramFilterForm
from ..forms import QuantityForm
from ..models import ProductKind
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


@bp.route("/passes-and-memberships")
def products() -> ResponseReturnValue:
    on_sale = service.list_products()
    kinds = {kind: [p for p in on_sale if p.kind is kind] for kind in ProductKind}
    forms = {p.id: QuantityForm(prefix=f"p{p.id}") for p in on_sale}
    return render_template("store/products.html", kinds=kinds, forms_by_id=forms)


@bp.route("/passes-and-memberships/<slug>/add", methods=["POST"])
@login_required
def add_product(slug: str) -> ResponseReturnValue:
    product = service.get_product(slug)
    form = QuantityForm(prefix=f"p{product.id}")
    if not form.validate_on_submit():
        problem = form.quantity.errors[0] if form.quantity.errors else "please try again"
        flash(f"{product.name}: {problem}", "error")
        return redirect(url_for("store.products"))
    try:
        service.add_product_to_cart(current_user, slug, form.quantity.data)
    except StoreError as error:
        flash(str(error), "error")
        return redirect(url_for("store.products"))
    flash(f"{product.name} is in your cart.", "success")
    return redirect(url_for("store.cart"))
