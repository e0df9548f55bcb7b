"""Account forms: syntax checks only; rules that need the database live in the services."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from .models import Relation
from .passwords import MAX_LENGTH
from .passwords import MIN_LENGTH
from .phones import PHONE

POSTAL_CODE = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$", re.I)
PROVINCES = [
    ("", "Choose a province or territory"),
    ("AB", "Alberta"),
    ("BC", "British Columbia"),
    ("MB", "Manitoba"),
    ("NB", "New Brunswick"),
    ("NL", "Newfoundland and Labrador"),
    ("NS", "Nova Scotia"),
    ("NT", "Northwest Territories"),
    ("NU", "Nunavut"),
    ("ON", "Ontario"),
    ("PE", "Prince Edward Island"),
    ("QC", "Quebec"),
    ("SK", "Saskatchewan"),
    ("YT", "Yukon"),
]


def strip(value: Any) -> Any:
    """Trim surrounding space from text input."""
    return value.strip() if isinstance(value, str) else value


def not_in_future(form: FlaskForm, field: DateField) -> None:
    """Reject birth dates after today."""
    if field.data and field.data > dt.date.today():
        raise ValidationError("A date of birth cannot be in the future.")


def not_before_1900(form: FlaskForm, field: DateField) -> None:
    """Catch mistyped years such as 0201."""
    if field.data and field.data.year < 1900:
        raise ValidationError("Enter a year after 1900.")


def email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        filters=[strip],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254, message="An email address can be at most 254 characters."),
            Email("Enter an email address like name@example.ca.", check_deliverability=False),
        ],
    )


def new_password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=f"Use between {MIN_LENGTH} and {MAX_LENGTH} characters.",
            ),
        ],
    )


def confirm_password_field(label: str = "Repeat the password") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", message="The two passwords do not match."),
        ],
    )


def name_field(label: str, required: bool = True) -> StringField:
    checks = [DataRequired(f"Enter a {label.lower()}.")] if required else [Optional()]
    return StringField(
        label,
        filters=[strip],
        validators=[
            *checks,
            Length(max=100, message=f"A {label.lower()} can be at most 100 characters."),
        ],
    )


class RegistrationForm(FlaskForm):
    """Create a resident account."""

    first_name = name_field("First name")
    last_name = name_field("Last name")
    email = email_field()
    password = new_password_field()
    confirm = confirm_password_field()


class LoginForm(FlaskForm):
    """Sign in."""

    email = email_field()
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password."),
            Length(max=MAX_LENGTH, message="Too long."),
        ],
    )
    remember = BooleanField("Keep me signed in on this device for 30 days")


class EmailOnlyForm(FlaskForm):
    """Ask for a reset or a new confirmation link."""

    email = email_field()


class ResetPasswordForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = new_password_field("New password")
    confirm = confirm_password_field()


class ChangePasswordForm(FlaskForm):
    """Change the password while signed in."""

    current_password = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter your current password."),
            Length(max=MAX_LENGTH),
        ],
    )
    password = new_password_field("New password")
    confirm = confirm_password_field()


class ChangeEmailForm(FlaskForm):
    """Move the account to another address."""

    email = email_field("New email address")
    current_password = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter your current password."),
            Length(max=MAX_LENGTH),
        ],
    )


class ProfileForm(FlaskForm):
    """The resident's own details; only the name is required."""

    first_name = name_field("First name")
    last_name = name_field("Last name")
    date_of_birth = DateField(
        "Date of birth",
        validators=[
            Optional(),
            not_in_future,
            not_before_1900,
        ],
    )
    phone = StringField(
        "Phone",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=20, message="A phone number can be at most 20 characters."),
            Regexp(PHONE, message="Enter a 10-digit phone number, like 780-852-3356."),
        ],
    )
    address_line1 = StringField(
        "Street address",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=100, message="At most 100 characters."),
        ],
    )
    address_line2 = StringField(
        "Apartment, unit or PO box",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=100, message="At most 100 characters."),
        ],
    )
    city = StringField(
        "City or town",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=60, message="At most 60 characters."),
        ],
    )
    province = SelectField(
        "Province or territory",
        choices=[SelectChoice(v, label) for v, label in PROVINCES],
        validators=[Optional()],
    )
    postal_code = StringField(
        "Postal code",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=7, message="A postal code has 6 characters, like T0E 1E0."),
            Regexp(POSTAL_CODE, message="Enter a Canadian postal code, like T0E 1E0."),
        ],
    )


class HouseholdMemberForm(FlaskForm):
    """Add or edit a household member."""

    first_name = name_field("First name")
    last_name = name_field("Last name")
    date_of_birth = DateField(
        "Date of birth",
        validators=[
            DataRequired("Enter a date of birth."),
            not_in_future,
            not_before_1900,
        ],
    )
    relation = SelectField(
        "Relationship to you",
        choices=[SelectChoice(r.value, r.value.capitalize()) for r in Relation],
        validators=[DataRequired("Choose a relationship.")],
    )
    medical_notes = TextAreaField(
        "Medical or allergy notes",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=2000, message="At most 2,000 characters."),
        ],
    )


class EmergencyContactForm(FlaskForm):
    """Name who to call when the account holder cannot be reached."""

    name = name_field("Name")
    phone = StringField(
        "Phone",
        filters=[strip],
        validators=[
            DataRequired("Enter a phone number to reach them."),
            Length(max=20, message="A phone number can be at most 20 characters."),
            Regexp(PHONE, message="Enter a 10-digit phone number, like 780-852-3356."),
        ],
    )
    relation = StringField(
        "Relationship to your household",
        filters=[strip],
        validators=[
            DataRequired("Say how they are related, such as grandmother or neighbour."),
            Length(max=60, message="At most 60 characters."),
        ],
    )


def normalise_postal_code(value: str | None) -> str | None:
    """Store postal codes one way: T0E 1E0."""
    if not value:
        return None
    compact = value.replace(" ", "").upper()
    return f"{compact[:3]} {compact[3:]}"


class CodeForm(FlaskForm):
    """Enter a one-time code from the authenticator app, or a recovery code."""

    code = StringField(
        "Code",
        filters=[strip],
        validators=[
            DataRequired("Enter the code."),
            Length(max=20, message="A code is at most 11 characters."),
        ],
    )


class ReauthenticateForm(FlaskForm):
    """Prove it is still you before a sensitive action."""

    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), Length(max=MAX_LENGTH)]
    )
    code = StringField(
        "Code from your authenticator app",
        filters=[strip],
        validators=[Optional(), Length(max=20, message="A code is at most 11 characters.")],
    )


class PasswordOnlyForm(FlaskForm):
    """Confirm an account change with the current password."""

    password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=MAX_LENGTH)],
    )
