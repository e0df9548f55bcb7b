"""Forms for request categories: the category, its questions and its keyword rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import Field
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Regexp

from jasperrec.auth.forms import strip
from jasperrec.helpdesk.categories.models import QuestionKind

# The most options a single- or multiple-choice question offers.
MAX_OPTIONS = 20


class CategoryForm(FlaskForm):
    """Name a request category, say what it covers, and choose who answers it."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Give the category a name."),
            Length(max=100, message="Keep the name to 100 characters."),
        ],
    )
    description = TextAreaField(
        "Public description",
        filters=[strip],
        validators=[Length(max=1000, message="Keep the description to 1000 characters.")],
    )
    department_id = SelectField("Department", coerce=int, validate_choice=True)
    is_public = BooleanField("Residents can pick it on the request form")
    position = IntegerField(
        "Order",
        default=100,
        validators=[
            InputRequired("Give a number for the order."),
            NumberRange(0, 9999, "Use a number from 0 to 9999."),
        ],
    )


class QuestionForm(FlaskForm):
    """An extra question residents answer when they pick the category."""

    prompt = StringField(
        "Question",
        filters=[strip],
        validators=[
            DataRequired("Write the question."),
            Length(max=200, message="Keep the question to 200 characters."),
        ],
    )
    help_text = StringField(
        "Hint",
        filters=[strip],
        validators=[Length(max=300, message="Keep the hint to 300 characters.")],
    )
    kind = SelectField(
        "Kind of answer",
        choices=[SelectChoice(kind.value, kind.value.capitalize()) for kind in QuestionKind],
        validators=[DataRequired("Choose the kind of answer.")],
    )
    choices = TextAreaField("Options, one a line (choice questions only)")
    is_required = BooleanField("An answer is required")
    position = IntegerField(
        "Order",
        default=1,
        validators=[
            InputRequired("Give a number for the order."),
            NumberRange(0, 999, "Use a number from 0 to 999."),
        ],
    )

    @property
    def options(self) -> tuple[str, ...]:
        """The options typed, one a line, without blank lines."""
        return tuple(
            line.strip() for line in (self.choices.data or "").splitlines() if line.strip()
        )

    def validate_choices(self, field: Field) -> None:
        """Ask for two to 20 distinct options, each short, when the kind offers a choice."""
        kinds = {kind.value: kind for kind in QuestionKind}
        kind = kinds.get(self.kind.data or "")
        if kind is None or not kind.has_choices:
            return
        options = self.options
        if len(options) < 2 or len(options) > MAX_OPTIONS:
            raise ValidationError(f"Give from 2 to {MAX_OPTIONS} options, one a line.")
        if any(len(option) > 100 for option in options):
            raise ValidationError("Keep each option to 100 characters.")
        if len({option.casefold() for option in options}) < len(options):
            raise ValidationError("Give each option once.")


class KeywordForm(FlaskForm):
    """A word or phrase that routes a request holding it to the category."""

    phrase = StringField(
        "Word or phrase",
        filters=[strip],
        validators=[
            DataRequired("Write a word or phrase."),
            Length(max=100, message="Keep it to 100 characters."),
            Regexp(r".*\w", message="Use at least one letter or digit."),
        ],
    )
    priority = IntegerField(
        "Priority",
        default=100,
        validators=[
            InputRequired("Give a number for the priority."),
            NumberRange(1, 1000, "Use a number from 1 (tried first) to 1000."),
        ],
    )
