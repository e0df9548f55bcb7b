"""Helpdesk fixtures: a resident, a category, answers to a request form, and the staff fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from jasperrec.helpdesk import service
from tests import factories
from tests.conftest import PASSWORD
from tests.staff.conftest import department
from tests.staff.conftest import make_staff
from tests.staff.conftest import other_department
from tests.staff.conftest import staff_log_in

__all__ = ["department", "make_staff", "other_department", "staff_log_in"]


@pytest.fixture
def resident() -> Any:
    return factories.UserFactory(first_name="Alex", last_name="Tremblay", password=PASSWORD)


@pytest.fixture
def payments() -> Any:
    """The category residents pick for refunds, answered by Finance."""
    finance = factories.DepartmentFactory(name="Finance", slug="finance")
    return factories.CategoryFactory(
        slug="payments", name="Passes, memberships, payments and refunds", department=finance
    )


@pytest.fixture
def details(payments: Any) -> service.RequestDetails:
    return service.RequestDetails(
        category=payments,
        subject="  Refund for a cancelled swim class  ",
        description="The Tuesday class was cancelled.\nCan I have a refund?",
    )


@pytest.fixture
def facilities_category() -> Any:
    """A public category, "facilities", answered by the Facilities department."""
    department = factories.DepartmentFactory(name="Facilities", slug="facilities")
    return factories.CategoryFactory(
        slug="facilities", name="Facilities and bookings", department=department
    )
