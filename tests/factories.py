"""factory_boy factories bound to the test session; each test makes what it needs."""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from factory.alchemy import SQLAlchemyModelFactory

from jasperrec import dates
from jasperrec.auth import passwords
from jasperrec.auth.models import Department
from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import Relation
from jasperrec.auth.models import Role
from jasperrec.auth.models import StaffRole
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk.categories.models import Category
from jasperrec.helpdesk.categories.models import CategoryKeyword
from jasperrec.helpdesk.categories.models import CategoryQuestion
from jasperrec.helpdesk.categories.models import QuestionKind
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.staff.models import BreakGlassGrant
from jasperrec.staff.models import BreakGlassReason
from jasperrec.store import ledger
from jasperrec.store.models import CODE_ALPHABET
from jasperrec.store.models import CODE_LENGTH
from jasperrec.store.models import Entitlement
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Product
from jasperrec.store.models import ProductKind
from jasperrec.store.models import Program
from jasperrec.store.models import ProgramCategory
from jasperrec.store.models import ProgramMeeting


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


class ProgramCategoryFactory(BaseFactory):
    """A section of the program guide, found by slug when it exists already."""

    class Meta:
        model = ProgramCategory
        sqlalchemy_get_or_create = ("slug",)

    slug = "aquatics"
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class ProgramFactory(BaseFactory):
    """A published program starting four weeks from now, for ages 6 to 12."""

    class Meta:
        model = Program

    slug = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Swim Level {n}")
    category = factory.SubFactory(ProgramCategoryFactory)
    summary = "Front crawl and back crawl over 10 metres."
    description = "Eight lessons with a certified instructor."
    facility = "Jasper Aquatic Centre"
    min_age = 6
    max_age = 12
    starts_on = factory.LazyFunction(lambda: utcnow().date() + dt.timedelta(days=28))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=25))
    # One weekly meeting over the program's dates; pass meetings=[...] for others.
    meetings = factory.LazyAttribute(
        lambda o: [
            ProgramMeeting(
                starts_on=o.starts_on,
                ends_on=o.ends_on,
                weekdays=o.weekdays,
                start_time=o.start_time,
                end_time=o.end_time,
                skipped_dates=o.skipped_dates,
            )
        ]
    )
    price_cents = 8_400
    capacity = 8
    is_taxable = False

    class Params:
        weekdays = "24"
        start_time = dt.time(17, 30)
        end_time = dt.time(18, 15)
        skipped_dates: list[str] = []


class ProductFactory(BaseFactory):
    """A published 30-day pass; `merchandise=True` for something sold by quantity, unstocked."""

    class Meta:
        model = Product

    slug = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Adult 30-day pass {n}")
    kind = ProductKind.PASS
    summary = "Unlimited visits to the pool and fitness centre for 30 days."
    description = "Valid from the day of purchase."
    price_cents = 6_500
    valid_days = 30
    visits = None
    is_taxable = True

    class Params:
        merchandise = factory.Trait(
            kind=ProductKind.MERCHANDISE,
            name=factory.Sequence(lambda n: f"Water bottle {n}"),
            valid_days=None,
        )


class OrderFactory(BaseFactory):
    """A pending order of one product line, with its checkout session."""

    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory)
    status = OrderStatus.PENDING
    currency = "CAD"
    subtotal_cents = 6_500
    gst_cents = 325
    total_cents = 6_825
    checkout_session_id = factory.Sequence(lambda n: f"cs_test_{n:06d}")
    expires_at = factory.LazyFunction(lambda: utcnow() + dt.timedelta(minutes=30))
    lines = factory.LazyAttribute(
        lambda o: [
            OrderLine(
                description="Adult 30-day pass",
                quantity=1,
                unit_price_cents=o.subtotal_cents,
                gst_cents=o.gst_cents,
            )
        ]
    )

    @factory.post_generation
    def payment(self: Order, create: bool, extracted: object, **kwargs: object) -> None:
        """Record a paid order's payment in the ledger, as paying it does."""
        if create and self.status is OrderStatus.PAID:
            db.session.flush()
            ledger.record_payment(self)


class ServiceRequestFactory(BaseFactory):
    class Meta:
        model = ServiceRequest

    customer = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    channel = Channel.PHONE
    subject = "Question about swim lessons"


class CategoryFactory(BaseFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    description = "What this category covers."
    department = factory.SubFactory(DepartmentFactory)
    is_public = True


class CategoryQuestionFactory(BaseFactory):
    class Meta:
        model = CategoryQuestion

    category = factory.SubFactory(CategoryFactory)
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    kind = QuestionKind.SHORT_TEXT
    choices = factory.LazyFunction(list)


class CategoryKeywordFactory(BaseFactory):
    class Meta:
        model = CategoryKeyword

    category = factory.SubFactory(CategoryFactory)
    phrase = factory.Sequence(lambda n: f"keyword{n}")
    priority = 100


class BreakGlassGrantFactory(BaseFactory):
    class Meta:
        model = BreakGlassGrant

    staff = factory.SubFactory(StaffFactory)
    resident = factory.SubFactory(UserFactory)
    reason = BreakGlassReason.CALLER_WITHOUT_REQUEST
    explanation = "Resident phoned about a lost membership card"
    created_at = factory.LazyFunction(utcnow)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + dt.timedelta(minutes=30))


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class EntitlementFactory(BaseFactory):
    """A 30-day pass issued to its buyer through a paid order, valid since yesterday.

    Pass holder=UserFactory(...) to choose whose it is.
    """

    class Meta:
        model = Entitlement
        exclude = ("holder",)

    holder = factory.SubFactory(UserFactory)
    code = factory.LazyFunction(_code)
    product = factory.SubFactory(ProductFactory)
    order_line = factory.LazyAttribute(
        lambda o: OrderFactory(user=o.holder, status=OrderStatus.PAID).lines[0]
    )
    user_id = factory.LazyAttribute(lambda o: o.holder.id)
    holder_name = factory.LazyAttribute(lambda o: o.holder.full_name)
    product_name = factory.LazyAttribute(lambda o: o.product.name)
    facility = None
    valid_from = factory.LazyFunction(lambda: dates.local_today() - dt.timedelta(days=1))
    valid_until = factory.LazyAttribute(lambda o: o.valid_from + dt.timedelta(days=29))
    visits_total = None
    visits_used = 0
