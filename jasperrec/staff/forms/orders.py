"""Orders: the filter finance reads the order list through, and a refund finance makes."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import DecimalField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from jasperrec.auth.forms import strip
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import RefundDestination


def _not_before_from(form: OrderFilterForm, field: DateField) -> None:
    if field.data and form.placed_from.data and field.data < form.placed_from.data:
        raise ValidationError("The last day cannot be before the first day.")


def _sane_year(form: OrderFilterForm, field: DateField) -> None:
    if field.data and not dt.date(2000, 1, 1) <= field.data <= dt.date(2999, 12, 31):
        raise ValidationError("Enter a date between the years 2000 and 2999.")


class OrderFilterForm(FlaskForm):
    """Search orders by reference, name or email, payment state and the days placed.

    Read from the query string, so a search can be bookmarked and works without JavaScript.
    """

    class Meta:
        csrf = False

    q = StringField(
        "Order reference, name or email",
        filters=[strip],
        validators=[Optional(), Length(max=100, message="Search for at most 100 characters.")],
    )
    status = SelectField(
        "Payment state",
        choices=[SelectChoice("", "Any state")]
        + [SelectChoice(s.value, s.value.capitalize()) for s in OrderStatus],
        validators=[Optional()],
    )
    placed_from = DateField(
        "Placed on or after", validators=[Optional(), _sane_year], format="%Y-%m-%d"
    )
    placed_to = DateField(
        "Placed on or before",
        validators=[Optional(), _sane_year, _not_before_from],
        format="%Y-%m-%d",
    )


class RefundForm(FlaskForm):
    """Refund an order line by an amount finance chooses, with the reason on record."""

    line = SelectField("Line", coerce=int, validators=[DataRequired("Choose the line.")])
    amount = DecimalField(
        "Amount ($)", places=2, validators=[DataRequired("Enter the amount."), NumberRange(0.01)]
    )
    destination = RadioField(
        "Refund to",
        choices=[SelectChoice(d.value, d.value.capitalize()) for d in RefundDestination],
        default=RefundDestination.CARD.value,
        validators=[DataRequired()],
    )
    reason = StringField(
        "Reason", filters=[strip], validators=[DataRequired("Say why."), Length(max=500)]
    )
