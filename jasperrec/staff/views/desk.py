"""Registration at the desk or by phone: pick a program, find the resident, take payment."""

from __future__ import annotations

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
from jasperrec.store.desk_orders import DeskSale
from jasperrec.store.errors import DeskPaymentError
from jasperrec.store.errors import StoreError
from jasperrec.store.models import Order
from jasperrec.store.models import PaymentMethod
from jasperrec.store.money import money

from .. import desk
from .. import rosters
from .. import service
from ..errors import SearchTooShortError
from ..forms import DeskRegistrationForm
from ..forms import SearchForm
from ..forms.rosters import ACCOUNT_HOLDER
from . import bp
from .rosters import program_filter
from .rosters import program_filter_form


@bp.route("/desk")
@permission_required(Permission.STORE_REGISTRATIONS_CREATE)
def desk_programs() -> ResponseReturnValue:
    form = program_filter_form()
    found = rosters.list_programs(current_user, program_filter(form))
    return render_template(
        "staff/rosters.html", form=form, found=found, args=request.args, for_desk=True
    )


@bp.route("/desk/<int:program_id>")
@permission_required(Permission.STORE_REGISTRATIONS_CREATE)
def desk_find(program_id: int) -> ResponseReturnValue:
    found = desk.get_desk_program(program_id)
    form = SearchForm(request.args)
    matches: list[service.PersonMatch] | None = None
    if form.q.data and form.validate():
        try:
            matches = service.search_people(current_user, form.q.data)
        except SearchTooShortError as exc:
            form.q.errors.append(str(exc))
    return render_template("staff/desk_find.html", desk=found, form=form, matches=matches)


def _sale(program_id: int, resident_id: int, form: DeskRegistrationForm) -> DeskSale:
    chosen = form.participant.data
    return DeskSale(
        program_id=program_id,
        resident_id=resident_id,
        member_id=None if chosen == ACCOUNT_HOLDER else int(chosen),
        method=PaymentMethod(form.method.data) if form.method.data else None,
        use_balance=form.use_balance.data,
    )


def _registered(order: Order) -> str:
    line = order.lines[0]
    if order.total_cents == 0:
        paid = "Nothing to collect: the program is free."
    elif order.card_cents == 0:
        paid = "Paid in full from the household balance."
    else:
        spent = order.balance_paid_cents
        paid = f"Collect {money(order.card_cents)} by {order.payment_method}"
        paid += f" ({money(spent)} came from the household balance)." if spent else "."
    return (
        f"{line.participant_name} is registered in {line.description}: order "
        f"{order.reference}. {paid} The receipt is emailed to "
        f"{order.user.email or 'no one: the resident gave no email address'}."
    )


@bp.route("/desk/<int:program_id>/<int:resident_id>", methods=["GET", "POST"])
@permission_required(Permission.STORE_REGISTRATIONS_CREATE)
def desk_register(program_id: int, resident_id: int) -> ResponseReturnValue:
    choice = desk.open_household_for_desk(current_user, program_id, resident_id)
    form = DeskRegistrationForm(use_balance=choice.balance.total_cents > 0)
    form.participant.choices = [
        SelectChoice(ACCOUNT_HOLDER if c.member_id is None else str(c.member_id), c.name)
        for c in choice.candidates
    ]
    if form.validate_on_submit():
        try:
            order = desk.register_at_desk(current_user, _sale(program_id, resident_id, form))
        except DeskPaymentError as exc:
            form.method.errors.append(str(exc))
        except StoreError as exc:
            form.participant.errors.append(str(exc))
        else:
            flash(_registered(order), "success")
            return redirect(url_for("staff.desk_find", program_id=program_id))
    status = 422 if request.method == "POST" else 200
    return render_template("staff/desk_register.html", choice=choice, form=form), status
