"""The resident's helpdesk pages: ask for help and follow one's own requests."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.dates import end_sentence
from jasperrec.dates import local_time
from jasperrec.extensions import client_key
from jasperrec.extensions import keyed_hash
from jasperrec.extensions import limiter
from jasperrec.headers import no_store

from . import attachments
from . import service
from . import visitors
from .categories import service as categories
from .categories.forms import answers_from
from .categories.forms import question_fields
from .categories.forms import with_questions
from .categories.models import Category
from .errors import ImageRefusedError
from .errors import RequestClosedError
from .errors import RequestNotResolvedError
from .forms import MessageForm
from .forms import NewRequestForm
from .forms import NotFixedForm
from .forms import VisitorRequestForm
from .forms import read_uploads

bp = Blueprint("helpdesk", __name__, url_prefix="/helpdesk")


def _limit(name: str) -> str:
    return str(current_app.config[name])


@bp.url_value_preprocessor
def _room_for_photos(endpoint: str | None, values: dict[str, object] | None) -> None:
    """Let the request forms' bodies hold their photos; every other form keeps the small limit.

    This runs before any before_request hook, so before CSRF protection reads the form.
    """
    if endpoint in ("helpdesk.category_request", "helpdesk.visitor_request"):
        limits = attachments.limits()
        request.max_content_length = limits.max_count * limits.max_bytes + 1024 * 1024


def _resident_key() -> str:
    """Count a signed-in resident's submissions wherever they come from."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_key()


def _email_key() -> str:
    """Count visitor requests per typed address, whoever sends them, as a keyed hash."""
    email = request.form.get("email", "").strip().lower()
    return "visitor-email:" + keyed_hash(email, "visitor-email")


def _no_email() -> bool:
    return not request.form.get("email", "").strip()


@bp.route("/")
def index() -> ResponseReturnValue:
    number = request.args.get("page", 1, type=int) or 1
    page = (
        service.list_requests_for(current_user, number) if current_user.is_authenticated else None
    )
    return render_template("helpdesk/index.html", page=page)


@bp.route("/new")
@login_required
def new_request() -> ResponseReturnValue:
    return render_template(
        "helpdesk/choose_category.html", categories=categories.public_categories()
    )


@bp.route("/new/<slug>", methods=["GET", "POST"])
@limiter.limit(
    lambda: _limit("HELPDESK_REQUEST_LIMIT"),
    methods=["POST"],
    key_func=_resident_key,
    scope="helpdesk-request",
)
@login_required
def category_request(slug: str) -> ResponseReturnValue:
    category = categories.get_public_category(slug)
    form = with_questions(NewRequestForm, category)()
    if form.validate_on_submit():
        details = service.RequestDetails(
            category,
            form.subject.data,
            form.description.data,
            answers_from(form),
            form.location_address.data,
        )
        photos = read_uploads(form.photos.data, attachments.limits().max_bytes)
        try:
            opened = service.open_request(
                current_user, details, photos, share_location=form.share_location.data
            )
        except ImageRefusedError as exc:
            form.photos.errors.append(str(exc))
            return _new_request_page(form, category), 400
        flash(
            f"Thank you. Your reference is {opened.reference}; {opened.department.name} will "
            f"answer by {end_sentence(local_time(opened.due_at))}",
            "success",
        )
        return redirect(url_for("helpdesk.service_request", request_id=opened.id))
    return _new_request_page(form, category)


def _new_request_page(form: NewRequestForm, category: Category) -> str:
    return render_template(
        "helpdesk/new_request.html",
        form=form,
        category=category,
        questions=question_fields(form),
        photo_limits=attachments.limits(),
    )


def _request_page(request_id: int, status: int = 200, **forms: Any) -> ResponseReturnValue:
    found = service.get_request_for(current_user, request_id)
    forms = {"form": MessageForm(), "not_fixed_form": NotFixedForm(), **forms}
    return render_template("helpdesk/service_request.html", service_request=found, **forms), status


@bp.route("/requests/<int:request_id>")
@login_required
def service_request(request_id: int) -> ResponseReturnValue:
    return _request_page(request_id)


