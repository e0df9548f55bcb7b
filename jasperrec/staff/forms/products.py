"""Staff product forms; syntax only, store.products checks each kind's rules."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import DecimalField
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from jasperrec.auth.forms import strip
from jasperrec.store.models import Product
from jasperrec.store.models import ProductKind
from jasperrec.store.products import ProductDetails

KINDS = [SelectChoice(kind.value, kind.value.capitalize()) for kind in ProductKind]


class ProductForm(FlaskForm):
    """What the catalogue prints about a product, and what a sale of it grants."""

    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=100)])
    kind = SelectField("Kind", choices=KINDS)
    summary = StringField("Summary", filters=[strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        "Description", filters=[strip], validators=[DataRequired(), Length(max=5000)]
    )
    price = DecimalField("Price ($)", places=2, validators=[InputRequired("Enter the price.")])
    valid_days = IntegerField(
        "Lasts (days)", validators=[Optional(), NumberRange(1, 3650)],
        description="Passes and memberships; a visit card may expire too.",
    )  # fmt: skip
    visits = IntegerField(
        "Visits", validators=[Optional(), NumberRange(1, 1000)],
        description="Drop-in visit cards only.",
    )  # fmt: skip
    min_age = IntegerField("Youngest holder", validators=[Optional(), NumberRange(0, 110)])
    max_age = IntegerField("Oldest holder", validators=[Optional(), NumberRange(0, 110)])
    facility = StringField(
        "Only at facility", filters=[strip], validators=[Optional(), Length(max=100)],
        description="Blank admits to every facility.",
    )  # fmt: skip
    stock = IntegerField(
        "In stock", validators=[Optional(), NumberRange(0, 100_000)],
        description="Merchandise only.",
    )  # fmt: skip


class ProductListForm(FlaskForm):
    """Narrow the product list by kind and whether it is on sale."""

    class Meta:
        csrf = False

    kind = SelectField("Kind", choices=[SelectChoice("", "Any kind"), *KINDS])
    sale = SelectField(
        "On sale",
        choices=[SelectChoice("", "On sale or not"), SelectChoice("yes", "On sale"),
                 SelectChoice("no", "Withdrawn")],
    )  # fmt: skip


def details_from(form: ProductForm) -> ProductDetails:
    """The product as the validated form describes it."""
    price: Decimal = form.price.data
    return ProductDetails(
        name=form.name.data,
        kind=ProductKind(form.kind.data),
        summary=form.summary.data,
        description=form.description.data,
        price_cents=int((price * 100).to_integral_value()),
        valid_days=form.valid_days.data,
        visits=form.visits.data,
        min_age=form.min_age.data,
        max_age=form.max_age.data,
        facility=form.facility.data or None,
        stock=form.stock.data,
    )


def initial_data(product: Product) -> dict[str, object]:
    """The form filled from a saved product."""
    return {
        "name": product.name, "kind": product.kind.value, "summary": product.summary,
        "description": product.description, "price": Decimal(product.price_cents) / 100,
        "valid_days": product.valid_days, "visits": product.visits,
        "min_age": product.min_age, "max_age": product.max_age,
        "facility": product.facility, "stock": product.stock,
    }  # fmt: skip
