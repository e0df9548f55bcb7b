"""Forms for finding people, breaking the glass, staff accounts and the audit log."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from jasperrec.auth.forms import email_field
from jasperrec.auth.forms import name_field
from jasperrec.auth.forms import strip
from jasperrec.auth.permissions import STAFF_ROLES
from jasperrec.converters import DB_INT_MAX

from ..models import BREAK_GLASS_LABELS
from ..models import AccessKind


class CheckboxListField(SelectMultipleField):
    """A set of checkboxes instead of a multi-select box, easier to use by keyboard."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SearchForm(FlaskForm):
    """Find a resident by name or email."""

    class Meta:
        csrf = False

    q = StringField(
        "Name or email",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=100, message="Search for at most 100 characters."),
        ],
    )


class BreakGlassForm(FlaskForm):
    """State why a record outside one's scope is needed."""

    reason = SelectField(
        "Reason",
        choices=[SelectChoice("", "Choose a reason")]
        + [SelectChoice(reason.value, label) for reason, label in BREAK_GLASS_LABELS.items()],
        validators=[DataRequired("Choose a reason.")],
    )
    explanation = TextAreaField(
        "Explain what you need and why",
        filters=[strip],
        validators=[
            DataRequired("Explain why you need this record."),
            Length(min=10, max=1000, message="Write between 10 and 1,000 characters."),
        ],
    )


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.value.capitalize()) for role in STAFF_ROLES]


class StaffRolesForm(FlaskForm):
    """A staff member's roles and departments; department choices are set by the view."""

    roles = CheckboxListField(
        "Roles",
        choices=role_choices(),
        validators=[
            DataRequired("Choose at least one role."),
        ],
    )
    departments = CheckboxListField("Departments", coerce=int, choices=[])


class NewStaffForm(StaffRolesForm):
    """Create a staff account; the person chooses their password from an emailed link."""

    first_name = name_field("First name")
    last_name = name_field("Last name")
    email = email_field("Work email address")


class AuditFilterForm(FlaskForm):
    """Narrow the access log; staff choices are set by the view."""

    class Meta:
        csrf = False

    staff = SelectField("Staff member", coerce=int, choices=[], validators=[Optional()])
    resident = IntegerField(
        "Resident account number",
        validators=[
            Optional(),
            NumberRange(1, DB_INT_MAX, f"Enter an account number from 1 to {DB_INT_MAX:,}."),
        ],
    )
    kind = SelectField(
        "Kind of record",
        choices=[SelectChoice("", "Any kind")]
        + [SelectChoice(kind.value, kind.value.capitalize()) for kind in AccessKind],
        validators=[Optional()],
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("To (inclusive)", validators=[Optional()])
