"""My registrations: each household member's programs and sessions, the calendar file,
and withdrawing a participant."""

from __future__ import annotations

from flask import Response
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.forms import ConfirmForm

from .. import registrations
from .. import waitlist
from .. import withdrawals
from ..calendar import registrations_ics
from ..errors import StoreError
from ..forms import WithdrawForm
from ..models import RefundDestination
from ..models import Registration
from ..money import money
from ..payments import gateway
from . import bp


@bp.route("/registrations")
@login_required
def my_registrations() -> ResponseReturnValue:
    people = registrations.list_registrations(current_user)
    places = waitlist.list_places_for(current_user)
    tokens = {place.entry.id: waitlist.offer_token(place.entry) for place in places}
    return render_template(
        "store/registrations.html", people=people, places=places, tokens=tokens, form=ConfirmForm()
    )


@bp.route("/registrations.ics")
@login_required
def registrations_calendar() -> ResponseReturnValue:
    body = registrations_ics(registrations.list_registrations(current_user))
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="recreation-registrations.ics"'},
    )


@bp.route("/registrations/<int:registration_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(registration_id: int) -> ResponseReturnValue:
    registration = withdrawals.get_registration_for(current_user, registration_id)
    form = WithdrawForm()
    if not registration.order_line.order.payment_intent_id:
        form.destination.choices = form.destination.choices[1:]
        form.destination.data = RefundDestination.CREDIT.value
    if form.validate_on_submit():
        destination = RefundDestination(form.destination.data)
        try:
            given = withdrawals.withdraw(current_user, registration_id, destination, gateway())
        except StoreError as error:
            flash(str(error), "error")
        else:
            flash(withdrawn_message(registration, given, destination), "success")
            return redirect(url_for("store.my_registrations"))
    quote = withdrawals.quote(registration)
    return render_template("store/withdraw.html", registration=registration, quote=quote, form=form)


def withdrawn_message(
    registration: Registration, given: withdrawals.WithdrawalQuote, to: RefundDestination
) -> str:
    """Say what the withdrawal did and where the money went."""
    who = registration.order_line.participant_name or "The participant"
    done = f"{who} is withdrawn from {registration.program.name}."
    if given.gives_nothing:
        return done + " Nothing is refunded: the deadline has passed."
    amount = money(given.refund_cents)
    if to is RefundDestination.CREDIT:
        return done + f" {amount} is credit on your household account."
    return done + f" {amount} is on its way back to your card."
