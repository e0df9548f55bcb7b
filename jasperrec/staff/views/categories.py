"""Request categories in the console: their list, details, extra questions and keywords."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.forms import ConfirmForm
from jasperrec.helpdesk.categories import manage
from jasperrec.helpdesk.categories.errors import CategoryError
from jasperrec.helpdesk.categories.models import Category
from jasperrec.helpdesk.categories.models import CategoryQuestion
from jasperrec.helpdesk.categories.models import QuestionKind

from ..forms import CategoryForm
from ..forms import KeywordForm
from ..forms import QuestionForm
from . import bp

MANAGE = Permission.HELPDESK_CATEGORIES_MANAGE


def _category_form(**kwargs: object) -> CategoryForm:
    form = CategoryForm(**kwargs)
    departments = manage.departments_for(current_user)
    form.department_id.choices = [SelectChoice(d.id, d.name) for d in departments]
    return form


def _category_details(form: CategoryForm) -> manage.CategoryDetails:
    return manage.CategoryDetails(
        name=form.name.data,
        description=form.description.data or "",
        department_id=form.department_id.data,
        is_public=form.is_public.data,
        position=form.position.data,
    )


def _question_details(form: QuestionForm) -> manage.QuestionDetails:
    return manage.QuestionDetails(
        prompt=form.prompt.data,
        help_text=form.help_text.data or "",
        kind=QuestionKind(form.kind.data),
        is_required=form.is_required.data,
        position=form.position.data,
        choices=form.options,
    )


def _question_data(question: CategoryQuestion) -> dict[str, object]:
    return {
        "prompt": question.prompt,
        "help_text": question.help_text,
        "kind": question.kind.value,
        "is_required": question.is_required,
        "position": question.position,
        "choices": "\n".join(question.choices),
    }


def _back_to(category: Category) -> Response:
    return redirect(url_for("staff.category", category_id=category.id))


def _category_page(category: Category, status: int = 200, **forms: object) -> ResponseReturnValue:
    page = render_template(
        "staff/category.html",
        category=category,
        form=forms.get("form") or _category_form(obj=category),
        question_form=forms.get("question_form") or QuestionForm(formdata=None),
        keyword_form=forms.get("keyword_form") or KeywordForm(formdata=None),
        confirm=ConfirmForm(),
    )
    return page, status


@bp.route("/categories")
@permission_required(MANAGE)
def categories() -> ResponseReturnValue:
    page = manage.list_categories(current_user, request.args.get("page", 1, type=int))
    return render_template("staff/categories.html", page=page)


@bp.route("/categories/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def new_category() -> ResponseReturnValue:
    form = _category_form()
    if form.validate_on_submit():
        try:
            category = manage.create_category(current_user, _category_details(form))
        except CategoryError as exc:
            form.department_id.errors.append(str(exc))
        else:
            flash(f"“{category.name}” is added. Now add its questions and keywords.", "success")
            return _back_to(category)
    return render_template("staff/new_category.html", form=form)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@permission_required(MANAGE)
def category(category_id: int) -> ResponseReturnValue:
    found = manage.get_category_for(current_user, category_id)
    form = _category_form(obj=found)
    if not form.validate_on_submit():
        return _category_page(found, 400 if form.errors else 200, form=form)
    try:
        manage.update_category(current_user, category_id, _category_details(form))
    except CategoryError as exc:
        form.department_id.errors.append(str(exc))
        return _category_page(found, 400, form=form)
    flash("The category is saved.", "success")
    return _back_to(found)


@bp.route("/categories/<int:category_id>/questions", methods=["POST"])
@permission_required(MANAGE)
def add_question(category_id: int) -> ResponseReturnValue:
    found = manage.get_category_for(current_user, category_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _category_page(found, 400, question_form=form)
    try:
        manage.add_question(current_user, category_id, _question_details(form))
    except CategoryError as exc:
        form.prompt.errors.append(str(exc))
        return _category_page(found, 400, question_form=form)
    flash("The question is added.", "success")
    return _back_to(found)


@bp.route("/categories/questions/<int:question_id>", methods=["GET", "POST"])
@permission_required(MANAGE)
def question(question_id: int) -> ResponseReturnValue:
    found = manage.get_question_for(current_user, question_id)
    form = QuestionForm(data=_question_data(found))
    if form.validate_on_submit():
        manage.update_question(current_user, question_id, _question_details(form))
        flash("The question is saved.", "success")
        return _back_to(found.category)
    page = render_template("staff/category_question.html", question=found, form=form)
    return page, 400 if form.errors else 200


@bp.route("/categories/questions/<int:question_id>/delete", methods=["POST"])
@permission_required(MANAGE)
def delete_question(question_id: int) -> ResponseReturnValue:
    category = manage.delete_question(current_user, question_id)
    flash("The question is removed. Answers already given stay with their requests.", "success")
    return _back_to(category)


@bp.route("/categories/<int:category_id>/keywords", methods=["POST"])
@permission_required(MANAGE)
def add_keyword(category_id: int) -> ResponseReturnValue:
    found = manage.get_category_for(current_user, category_id)
    form = KeywordForm()
    if not form.validate_on_submit():
        return _category_page(found, 400, keyword_form=form)
    try:
        manage.add_keyword(current_user, category_id, form.phrase.data, form.priority.data)
    except CategoryError as exc:
        form.phrase.errors.append(str(exc))
        return _category_page(found, 400, keyword_form=form)
    flash("The keyword is added.", "success")
    return _back_to(found)


@bp.route("/categories/keywords/<int:keyword_id>/delete", methods=["POST"])
@permission_required(MANAGE)
def delete_keyword(keyword_id: int) -> ResponseReturnValue:
    category = manage.delete_keyword(current_user, keyword_id)
    flash("The keyword is removed.", "success")
    return _back_to(category)
