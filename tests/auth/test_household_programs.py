"""Each household member links to the programs for her age today."""

from __future__ import annotations

import datetime as dt

import pytest

from jasperrec import dates
from jasperrec.auth import household
from tests import factories


def _years_ago(years: int, days: int = 0) -> dt.date:
    today = dates.local_today()
    birthday = (
        today.replace(year=today.year - years)
        if (today.month, today.day) != (2, 29)
        else today.replace(year=today.year - years, day=28)
    )
    return birthday + dt.timedelta(days=days)


@pytest.mark.parametrize(("days", "age"), [(0, 7), (-1, 7), (1, 6)])
def test_ages_today_count_a_birthday_from_its_day(app, days, age):
    member = factories.HouseholdMemberFactory(date_of_birth=_years_ago(7, days))
    assert household.ages_today([member]) == {member.id: age}


def test_the_household_page_links_each_member_to_the_programs_for_her_age(
    app, client, user, log_in
):
    factories.HouseholdMemberFactory(user=user, first_name="Maya", date_of_birth=_years_ago(7))
    factories.HouseholdMemberFactory(user=user, first_name="Sam", date_of_birth=_years_ago(4, 1))
    log_in(user)
    page = client.get("/auth/household").get_data(as_text=True)
    assert '<a href="/store/programs?age=7">Find programs for Maya</a>' in page
    assert '<a href="/store/programs?age=3">Find programs for Sam</a>' in page
