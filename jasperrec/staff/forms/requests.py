"""Forms for working a request: queues, calls, replies, notes and status changes."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from jasperrec.auth.forms import strip
from jasperrec.converters import DB_INT_MAX
from jasperrec.helpdesk.forms import VisitorRequestForm
from jasperrec.helpdesk.models import MESSAGE_MAX
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution

from ..queues import DEADLINE_LABELS
from ..queues import SORT_LABELS
from ..queues import QueueSort


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
    deadline = SelectField(
        "Answer due",
        choices=[SelectChoice("", "Any time")]
        + [SelectChoice(d.value, label) for d, label in DEADLINE_LABELS.items()],
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
