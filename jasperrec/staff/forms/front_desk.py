"""The front desk's forms: where the desk is, and the code typed or scanned; syntax only."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired

from jasperrec.auth.forms import strip


class DeskFacilityForm(FlaskForm):
    """Say which facility's desk the staff member is at; the console remembers it."""

    facility = SelectField("Facility", validators=[DataRequired("Choose the facility.")])

    def set_facilities(self, facilities: Sequence[str]) -> None:
        """Offer the facilities there are."""
        self.facility.choices = [SelectChoice(name, name) for name in facilities]


class DeskCodeForm(FlaskForm):
    """A pass code, typed or read by a USB scanner (which types it and presses Enter).

    Any text is accepted and looked up, so every attempt is logged; the service reads it.
    """

    code = StringField(
        "Pass code", filters=[strip], validators=[DataRequired("Type or scan a code.")]
    )
