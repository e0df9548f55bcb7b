"""The Add form says who is outside a program's ages, and why, before anyone presses Add."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from jasperrec.store import eligibility
from tests import factories

# Far enough ahead that registration is open, and never on February 29.
FIRST_DAY = (dt.date.today() + dt.timedelta(days=40)).replace(day=5)
ON = f"on {FIRST_DAY:%B} 5"


def _born(age: int, days_after: int = 0) -> dt.date:
    return FIRST_DAY.replace(year=FIRST_DAY.year - age) + dt.timedelta(days=days_after)


@pytest.mark.parametrize(
    ("birthday", "problem"),
    [
        (_born(4), f"too young: 4 {ON}, needs 6"),
        (_born(6, 1), f"too young: 5 {ON}, needs 6"),
        (_born(6), None),
        (_born(12), None),
        (_born(13), f"too old: 13 {ON}, up to 12"),
    ],
)
def test_age_problem_counts_the_age_on_the_first_day(app, birthday, problem):
    program = factories.ProgramFactory.build(min_age=6, max_age=12, starts_on=FIRST_DAY)
    assert eligibility.age_problem(program, birthday) == problem


def test_participants_are_the_holder_then_the_household_each_checked(app):
    user = factories.UserFactory(first_name="Ana", last_name="Lam", date_of_birth=None)
    factories.HouseholdMemberFactory(
        user=user, first_name="Sam", last_name="Lam", date_of_birth=_born(4)
    )
    factories.HouseholdMemberFactory(
        user=user, first_name="Maya", last_name="Lam", date_of_birth=_born(8)
    )
    program = factories.ProgramFactory(min_age=6, max_age=12, starts_on=FIRST_DAY)
    labels = [person.label for person in eligibility.list_participants(user, program)]
    assert labels == [
        "Ana Lam (you) — add a date of birth so we can check the ages",
        "Maya Lam",
        f"Sam Lam — too young: 4 {ON}, needs 6",
    ]


def test_a_missing_date_of_birth_matters_only_when_a_program_has_ages(app):
    user = factories.UserFactory(date_of_birth=None)
    program = factories.ProgramFactory(min_age=None, max_age=None)
    [holder] = eligibility.list_participants(user, program)
    assert not holder.needs_birthday
    assert holder.label.endswith("(you)")


def test_the_program_page_marks_who_cannot_register_and_links_to_add_a_birthday(
    app, client, log_in
):
    user = factories.UserFactory(
        first_name="Ana",
        last_name="Lam",
        date_of_birth=None,
        password="correct horse battery staple",
    )
    sam = factories.HouseholdMemberFactory(
        user=user, first_name="Sam", last_name="Lam", date_of_birth=_born(4)
    )
    program = factories.ProgramFactory(min_age=6, max_age=12, starts_on=FIRST_DAY)
    log_in(user)
    page = html.unescape(client.get(f"/store/programs/{program.slug}").get_data(as_text=True))
    assert f'<option value="{sam.id}">Sam Lam — too young: 4 {ON}, needs 6</option>' in page
    assert '<a href="/auth/profile">Add your date of birth</a>' in page
    refused = client.post(f"/store/programs/{program.slug}", data={"participant": str(sam.id)})
    assert "Sam Lam will be 4 when" in html.unescape(refused.get_data(as_text=True))
