"""Categories, their extra questions and keyword rules, and the answers a request holds."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import Department
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import str_100
from jasperrec.extensions import db


class QuestionKind(enum.StrEnum):
    """What shape of answer an extra question takes."""

    SHORT_TEXT = "short text"
    LONG_TEXT = "long text"
    NUMBER = "number"
    YES_NO = "yes/no"
    SINGLE_CHOICE = "single choice"
    MULTIPLE_CHOICE = "multiple choice"

    @property
    def has_choices(self) -> bool:
        """Tell whether the question offers a list of options to pick from."""
        return self in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class Category(db.Model):  # type: ignore[name-defined,misc]
    """What a request is about; it decides the department whose queue receives it."""

    __tablename__ = "categories"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str_100]
    # Shown to residents when they pick the category: what it covers, what to include.
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    # Only public categories are offered on the resident's form; keyword rules route to any.
    is_public: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[created_at]

    department: Mapped[Department] = relationship()
    questions: Mapped[list[CategoryQuestion]] = relationship(
        back_populates="category",
        cascade="all, delete-orphan",
        order_by="(CategoryQuestion.position, CategoryQuestion.id)",
    )
    keywords: Mapped[list[CategoryKeyword]] = relationship(
        back_populates="category",
        cascade="all, delete-orphan",
        order_by="(CategoryKeyword.priority, CategoryKeyword.id)",
    )


class CategoryQuestion(db.Model):  # type: ignore[name-defined,misc]
    """An extra question the resident answers when filing a request in the category."""

    __tablename__ = "category_questions"

    id: Mapped[intpk]
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    prompt: Mapped[str] = mapped_column(sa.String(200))
    help_text: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    kind: Mapped[QuestionKind]
    is_required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    # The options of a single- or multiple-choice question, in the order shown.
    choices: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    category: Mapped[Category] = relationship(back_populates="questions")


class CategoryKeyword(db.Model):  # type: ignore[name-defined,misc]
    """A routing rule: text containing the phrase as whole words goes to the category."""

    __tablename__ = "category_keywords"
    __table_args__ = (sa.UniqueConstraint("category_id", "phrase"),)

    id: Mapped[intpk]
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    phrase: Mapped[str] = mapped_column(sa.String(100))
    # Rules are tried lowest number first, across all categories; the first match wins.
    priority: Mapped[int] = mapped_column(default=100, server_default="100")

    category: Mapped[Category] = relationship(back_populates="keywords")


class RequestAnswer(db.Model):  # type: ignore[name-defined,misc]
    """The resident's answer to one extra question, kept with the question as it was asked."""

    __tablename__ = "request_answers"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_requests.id", ondelete="CASCADE"), index=True
    )
    # The question may later be edited or removed; the prompt is kept as the resident saw it.
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("category_questions.id", ondelete="SET NULL"), index=True
    )
    prompt: Mapped[str] = mapped_column(sa.String(200))
    answer: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0, server_default="0")
