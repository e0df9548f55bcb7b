"""Who in a household may take a program, shown before the resident presses Add."""

from __future__ import annotations

import dataclasses
import datetime as dt

from jasperrec.auth.household import list_members
from jasperrec.auth.models import User
from jasperrec.dates import age_on

from .models import Program


@dataclasses.dataclass(frozen=True)
class Participant:
    """Someone the resident may register, with why the program's ages may not fit them."""

    member_id: int | None  # None for the account holder
    name: str
    problem: str | None = None
    needs_birthday: bool = False

    @property
    def label(self) -> str:
        """The choice as the Add form offers it, saying why it cannot register."""
        name = self.name if self.member_id is not None else f"{self.name} (you)"
        if self.problem:
            return f"{name} — {self.problem}"
        if self.needs_birthday:
            return f"{name} — add a date of birth so we can check the ages"
        return name


def age_problem(program: Program, birthday: dt.date) -> str | None:
    """Say why a person born on a day is outside the program's ages, or None if inside."""
    age = age_on(birthday, program.starts_on)
    first_day = f"{program.starts_on:%B} {program.starts_on.day}"
    if program.min_age is not None and age < program.min_age:
        return f"too young: {age} on {first_day}, needs {program.min_age}"
    if program.max_age is not None and age > program.max_age:
        return f"too old: {age} on {first_day}, up to {program.max_age}"
    return None


def _participant(
    member_id: int | None, name: str, birthday: dt.date | None, program: Program
) -> Participant:
    if birthday is None:
        limited = program.min_age is not None or program.max_age is not None
        return Participant(member_id, name, needs_birthday=limited)
    return Participant(member_id, name, age_problem(program, birthday))


def list_participants(user: User, program: Program) -> list[Participant]:
    """Return the account holder, then each household member, each checked against the ages."""
    people = [_participant(None, user.full_name, user.date_of_birth, program)]
    for member in list_members(user):
        people.append(_participant(member.id, member.full_name, member.date_of_birth, program))
    return people
