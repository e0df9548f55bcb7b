"""The console's side of categories: who manages which, and the changes they make.

Administrators manage every category; department leads manage their own departments'.
Anything outside a person's reach answers as if it did not exist.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import Department
from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from ..routing import fold
from .errors import DepartmentNotManagedError
from .errors import DuplicateKeywordError
from .errors import TooManyError
from .models import Category
from .models import CategoryKeyword
from .models import CategoryQuestion
from .models import QuestionKind

PER_PAGE = 25
# Bounds keep the resident's form short and the category page one screen of lists.
MAX_QUESTIONS = 20
MAX_KEYWORDS = 50


@dataclasses.dataclass(frozen=True)
class CategoryDetails:
    """What staff set on a category."""

    name: str
    description: str
    department_id: int
    is_public: bool
    position: int


@dataclasses.dataclass(frozen=True)
class QuestionDetails:
    """What staff set on an extra question."""

    prompt: str
    help_text: str
    kind: QuestionKind
    is_required: bool
    position: int
    choices: tuple[str, ...] = ()


def is_administrator(staff: User) -> bool:
    """Tell whether the person manages every department's categories."""
    return Role.ADMINISTRATOR.value in staff.role_names


def _manageable(staff: User) -> sa.ColumnElement[bool]:
    if is_administrator(staff):
        return sa.true()
    return Category.department_id.in_([d.id for d in staff.departments])


def departments_for(staff: User) -> Sequence[Department]:
    """Return the departments the person may put categories in, by name."""
    if is_administrator(staff):
        return db.session.scalars(sa.select(Department).order_by(Department.name)).all()
    return staff.departments


def list_categories(staff: User, page: int) -> Pagination:
    """Return one page of the categories the person manages, in the residents' order."""
    query = (
        sa.select(Category)
        .options(
            selectinload(Category.department),
            selectinload(Category.questions),
            selectinload(Category.keywords),
        )
        .where(_manageable(staff))
        .order_by(Category.position, Category.name, Category.id)
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def get_category_for(staff: User, category_id: int) -> Category:
    """Return a category the person manages, with its questions and keywords.

    :raises NotFoundError: also for another department's category.
    """
    query = (
        sa.select(Category)
        .options(selectinload(Category.questions), selectinload(Category.keywords))
        .where(Category.id == category_id, _manageable(staff))
    )
    found = db.session.scalars(query).first()
    if found is None:
        raise NotFoundError()
    return found


def _check_department(staff: User, department_id: int) -> None:
    if department_id not in {d.id for d in departments_for(staff)}:
        raise DepartmentNotManagedError("Choose one of the departments you manage.")


def _unique_slug(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:32].strip("-") or "category"
    taken = set(
        db.session.scalars(
            sa.select(Category.slug).where(
                sa.or_(Category.slug == base, Category.slug.startswith(f"{base}-"))
            )
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(category: Category, details: CategoryDetails) -> None:
    category.name = details.name.strip()
    category.description = details.description.strip()
    category.department_id = details.department_id
    category.is_public = details.is_public
    category.position = details.position


def create_category(staff: User, details: CategoryDetails) -> Category:
    """Add a category in a department the person manages; its address comes from its name.

    :raises DepartmentNotManagedError:
    """
    _check_department(staff, details.department_id)
    category = Category(slug=_unique_slug(details.name))
    _apply(category, details)
    db.session.add(category)
    db.session.commit()
    return category


def update_category(staff: User, category_id: int, details: CategoryDetails) -> Category:
    """Change a category the person manages; its address stays, so links keep working.

    :raises NotFoundError:
    :raises DepartmentNotManagedError:
    """
    category = get_category_for(staff, category_id)
    _check_department(staff, details.department_id)
    _apply(category, details)
    db.session.commit()
    return category


def get_question_for(staff: User, question_id: int) -> CategoryQuestion:
    """Return an extra question of a category the person manages.

    :raises NotFoundError:
    """
    query = (
        sa.select(CategoryQuestion)
        .join(CategoryQuestion.category)
        .where(CategoryQuestion.id == question_id, _manageable(staff))
    )
    found = db.session.scalars(query).first()
    if found is None:
        raise NotFoundError()
    return found


def _apply_question(question: CategoryQuestion, details: QuestionDetails) -> None:
    question.prompt = details.prompt.strip()
    question.help_text = details.help_text.strip()
    question.kind = details.kind
    question.is_required = details.is_required
    question.position = details.position
    # Options mean nothing to other kinds; keeping them would surprise a later edit.
    question.choices = list(details.choices) if details.kind.has_choices else []


def add_question(staff: User, category_id: int, details: QuestionDetails) -> CategoryQuestion:
    """Add an extra question to a category the person manages.

    :raises NotFoundError:
    :raises TooManyError:
    """
    category = get_category_for(staff, category_id)
    if len(category.questions) >= MAX_QUESTIONS:
        raise TooManyError(f"A category may ask at most {MAX_QUESTIONS} questions.")
    question = CategoryQuestion()
    _apply_question(question, details)
    category.questions.append(question)
    db.session.commit()
    return question


def update_question(staff: User, question_id: int, details: QuestionDetails) -> CategoryQuestion:
    """Change an extra question; answers already given keep the wording they were given to.

    :raises NotFoundError:
    """
    question = get_question_for(staff, question_id)
    _apply_question(question, details)
    db.session.commit()
    return question


def delete_question(staff: User, question_id: int) -> Category:
    """Remove an extra question; answers already given stay with their requests.

    :raises NotFoundError:
    """
    question = get_question_for(staff, question_id)
    category = question.category
    db.session.delete(question)
    db.session.commit()
    return category


def add_keyword(staff: User, category_id: int, phrase: str, priority: int) -> CategoryKeyword:
    """Route text holding the phrase to a category the person manages.

    :raises NotFoundError:
    :raises TooManyError:
    :raises DuplicateKeywordError:
    """
    category = get_category_for(staff, category_id)
    phrase = " ".join(phrase.split())
    if any(fold(k.phrase) == fold(phrase) for k in category.keywords):
        raise DuplicateKeywordError(f"This category already routes on “{phrase}”.")
    if len(category.keywords) >= MAX_KEYWORDS:
        raise TooManyError(f"A category may have at most {MAX_KEYWORDS} keywords.")
    keyword = CategoryKeyword(phrase=phrase, priority=priority)
    category.keywords.append(keyword)
    db.session.commit()
    return keyword


def delete_keyword(staff: User, keyword_id: int) -> Category:
    """Stop routing on a keyword of a category the person manages.

    :raises NotFoundError:
    """
    query = (
        sa.select(CategoryKeyword)
        .join(CategoryKeyword.category)
        .where(CategoryKeyword.id == keyword_id, _manageable(staff))
    )
    keyword = db.session.scalars(query).first()
    if keyword is None:
        raise NotFoundError()
    category = keyword.category
    db.session.delete(keyword)
    db.session.commit()
    return category
