"""The resident's side of categories: which ones to offer, and answers turned into rows."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from .models import Category
from .models import CategoryQuestion
from .models import QuestionKind
from .models import RequestAnswer

# What a form hands over per question id: text, or the picked options of a multiple choice.
Answers = Mapping[int, str | Sequence[str] | None]


def public_categories() -> Sequence[Category]:
    """Return the categories a resident may pick, in the order staff set."""
    query = (
        sa.select(Category)
        .where(Category.is_public)
        .order_by(Category.position, Category.name, Category.id)
    )
    return db.session.scalars(query).all()


def all_categories() -> Sequence[Category]:
    """Return every category, public or not, by name: the choices of the queues' filter."""
    return db.session.scalars(sa.select(Category).order_by(Category.name, Category.id)).all()


def get_public_category(slug: str) -> Category:
    """Return a public category with its questions, by its slug.

    :raises NotFoundError: for an unknown or non-public category.
    """
    query = (
        sa.select(Category)
        .options(selectinload(Category.questions), selectinload(Category.department))
        .where(Category.slug == slug, Category.is_public)
    )
    found = db.session.scalars(query).first()
    if found is None:
        raise NotFoundError()
    return found


def answer_text(question: CategoryQuestion, value: str | Sequence[str] | None) -> str | None:
    """Return the answer as it is stored and shown, or None when it was left blank."""
    if value is None:
        return None
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        picked = [v for v in value if v in question.choices] if not isinstance(value, str) else []
        return "\n".join(picked) or None
    text = str(value).strip()
    if question.kind is QuestionKind.YES_NO:
        return {"yes": "Yes", "no": "No"}.get(text.lower())
    if question.kind is QuestionKind.SINGLE_CHOICE and text not in question.choices:
        return None
    return text or None


def answer_rows(category: Category, answers: Answers) -> list[RequestAnswer]:
    """Turn the form's answers into rows, keeping each question's prompt as it was asked.

    Answers to questions of another category, and blank answers, are left out.
    """
    rows = []
    for position, question in enumerate(category.questions):
        text = answer_text(question, answers.get(question.id))
        if text is not None:
            rows.append(
                RequestAnswer(
                    question_id=question.id, prompt=question.prompt, answer=text, position=position
                )
            )
    return rows
