"""Staff console forms: syntax checks only."""

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
from jasperrec.helpdesk.models import MESSAGE_MAX
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus

from .models import BREAK_GLASS_LABELS
from .models import AccessKind
from .queues import SORT_LABELS
from .queues import QueueSort


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


class ReplyForm(FlaskForm):
    """Answer a resident on one of their helpdesk requests."""

    body = TextAreaField(
        "Your reply",
        validators=[
            DataRequired("Write a reply first."),
            Length(max=MESSAGE_MAX, message=f"Keep the reply to {MESSAGE_MAX} characters."),
        ],
    )


class QueueFilterForm(FlaskForm):
    """Narrow, search and sort the queues; department and assignee choices are set by the view.

    Every value is read from the query string, so a filtered queue can be bookmarked and
    works without JavaScript.
    """

    class Meta:
        csrf = False

    q = StringField(
        "Search number, subject or description",
        filters=[strip],
        validators=[Optional(), Length(max=100, message="Search for at most 100 characters.")],
    )
    department = SelectField("Department", choices=[], validators=[Optional()])
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Open (not closed)")]
        + [SelectChoice(s.value, s.value.capitalize()) for s in RequestStatus]
        + [SelectChoice("all", "Any, closed included")],
        validators=[Optional()],
    )
    assignee = SelectField("Assigned to", choices=[], validators=[Optional()])
    channel = SelectField(
        "Channel",
        choices=[SelectChoice("", "Any channel")]
        + [SelectChoice(c.value, c.value.capitalize()) for c in Channel],
        validators=[Optional()],
    )
    sort = SelectField(
        "Sort",
        choices=[SelectChoice(s.value, label) for s, label in SORT_LABELS.items()],
        default=QueueSort.DUE.value,
        validators=[Optional()],
    )
    page = IntegerField(
        "Page",
        validators=[Optional(), NumberRange(1, DB_INT_MAX, "Choose a page from 1.")],
    )
