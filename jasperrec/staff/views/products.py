"""Staff product pages: what is on sale, a product's form, and putting it on sale or not."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.forms import ConfirmForm
from jasperrec.store import products as shelf
from jasperrec.store.errors import ProgramInvalidError
from jasperrec.store.errors import StoreError
from jasperrec.store.models import Product
from jasperrec.store.models import ProductKind

from ..forms.products import ProductForm
from ..forms.products import ProductListForm
from ..forms.products import details_from
from ..forms.products import initial_data
from . import bp

MANAGE = Permission.STORE_PROGRAMS_MANAGE


@bp.route("/products", endpoint="products")
@permission_required(MANAGE)
def products_page() -> ResponseReturnValue:
    form = ProductListForm(request.args)
    kind = ProductKind(form.kind.data) if form.validate() and form.kind.data else None
    on_sale = {"yes": True, "no": False}.get(form.sale.data or "")
    page = request.args.get("page", 1, type=int) or 1
    found = shelf.list_products(kind, on_sale, page)
    return render_template("staff/products.html", form=form, found=found, args=request.args)


def _save(form: ProductForm, product: Product | None) -> Product | None:
    """Save the form's product, or put each refusal beside its field and return None."""
    try:
        details = details_from(form)
        if product is None:
            return shelf.create_product(current_user, details)
        return shelf.update_product(current_user, product, details)
    except ProgramInvalidError as error:
        for field, message in error.problems.items():
            getattr(form, field).errors = [*getattr(form, field).errors, message]
    return None


def _form_page(form: ProductForm, product: Product | None, status: int) -> ResponseReturnValue:
    history = shelf.status_history(product) if product else []
    return render_template(
        "staff/product_form.html", form=form, product=product, history=history,
        confirm_form=ConfirmForm(),
    ), status  # fmt: skip


@bp.route("/products/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def new_product() -> ResponseReturnValue:
    form = ProductForm()
    if form.validate_on_submit() and (saved := _save(form, None)) is not None:
        flash(
            f"{saved.name} is saved, not yet on sale. Put it on sale when it is ready.", "success"
        )
        return redirect(url_for("staff.product", product_id=saved.id))
    return _form_page(form, None, 400 if form.is_submitted() else 200)


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@permission_required(MANAGE)
def product(product_id: int) -> ResponseReturnValue:
    current = shelf.get_product(product_id)
    form = ProductForm(data=initial_data(current) if request.method == "GET" else None)
    if form.validate_on_submit() and _save(form, current) is not None:
        flash(f"{current.name} is saved.", "success")
        return redirect(url_for("staff.product", product_id=current.id))
    return _form_page(form, current, 400 if form.is_submitted() else 200)


@bp.route("/products/<int:product_id>/sale", methods=["POST"])
@permission_required(MANAGE)
def product_sale(product_id: int) -> ResponseReturnValue:
    current = shelf.get_product(product_id)
    if ConfirmForm().validate_on_submit():
        try:
            shelf.set_on_sale(current_user, current, request.form.get("on_sale") == "yes")
        except StoreError as error:
            flash(str(error), "error")
        else:
            flash(
                f"{current.name} is {'on sale' if current.is_published else 'withdrawn'}.",
                "success",
            )
    return redirect(url_for("staff.product", product_id=product_id))
