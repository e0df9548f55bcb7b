"""The coordinator's program forms; syntax only, store.programs checks the department's rules."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import DateTimeLocalField
from wtforms import DecimalField
from wtforms import FieldList
from wtforms import Form
from wtforms import FormField
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput
from wtforms.widgets import ListWidget

from jasperrec.auth.forms import strip
from jasperrec.store.coordinators import list_coordinators
from jasperrec.store.models import Program
from jasperrec.store.models import ProgramStatus
from jasperrec.store.program_details import Meeting
from jasperrec.store.program_details import ProgramDetails
from jasperrec.store.program_details import WithdrawalPolicy

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Empty meeting rows offered below the filled ones, so a second pattern needs no script.
SPARE_MEETING_ROWS = 2


def _sane_day(form: Any, field: Any) -> None:
    if field.data and not dt.date(2000, 1, 1) <= field.data <= dt.date(2999, 12, 31):
        raise ValidationError("Enter a date between the years 2000 and 2999.")


def parse_days(text: str) -> list[dt.date]:
    """Read skipped dates typed as 2027-02-15, 2027-04-02; raise ValueError on anything else."""
    days = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        if not _DATE.fullmatch(part):
            raise ValueError(part)
        days.append(dt.date.fromisoformat(part))
    return days


def _skipped_dates(form: Any, field: Any) -> None:
    try:
        parse_days(field.data or "")
    except ValueError as error:
        raise ValidationError(
            f"Write each skipped date as year-month-day, e.g. 2027-02-15 (not {error})."
        ) from error


class MeetingForm(Form):
    """One meeting pattern: weekly between two dates, or one dated session (no last day)."""

    first_day = DateField("First day", validators=[Optional(), _sane_day])
    last_day = DateField(
        "Last day", validators=[Optional(), _sane_day], description="Blank for a single session."
    )
    days = SelectMultipleField(
        "Days of the week",
        choices=[SelectChoice(str(n), name) for n, name in enumerate(WEEKDAYS, start=1)],
        validators=[Optional()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    start = TimeField("Starts at", validators=[Optional()])
    end = TimeField("Ends at", validators=[Optional()])
    skipped = StringField(
        "Skipped dates",
        filters=[strip],
        validators=[Optional(), Length(max=500), _skipped_dates],
        description="Holidays it does not meet, e.g. 2027-02-15, 2027-04-02.",
    )

    @property
    def is_blank(self) -> bool:
        """Tell whether the row was left empty, and so is no meeting."""
        fields = (self.first_day, self.last_day, self.days, self.start, self.end, self.skipped)
        return not any(field.data for field in fields)

    def validate(self, extra_validators: Any = None) -> bool:
        """A filled row needs its first day and both times."""
        ok: bool = super().validate(extra_validators)
        if self.is_blank:
            return ok
        for field in (self.first_day, self.start, self.end):
            if field.data is None and not field.errors:
                field.errors = [*field.errors, f"Enter the {field.label.text.lower()}."]
                ok = False
        return ok


class ProgramForm(FlaskForm):
    """Everything a program guide prints about a program, and its registration rules."""

    name = StringField("Title", filters=[strip], validators=[DataRequired(), Length(max=100)])
    category = SelectField("Section", coerce=int, validators=[DataRequired()])
    summary = StringField(
        "Summary", filters=[strip], validators=[DataRequired(), Length(max=200)],
        description="One line for the guide's card.",
    )  # fmt: skip
    description = TextAreaField(
        "Description", filters=[strip], validators=[DataRequired(), Length(max=5000)]
    )
    facility = StringField(
        "Facility", filters=[strip], validators=[DataRequired(), Length(max=100)]
    )
    instructor = StringField(
        "Instructor", filters=[strip], validators=[Optional(), Length(max=100)]
    )
    min_age = IntegerField("Youngest age", validators=[Optional(), NumberRange(0, 110)])
    max_age = IntegerField("Oldest age", validators=[Optional(), NumberRange(0, 110)])
    registration_opens = DateTimeLocalField(
        "Registration opens", format=LOCAL_MINUTE, validators=[Optional()],
        description="Jasper time, to the minute; blank opens it at once.",
    )  # fmt: skip
    registration_closes = DateTimeLocalField(
        "Registration closes", format=LOCAL_MINUTE, validators=[Optional()],
        description="Blank closes it as the first day begins.",
    )  # fmt: skip
    price = DecimalField(
        "Resident fee ($)", places=2, validators=[InputRequired("Enter the fee; 0 for free.")]
    )
    non_resident_price = DecimalField(
        "Non-resident fee ($)", places=2, validators=[Optional()],
        description="Blank: everyone pays the resident fee.",
    )  # fmt: skip
    gst = SelectField(
        "GST",
        choices=[
            SelectChoice("exempt", "Exempt: a children's program, ages 14 and under"),
            SelectChoice("taxable", "Taxable"),
        ],
    )
    capacity = IntegerField("Spaces", validators=[DataRequired(), NumberRange(1, 1000)])
    min_participants = IntegerField(
        "Minimum participants", validators=[Optional(), NumberRange(1, 1000)],
        description="Below it the program may be cancelled.",
    )  # fmt: skip
    level = StringField(
        "Level it completes", filters=[strip], validators=[Optional(), Length(max=100)],
        description="e.g. Swim Kids 3; next season's copy completes the same level.",
    )  # fmt: skip
    held_back_spaces = IntegerField(
        "Spaces held back",
        default=0,
        validators=[Optional(), NumberRange(0, 1000)],
        description="Kept for phone and front-desk registration; online checkout cannot take them.",
    )
    withdrawal_fee_percent = IntegerField(
        "Withdrawal fee (%)", default=10, validators=[Optional(), NumberRange(0, 100)],
        description="Kept from the refund when a participant withdraws in time.",
    )  # fmt: skip
    withdrawal_fee_cap = DecimalField(
        "Withdrawal fee at most ($)", places=2, default=Decimal(15),
        validators=[Optional(), NumberRange(0, 10_000)],
    )  # fmt: skip
    withdrawal_cutoff_days = IntegerField(
        "Refunds until (days before the start)", default=7,
        validators=[Optional(), NumberRange(0, 365)],
        description="From then on, a withdrawal gives nothing back.",
    )  # fmt: skip
    coordinators = SelectMultipleField("Coordinators", coerce=int, validators=[Optional()])
    prerequisites = SelectMultipleField("Prerequisites", coerce=int, validators=[Optional()])
    requires_approval = BooleanField("Staff approve each participant first")


def meeting_rows(filled: int) -> type[ProgramForm]:
    """The program form with room for `filled` meetings and two spare rows."""

    class WithMeetings(ProgramForm):
        meetings = FieldList(FormField(MeetingForm), min_entries=filled + SPARE_MEETING_ROWS)

    return WithMeetings


class ProgramStatusForm(FlaskForm):
    """Publish, withdraw or cancel a program."""

    to = SelectField(choices=[SelectChoice(s.value, s.value) for s in ProgramStatus])
    reason = TextAreaField(
        "Why it is cancelled", filters=[strip], validators=[Optional(), Length(max=500)],
        description="Registrants receive it by email.",
    )  # fmt: skip


class CopyForm(FlaskForm):
    """Copy a program for another season."""

    first_day = DateField("First day of the copy", validators=[DataRequired(), _sane_day])


class ApprovalForm(FlaskForm):
    """Approve one participant for a program that needs it or whose prerequisite they lack."""

    email = StringField(
        "Account holder's email", filters=[strip], validators=[DataRequired(), Length(max=254)]
    )
    participant = StringField(
        "Participant's first name", filters=[strip], validators=[Optional(), Length(max=100)],
        description="Blank for the account holder.",
    )  # fmt: skip
    note = StringField("Note", filters=[strip], validators=[Optional(), Length(max=500)])


class SectionForm(FlaskForm):
    """A section of the program guide."""

    name = StringField(
        "Section name", filters=[strip], validators=[DataRequired(), Length(max=100)]
    )


class ProgramListForm(FlaskForm):
    """Find programs in the console by title, section and status; read from the query string."""

    class Meta:
        csrf = False

    q = StringField("Title", filters=[strip], validators=[Optional(), Length(max=100)])
    category = SelectField("Section", coerce=str, validators=[Optional()])
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(s.value, s.value.capitalize()) for s in ProgramStatus],
        validators=[Optional()],
    )
    include_past = BooleanField("Include ended programs")


def _local(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    return value.replace(tzinfo=zone).astimezone(dt.UTC) if value else None


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def _meeting(row: MeetingForm) -> Meeting:
    first = row.first_day.data
    return Meeting(
        starts_on=first,
        ends_on=row.last_day.data or first,
        weekdays=frozenset(int(day) for day in row.days.data or ()),
        start_time=row.start.data,
        end_time=row.end.data,
        skipped=frozenset(parse_days(row.skipped.data or "")),
    )


def details_from(form: ProgramForm, zone: ZoneInfo) -> ProgramDetails:
    """The program as the validated form describes it, times read in the municipality's zone."""
    rows = [entry.form for entry in form.meetings]
    return ProgramDetails(
        name=form.name.data,
        category_id=form.category.data,
        summary=form.summary.data,
        description=form.description.data,
        facility=form.facility.data,
        instructor=form.instructor.data or None,
        min_age=form.min_age.data,
        max_age=form.max_age.data,
        meetings=tuple(_meeting(row) for row in rows if not row.is_blank),
        registration_opens_at=_local(form.registration_opens.data, zone),
        registration_closes_at=_local(form.registration_closes.data, zone),
        price_cents=_cents(form.price.data) or 0,
        non_resident_price_cents=_cents(form.non_resident_price.data),
        is_taxable=form.gst.data == "taxable",
        capacity=form.capacity.data,
        min_participants=form.min_participants.data,
        level=form.level.data or None,
        prerequisite_ids=frozenset(form.prerequisites.data or ()),
        requires_approval=form.requires_approval.data,
        held_back_spaces=form.held_back_spaces.data or 0,
        coordinator_ids=frozenset(form.coordinators.data or ()),
        withdrawal=WithdrawalPolicy(
            fee_percent=_or(form.withdrawal_fee_percent.data, 10),
            fee_cap_cents=_or(_cents(form.withdrawal_fee_cap.data), 1_500),
            cutoff_days=_or(form.withdrawal_cutoff_days.data, 7),
        ),
    )


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def initial_data(program: Program, zone: ZoneInfo) -> dict[str, Any]:
    """The form's fields filled from a saved program, times shown in the municipality's zone."""

    def local(value: dt.datetime | None) -> dt.datetime | None:
        return value.astimezone(zone).replace(tzinfo=None) if value else None

    meetings = [
        {
            "first_day": m.starts_on,
            "last_day": m.ends_on if m.ends_on != m.starts_on else None,
            "days": list(m.weekdays) if m.ends_on != m.starts_on else [],
            "start": m.start_time,
            "end": m.end_time,
            "skipped": ", ".join(sorted(m.skipped_dates)),
        }
        for m in program.meetings
    ]
    return {
        "name": program.name, "category": program.category_id, "summary": program.summary,
        "description": program.description, "facility": program.facility,
        "instructor": program.instructor, "min_age": program.min_age, "max_age": program.max_age,
        "meetings": meetings,
        "registration_opens": local(program.registration_opens_at),
        "registration_closes": local(program.registration_closes_at),
        "price": Decimal(program.price_cents) / 100,
        "non_resident_price": None if program.non_resident_price_cents is None
        else Decimal(program.non_resident_price_cents) / 100,
        "gst": "taxable" if program.is_taxable else "exempt",
        "capacity": program.capacity, "min_participants": program.min_participants,
        "level": program.level, "prerequisites": [p.id for p in program.prerequisites],
        "requires_approval": program.requires_approval,
        "held_back_spaces": program.held_back_spaces,
        "withdrawal_fee_percent": program.withdrawal_fee_percent,
        "withdrawal_fee_cap": Decimal(program.withdrawal_fee_cap_cents) / 100,
        "withdrawal_cutoff_days": program.withdrawal_cutoff_days,
        "coordinators": [user.id for user in list_coordinators(program.id)],
    }  # fmt: skip
