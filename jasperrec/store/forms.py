"""Store forms: catalogue filters, adding to the cart (for whom, from when) and quantities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.widgets import CheckboxInput
from wtforms.widgets import ListWidget

from .models import MAX_QUANTITY
from .models import ProgramCategory
from .models import RefundDestination
from .models import TimeOfDay

SELF = "self"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ProgramFilterForm(FlaskForm):
    """Narrow the program guide by section, age, day, time, place and keyword."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(
        "Search",
        filters=[lambda value: value.strip() if value else value],
        validators=[
            Optional(),
            Length(max=100, message="Search for at most 100 characters."),
            Regexp(r".*[^\W_]", message="Search for a word or a number."),
        ],
    )
    category = SelectField(
        "Section", choices=[SelectChoice("", "All sections")], validators=[Optional()]
    )
    age = IntegerField(
        "Participant's age",
        validators=[Optional(), NumberRange(0, 110, "Enter an age from 0 to 110.")],
    )
    day = SelectMultipleField(
        "Days",
        choices=[SelectChoice(str(n), name) for n, name in enumerate(WEEKDAYS, start=1)],
        validators=[Optional()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    time = SelectField(
        "Time of day",
        choices=[SelectChoice("", "Any time")]
        + [SelectChoice(t.value, t.label) for t in TimeOfDay],
        validators=[Optional()],
    )
    facility = SelectField(
        "Facility", choices=[SelectChoice("", "Any facility")], validators=[Optional()]
    )

    def set_facilities(self, facilities: Sequence[str]) -> None:
        """Offer the facilities that have programs on."""
        self.facility.choices = [SelectChoice("", "Any facility")] + [
            SelectChoice(name, name) for name in facilities
        ]

    def set_categories(self, categories: Sequence[ProgramCategory]) -> None:
        """Offer the guide's sections, as staff keep them."""
        self.category.choices = [SelectChoice("", "All sections")] + [
            SelectChoice(category.slug, category.name) for category in categories
        ]


class AddProgramForm(FlaskForm):
    """Choose who takes the program; choices are the account holder and the household."""

    participant = SelectField("Who is registering?", validators=[DataRequired()])

    def set_people(self, people: Sequence[tuple[int | None, str]]) -> None:
        """Offer each person by label; None stands for the account holder."""
        self.participant.choices = [
            SelectChoice(SELF if member_id is None else str(member_id), label)
            for member_id, label in people
        ]

    @property
    def member_id(self) -> int | None:
        """The household member chosen, or None for the account holder."""
        value: Any = self.participant.data
        return None if value == SELF else int(value)


class AddProductForm(AddProgramForm):
    """Choose who holds a pass, membership or visit card, and when a membership starts."""

    participant = SelectField("Who is it for?", validators=[DataRequired()])
    starts_on = DateField("Starts on", validators=[Optional()], format="%Y-%m-%d")


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


class WithdrawForm(FlaskForm):
    """Confirm a withdrawal and choose where the refund goes."""

    destination = RadioField(
        "Where should the refund go?",
        choices=[
            SelectChoice(RefundDestination.CARD.value, "Back to the card you paid with"),
            SelectChoice(
                RefundDestination.CREDIT.value, "Credit to spend on your household account"
            ),
        ],
        default=RefundDestination.CARD.value,
        validators=[DataRequired("Choose where the refund goes.")],
    )


class RedeemGiftCardForm(FlaskForm):
    """The code of a gift card to put into the household's gift balance."""

    code = StringField(
        "Gift card code",
        validators=[
            DataRequired("Enter the code on the gift card."),
            # Room for the code with spaces or dashes between its groups.
            Length(max=40, message="A gift card code is 16 letters and digits."),
        ],
    )


class CheckoutForm(FlaskForm):
    """Check out the cart, all or nothing across its programs if the household asks."""

    keep_together = BooleanField("Keep siblings together")
    late_to_credit = BooleanField(
        "If my payment arrives too late, credit my household account instead of my card"
    )