@bp.route("/requests/<int:request_id>/messages", methods=["POST"])
@limiter.limit(
    lambda: _limit("HELPDESK_MESSAGE_LIMIT"), key_func=_resident_key, scope="helpdesk-message"
)
@login_required
def add_message(request_id: int) -> ResponseReturnValue:
    form = MessageForm()
    if not form.validate_on_submit():
        return _request_page(request_id, 400, form=form)
    try:
        service.add_follow_up(current_user, request_id, form.body.data)
    except RequestClosedError as exc:
        flash(str(exc), "error")
    else:
        flash("Your message is added to your request.", "success")
    return redirect(url_for("helpdesk.service_request", request_id=request_id))


@bp.route("/requests/<int:request_id>/not-fixed", methods=["POST"])
@limiter.limit(
    lambda: _limit("HELPDESK_MESSAGE_LIMIT"), key_func=_resident_key, scope="helpdesk-message"
)
@login_required
def not_fixed(request_id: int) -> ResponseReturnValue:
    form = NotFixedForm()
    if not form.validate_on_submit():
        return _request_page(request_id, 400, not_fixed_form=form)
    try:
        service.report_not_fixed(current_user, request_id, form.body.data or "")
    except (RequestClosedError, RequestNotResolvedError) as exc:
        flash(str(exc), "error")
    else:
        flash("Thank you. Your request is open again and back with our staff.", "success")
    return redirect(url_for("helpdesk.service_request", request_id=request_id))


@bp.route("/photos/<string(maxlength=64):token>")
@login_required
def photo(token: str) -> ResponseReturnValue:
    return attachments.photo_response(attachments.get_attachment_for(current_user, token))


@bp.route("/ask")
def visitor_categories() -> ResponseReturnValue:
    return render_template(
        "helpdesk/choose_category.html",
        categories=categories.public_categories(),
        category_endpoint="helpdesk.visitor_request",
    )


@bp.route("/ask/<slug>", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("HELPDESK_VISITOR_LIMIT"), methods=["POST"], scope="visitor")
@limiter.limit(
    lambda: _limit("HELPDESK_VISITOR_EMAIL_LIMIT"),
    methods=["POST"],
    key_func=_email_key,
    exempt_when=_no_email,
    scope="visitor-email",
)
def visitor_request(slug: str) -> ResponseReturnValue:
    category = categories.get_public_category(slug)
    form = with_questions(VisitorRequestForm, category)()
    if form.validate_on_submit():
        visitor = visitors.Visitor(
            form.first_name.data, form.last_name.data, form.email.data or None, form.phone.data
        )
        details = service.RequestDetails(
            category,
            form.subject.data,
            form.description.data,
            answers_from(form),
            form.location_address.data,
        )
        photos = read_uploads(form.photos.data, attachments.limits().max_bytes)
        try:
            receipt = visitors.open_visitor_request(
                visitor, details, photos, share_location=form.share_location.data
            )
        except ImageRefusedError as exc:
            form.photos.errors.append(str(exc))
            return _visitor_request_page(form, category), 400
        flash(f"Thank you. Your reference is {receipt.service_request.reference}.", "success")
        return redirect(url_for("helpdesk.follow_request", token=receipt.token))
    return _visitor_request_page(form, category)


def _visitor_request_page(form: VisitorRequestForm, category: Category) -> str:
    return render_template(
        "helpdesk/visitor_request.html",
        form=form,
        category=category,
        questions=question_fields(form),
        photo_limits=attachments.limits(),
    )


@bp.route("/follow/<token>")
@no_store
def follow_request(token: str) -> ResponseReturnValue:
    found = visitors.request_for_token(token)
    return render_template(
        "helpdesk/follow.html", service_request=found, token=token, form=MessageForm()
    )


@bp.route("/follow/<token>/messages", methods=["POST"])
@limiter.limit(lambda: _limit("HELPDESK_MESSAGE_LIMIT"), scope="visitor-message")
@no_store
def add_visitor_message(token: str) -> ResponseReturnValue:
    form = MessageForm()
    if not form.validate_on_submit():
        found = visitors.request_for_token(token)
        page = render_template(
            "helpdesk/follow.html", service_request=found, token=token, form=form
        )
        return page, 400
    try:
        visitors.add_visitor_message(token, form.body.data)
    except RequestClosedError as exc:
        flash(str(exc), "error")
    else:
        flash("Your message is added to your request.", "success")
    return redirect(url_for("helpdesk.follow_request", token=token))


@bp.route("/follow/<link>/photos/<string(maxlength=64):token>")
@no_store
def follow_photo(link: str, token: str) -> ResponseReturnValue:
    return attachments.photo_response(visitors.photo_for_token(link, token))
