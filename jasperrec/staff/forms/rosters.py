"""Rosters and registration at the desk: the program filter and the desk sale; syntax only."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from jasperrec.auth.forms import strip
from jasperrec.store.models import PaymentMethod

# The participant choice for the account holder, who has no household member id.
ACCOUNT_HOLDER = "holder"


def _sane_year(form: FlaskForm, field: DateField) -> None:
    if field.data and not dt.date(2000, 1, 1) <= field.data <= dt.date(2999, 12, 31):
        raise ValidationError("Enter a date between the years 2000 and 2999.")


def _not_before_from(form: ProgramFilterForm, field: DateField) -> None:
    if field.data and form.starts_from.data and field.data < form.starts_from.data:
        raise ValidationError("The last day cannot be before the first day.")


class ProgramFilterForm(FlaskForm):
    """Narrow the programs by name, section, start date, and the viewer's own.

    Read from the query string, so a list can be bookmarked and works without JavaScript.
    """

    class Meta:
        csrf = False

    q = StringField(
        "Program name",
        filters=[strip],
        validators=[Optional(), Length(max=100, message="Search for at most 100 characters.")],
    )
    # The guide's sections by slug; the view fills in the choices.
    category = SelectField("Section", coerce=str, validators=[Optional()])
    starts_from = DateField(
        "Starts on or after", validators=[Optional(), _sane_year], format="%Y-%m-%d"
    )
    starts_to = DateField(
        "Starts on or before",
        validators=[Optional(), _sane_year, _not_before_from],
        format="%Y-%m-%d",
    )
    mine = BooleanField("Only programs I coordinate")


# The methods the desk collects by; the household balance is a box of its own.
DESK_METHODS = [m for m in PaymentMethod if m is not PaymentMethod.BALANCE]


def _desk_method(form: DeskRegistrationForm, field: RadioField) -> None:
    if field.data and field.data not in {m.value for m in DESK_METHODS}:
        raise ValidationError("Choose one of the payment methods listed.")


class DeskRegistrationForm(FlaskForm):
    """Register one participant and record how the desk took the payment.

    The method may be left out only when the household balance pays it all; the service
    says so when it does not.
    """

    participant = RadioField(
        "Who takes the program", validators=[DataRequired("Choose who takes the program.")]
    )
    use_balance = BooleanField("Pay from the household's balance first")
    method = RadioField(
        "Collected by",
        choices=[SelectChoice(m.value, m.value.capitalize()) for m in DESK_METHODS],
        validate_choice=False,
        validators=[Optional(), _desk_method],
    )
