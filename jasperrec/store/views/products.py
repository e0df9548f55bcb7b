"""Passes, memberships, visit cards, gift cards and merchandise on sale, and adding them."""

from __future__ import annotations

from collections.abc import Sequence

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required
from flask_wtf import FlaskForm

from jasperrec.auth.household import list_members

from .. import entitlements
from .. import service
from ..errors import MissingBirthdayError
from ..errors import StoreError
from ..forms import AddProductForm
from ..forms import QuantityForm
from ..models import Product
from ..models import ProductKind
from . import bp


def _people() -> list[tuple[int | None, str]]:
    if not current_user.is_authenticated:
        return []
    you = [(None, f"{current_user.full_name} (you)")]
    return you + [(m.id, m.full_name) for m in list_members(current_user)]


def _forms(on_sale: Sequence[Product]) -> dict[int, FlaskForm]:
    """One Add form per product: for whom (and from when) for a pass, else how many."""
    people, today = _people(), service.local_today()
    forms: dict[int, FlaskForm] = {}
    for product in on_sale:
        if not product.kind.is_entitlement:
            forms[product.id] = QuantityForm(prefix=f"p{product.id}")
            continue
        form = AddProductForm(prefix=f"p{product.id}")
        form.set_people(people)
        if form.starts_on.data is None and product.kind is ProductKind.MEMBERSHIP:
            form.starts_on.data = today
        forms[product.id] = form
    return forms


def _page(on_sale: Sequence[Product], forms: dict[int, FlaskForm], **context: object) -> str:
    kinds = {kind: [p for p in on_sale if p.kind is kind] for kind in ProductKind}
    first, last = entitlements.start_window(service.local_today())
    return render_template(
        "store/products.html", kinds=kinds, forms_by_id=forms, window=(first, last), **context
    )


@bp.route("/passes-and-memberships")
def products() -> ResponseReturnValue:
    on_sale = service.list_products()
    return _page(on_sale, _forms(on_sale))


def _add(product: Product, form: FlaskForm) -> None:
    if isinstance(form, AddProductForm):
        service.add_product_to_cart(
            current_user, product.slug, member_id=form.member_id, starts_on=form.starts_on.data
        )
    else:
        service.add_product_to_cart(current_user, product.slug, form.quantity.data)


@bp.route("/passes-and-memberships/<slug>/add", methods=["POST"])
@login_required
def add_product(slug: str) -> ResponseReturnValue:
    product = service.get_product(slug)
    on_sale = service.list_products()
    forms = _forms(on_sale)
    form = forms[product.id]
    if not form.validate_on_submit():
        return _page(on_sale, forms, refused_id=product.id), 422
    try:
        _add(product, form)
    except StoreError as error:
        undated = error if isinstance(error, MissingBirthdayError) else None
        page = _page(on_sale, forms, refused_id=product.id, refusal=str(error), undated=undated)
        return page, 422
    flash(f"{product.name} is in your cart.", "success")
    return redirect(url_for("store.cart"))
