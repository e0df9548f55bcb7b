"""factory_boy factories bound to the test session; each test makes what it needs."""

from __future__ import annotations

import datetime as dt

import factory
from factory.alchemy import SQLAlchemyModelFactory

from jasperrec.auth import passwords
from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import Relation
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db


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
