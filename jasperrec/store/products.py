"""The department keeps what is on sale: products created, edited, put on sale and withdrawn
by staff, each kind's rules checked before anything is written."""

from __future__ import annotations

import dataclasses
import math
import re

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from .errors import ProductInvalidError
from .errors import StatusChangeError
from .models import Product
from .models import ProductKind
from .models import ProductStatusChange
from .program_details import MAX_FEE_CENTS

PAGE_SIZE = 50
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Fields only some kinds use: a pass lasts, a card holds visits, merchandise is stocked.
LASTS = (ProductKind.PASS, ProductKind.MEMBERSHIP, ProductKind.DROP_IN)


@dataclasses.dataclass(frozen=True)
class ProductDetails:
    """Everything staff enter about a product."""

    name: str
    kind: ProductKind
    summary: str
    description: str
    price_cents: int
    valid_days: int | None
    visits: int | None
    min_age: int | None
    max_age: int | None
    facility: str | None
    stock: int | None


@dataclasses.dataclass(frozen=True)
class ProductPage:
    """One page of products and where it sits among the rest."""

    products: list[Product]
    total: int
    page: int
    pages: int


def get_product(product_id: int) -> Product:
    """Return any product, on sale or not, for the console.

    :raises NotFoundError:
    """
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFoundError(product_id)
    return product


def list_products(
    kind: ProductKind | None = None, on_sale: bool | None = None, page: int = 1
) -> ProductPage:
    """Return a page of products by kind and name; two queries whatever the page holds."""
    where: list[sa.ColumnElement[bool]] = []
    if kind is not None:
        where.append(Product.kind == kind)
    if on_sale is not None:
        where.append(Product.is_published.is_(on_sale))
    total = int(db.session.scalar(sa.select(sa.func.count(Product.id)).where(*where)) or 0)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = (
        sa.select(Product)
        .where(*where)
        .order_by(Product.kind, Product.name, Product.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return ProductPage(list(db.session.scalars(query)), total, page, pages)


def _problems(details: ProductDetails) -> dict[str, str]:
    """Every rule the details break, by form field; empty when they may be saved."""
    problems: dict[str, str] = {}
    kind = details.kind
    if not 1 <= details.price_cents <= MAX_FEE_CENTS:
        problems["price"] = "Enter a price from $0.01 to $100,000."
    if kind in (ProductKind.PASS, ProductKind.MEMBERSHIP) and not details.valid_days:
        problems["valid_days"] = f"Say how many days a {kind.value} lasts."
    if kind is ProductKind.DROP_IN and not details.visits:
        problems["visits"] = "Say how many visits the card holds."
    if kind is not ProductKind.DROP_IN and details.visits:
        problems["visits"] = "Only drop-in visit cards hold a number of visits."
    if kind not in LASTS and details.valid_days:
        problems["valid_days"] = f"A {kind.value} does not expire by days; leave it blank."
    if kind is ProductKind.MERCHANDISE and details.stock is None:
        problems["stock"] = "Enter how many are in stock; 0 if none yet."
    if kind is not ProductKind.MERCHANDISE and details.stock is not None:
        problems["stock"] = "Only merchandise is stocked; leave it blank."
    if kind not in LASTS and (details.min_age is not None or details.max_age is not None):
        problems["min_age"] = "Only passes, memberships and visit cards have ages."
    low, high = details.min_age, details.max_age
    if low is not None and high is not None and high < low:
        problems["max_age"] = "The oldest age must not be below the youngest."
    if kind not in LASTS and details.facility:
        problems["facility"] = "Only passes, memberships and visit cards name a facility."
    return problems


def _slug_for(name: str) -> str:
    base = _NOT_SLUG.sub("-", name.lower()).strip("-")[:70] or "product"
    taken = set(db.session.scalars(sa.select(Product.slug).where(Product.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(product: Product, details: ProductDetails) -> None:
    for field in dataclasses.fields(details):
        setattr(product, field.name, getattr(details, field.name))
    # Gift cards are not taxed when sold; GST applies when they are spent.
    product.is_taxable = details.kind is not ProductKind.GIFT_CARD


def create_product(staff: User, details: ProductDetails) -> Product:
    """Add a product, not yet on sale, for staff to check and put on sale.

    :raises ProgramInvalidError: with each problem by field; nothing is written.
    """
    problems = _problems(details)
    if problems:
        raise ProductInvalidError(problems)
    product = Product(slug=_slug_for(details.name), is_published=False)
    _apply(product, details)
    db.session.add(product)
    db.session.commit()
    return product


def update_product(staff: User, product: Product, details: ProductDetails) -> Product:
    """Change a product; what was sold keeps the description and price it was sold at.

    :raises ProgramInvalidError: with each problem by field; nothing is written.
    """
    problems = _problems(details)
    if details.kind is not product.kind:
        problems["kind"] = "A product's kind cannot change; add a new product instead."
    if problems:
        raise ProductInvalidError(problems)
    _apply(product, details)
    db.session.commit()
    return product


def set_on_sale(staff: User, product: Product, on_sale: bool) -> ProductStatusChange:
    """Put a product on sale or withdraw it, recording who and when.

    :raises StatusChangeError: it is already where it was asked to go.
    """
    if product.is_published is on_sale:
        state = "on sale" if on_sale else "withdrawn"
        raise StatusChangeError(f"{product.name} is {state} already.")
    product.is_published = on_sale
    change = ProductStatusChange(product_id=product.id, on_sale=on_sale, changed_by_id=staff.id)
    db.session.add(change)
    db.session.commit()
    return change


def status_history(product: Product) -> list[ProductStatusChange]:
    """The product's changes on and off sale, newest first."""
    query = (
        sa.select(ProductStatusChange)
        .where(ProductStatusChange.product_id == product.id)
        .order_by(ProductStatusChange.changed_at.desc(), ProductStatusChange.id.desc())
    )
    return list(db.session.scalars(query))
