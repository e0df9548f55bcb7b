"""factory_boy factories bound to the test session; each test makes what it needs."""

from __future__ import annotations

import datetime as dt

import factory
from factory.alchemy import SQLAlchemyModelFactory

from jasperrec.auth import passwords
from jasperrec.auth.models import Department
from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import Relation
from jasperrec.auth.models import Role
from jasperrec.auth.models import StaffRole
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.staff.models import BreakGlassGrant
from jasperrec.staff.models import BreakGlassReason


class BaseFactory(SQLAlchemyModelFactory):  # type: ignore[misc]
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(BaseFactory):
    class Meta:
        model = User
        exclude = ("password",)

    email = factory.Sequence(lambda n: f"resident{n}@example.ca")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email_confirmed_at = factory.LazyFunction(utcnow)
    password = "correct horse battery staple"
    password_hash = factory.LazyAttribute(lambda o: passwords.hash_password(o.password))

    class Params:
        unconfirmed = factory.Trait(email_confirmed_at=None)


class HouseholdMemberFactory(BaseFactory):
    class Meta:
        model = HouseholdMember

    user = factory.SubFactory(UserFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = dt.date(2016, 5, 1)
    relation = Relation.CHILD
    medical_notes = None


class DepartmentFactory(BaseFactory):
    class Meta:
        model = Department

    slug = factory.Sequence(lambda n: f"department-{n}")
    name = factory.Sequence(lambda n: f"Department {n}")


class StaffFactory(UserFactory):
    """A staff member; pass roles=[Role...] and departments=[Department...]."""

    is_staff = True
    email = factory.Sequence(lambda n: f"staff{n}@jasper.example")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        for role in extracted or []:
            self.roles.append(StaffRole(role=role))
        db.session.flush()


class ServiceRequestFactory(BaseFactory):
    class Meta:
        model = ServiceRequest

    customer = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    channel = Channel.PHONE
    subject = "Question about swim lessons"


class BreakGlassGrantFactory(BaseFactory):
    class Meta:
        model = BreakGlassGrant

    staff = factory.SubFactory(StaffFactory)
    resident = factory.SubFactory(UserFactory)
    reason = BreakGlassReason.CALLER_WITHOUT_REQUEST
    explanation = "Resident phoned about a lost membership card"
    created_at = factory.LazyFunction(utcnow)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + dt.timedelta(minutes=30))
