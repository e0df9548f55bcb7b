"""Store forms: catalogue filters, adding to the cart and changing quantities."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from .models import MAX_QUANTITY
from .models import ProgramCategory

SELF = "self"


class ProgramFilterForm(FlaskForm):
    """Narrow the program guide by section and by the participant's age."""

    class Meta:
        csrf = False  # a GET search changes nothing

    category = SelectField(
        "Section",
        choices=[SelectChoice("", "All sections")]
        + [SelectChoice(c.value, c.value.capitalize()) for c in ProgramCategory],
        validators=[Optional()],
    )
    age = IntegerField(
        "Participant's age",
        validators=[Optional(), NumberRange(0, 110, "Enter an age from 0 to 110.")],
    )


class AddProgramForm(FlaskForm):
    """Choose who takes the program; choices are the account holder and the household."""

    participant = SelectField("Who is registering?", validators=[DataRequired()])

    def set_people(self, holder_name: str, members: list[tuple[int, str]]) -> None:
        """Offer the account holder first, then each household member."""
        self.participant.choices = [SelectChoice(SELF, f"{holder_name} (you)")] + [
            SelectChoice(str(member_id), name) for member_id, name in members
        ]

    @property
    def member_id(self) -> int | None:
        """The household member chosen, or None for the account holder."""
        value: Any = self.participant.data
        return None if value == SELF else int(value)


class QuantityForm(FlaskForm):
    """How many of a product to buy."""

    quantity = IntegerField(
        "Quantity",
        default=1,
        validators=[
            InputRequired("Enter a quantity."),
            NumberRange(1, MAX_QUANTITY, f"Choose a quantity from 1 to {MAX_QUANTITY}."),
        ],
    )
