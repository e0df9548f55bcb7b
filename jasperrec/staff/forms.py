"""Staff console forms: syntax checks only."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import Field
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms import ValidationError
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp

from jasperrec.auth.forms import email_field
from jasperrec.auth.forms import name_field
from jasperrec.auth.forms import strip
from jasperrec.auth.permissions import STAFF_ROLES
from jasperrec.converters import DB_INT_MAX
from jasperrec.helpdesk.categories.models import QuestionKind
from jasperrec.helpdesk.forms import VisitorRequestForm
from jasperrec.helpdesk.models import MESSAGE_MAX
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution

from .models import BREAK_GLASS_LABELS
from .models import AccessKind
from .queues import SORT_LABELS
from .queues import QueueSort

# The most options a single- or multiple-choice question offers.
MAX_OPTIONS = 20


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
        "Public reply to the resident",
        validators=[
            DataRequired("Write a reply first."),
            Length(max=MESSAGE_MAX, message=f"Keep the reply to {MESSAGE_MAX} characters."),
        ],
    )
    wait_for_resident = BooleanField("I asked the resident something: wait for their answer")


class QueueFilterForm(FlaskForm):
    """Narrow, search and sort the queues; department and assignee choices are set by the view.

    Every value is read from the query string, so a filtered queue can be bookmarked and
    works without JavaScript.
    """

    class Meta:
        csrf = False

    q = StringField(
        "Search reference, subject or description",
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
    category = SelectField("Category", choices=[], validators=[Optional()])
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


class CallForm(VisitorRequestForm):
    """Log a caller's request: the visitor's form, filled in by staff during the call.

    The caller's details are used only when no resident or contact was chosen.
    """

    person_id = IntegerField(
        widget=widgets.HiddenInput(),
        validators=[Optional(), NumberRange(min=1, max=DB_INT_MAX)],
    )
    category = SelectField("Topic", choices=[], validators=[Optional()])

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [("", "Let the keyword rules decide"), *categories]


class NoteForm(FlaskForm):
    """An internal note for colleagues: never shown or sent to the resident."""

    note = TextAreaField(
        "Internal note (staff only)",
        validators=[
            DataRequired("Write a note first."),
            Length(max=MESSAGE_MAX, message=f"Keep the note to {MESSAGE_MAX} characters."),
        ],
    )


class AssignForm(FlaskForm):
    """Give the request to a colleague; choices are the department's staff, set by the view."""

    assignee = SelectField(
        "Assign to",
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Choose a colleague.")],
    )


class TransferForm(FlaskForm):
    """Send the request to another department; choices are set by the view."""

    department = SelectField(
        "Transfer to",
        coerce=int,
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Choose a department.")],
    )
    reason = TextAreaField(
        "Why it belongs there",
        filters=[strip],
        validators=[
            DataRequired("Say why the request belongs to that department."),
            Length(max=500, message="Keep the reason to 500 characters."),
        ],
    )


class StatusForm(FlaskForm):
    """Move the request to in progress, or to waiting on the resident (pauses the clock)."""

    status = SelectField(
        "New status",
        choices=[
            SelectChoice(RequestStatus.IN_PROGRESS.value, "In progress"),
            SelectChoice(RequestStatus.WAITING.value, "Waiting on resident (pauses the clock)"),
        ],
        validators=[DataRequired("Choose a status.")],
    )


class ResolveForm(FlaskForm):
    """Resolve with a reason code and a public note, which is emailed to the resident."""

    resolution = SelectField(
        "Reason",
        choices=[SelectChoice("", "Choose a reason")]
        + [SelectChoice(r.value, r.value.capitalize()) for r in Resolution],
        validators=[DataRequired("Choose why the request is resolved.")],
    )
    public_note = TextAreaField(
        "Public note to the resident",
        validators=[
            DataRequired("Tell the resident what was done."),
            Length(max=MESSAGE_MAX, message=f"Keep the note to {MESSAGE_MAX} characters."),
        ],
    )


class ReopenForm(FlaskForm):
    """Reopen a resolved or closed request, saying why."""

    reason = TextAreaField(
        "Why reopen it",
        filters=[strip],
        validators=[
            DataRequired("Say why the request is reopened."),
            Length(max=500, message="Keep the reason to 500 characters."),
        ],
    )


class ClosureForm(FlaskForm):
    """A day the municipal offices close, all day or from a time, once or every year."""

    day = DateField("Date", validators=[InputRequired("Enter the date, e.g. 2026-12-24.")])
    closes_at = TimeField(
        "Closes early at (leave empty if closed all day)", validators=[Optional()]
    )
    repeats_yearly = BooleanField("Every year on this date")
    description = StringField(
        "What it is",
        filters=[strip],
        validators=[
            DataRequired("Say what the closure is, e.g. Christmas Eve afternoon."),
            Length(max=200, message="Keep it to 200 characters."),
        ],
    )
