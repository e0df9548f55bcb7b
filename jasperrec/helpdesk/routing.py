"""Routing on arrival: the picked category, else the first matching keyword rule, else the
default department from configuration."""

from __future__ import annotations

import functools
import re
import unicodedata

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from jasperrec.auth.models import Department
from jasperrec.auth.service import ensure_department
from jasperrec.extensions import db

from .categories.models import Category
from .categories.models import CategoryKeyword


def fold(text: str) -> str:
    """Reduce text for matching: no case, no accents, single spaces (``Piscine  Été`` ->
    ``piscine ete``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


@functools.lru_cache(maxsize=1024)
def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in fold(phrase).split()]
    # Whole words only: "pool" matches "the pool's heater" but never "carpool".
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def matches(phrase: str, text: str) -> bool:
    """Tell whether the phrase occurs in the text as whole words, ignoring case and accents."""
    return bool(fold(phrase).split()) and _pattern(phrase).search(fold(text)) is not None


def match_keyword(text: str) -> Category | None:
    """Return the category of the first keyword rule, by priority, that the text matches."""
    rules = db.session.scalars(
        sa.select(CategoryKeyword)
        .options(joinedload(CategoryKeyword.category).joinedload(Category.department))
        .order_by(CategoryKeyword.priority, CategoryKeyword.id)
    ).all()
    folded = fold(text)
    for rule in rules:
        if matches(rule.phrase, folded):
            return rule.category
    return None


def default_department() -> Department:
    """Return the department that receives requests nothing else routes; flushes only."""
    return ensure_department(current_app.config["HELPDESK_DEFAULT_DEPARTMENT"])


def route(category: Category | None, text: str) -> tuple[Category | None, Department]:
    """Decide a new request's category and the department whose queue receives it.

    A picked category decides; otherwise the first keyword rule (lowest priority number)
    whose phrase the text holds as whole words; otherwise the default department.
    """
    if category is None:
        category = match_keyword(text)
    if category is not None:
        return category, category.department
    return None, default_department()
