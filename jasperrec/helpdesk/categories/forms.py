"""The resident's extra questions as form fields, each checked by the kind of answer it takes."""

from __future__ import annotations

import re
from typing import Any

from wtforms import Field
from wtforms import Form
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import ValidationError
from wtforms import widgets
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from .models import Category
from .models import CategoryQuestion
from .models import QuestionKind

SHORT_ANSWER_MAX = 200
LONG_ANSWER_MAX = 2000
NUMBER = re.compile(r"-?\d{1,12}([.,]\d{1,6})?")
FIELD_PREFIX = "question_"


class CheckboxesField(SelectMultipleField):
    """Pick any number of options, each a checkbox."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _is_number(form: Form, field: Field) -> None:
    if field.data and not NUMBER.fullmatch(field.data.strip()):
        raise ValidationError("Enter a number, such as 3 or 2.5.")


def _listed(form: Form, field: Field) -> None:
    picked = field.data if isinstance(field.data, list) else [field.data]
    allowed = {choice.value for choice in field.choices}
    if any(value not in allowed for value in picked if value):
        raise ValidationError("Choose from the answers listed.")


def _missing_message(question: CategoryQuestion) -> str:
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        return f"Tick at least one answer to “{question.prompt}”."
    if question.kind in (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE):
        return f"Choose an answer to “{question.prompt}”."
    return f"Answer “{question.prompt}”."


def question_field(question: CategoryQuestion) -> Field:
    """Build the unbound field for one question, with the checks its kind needs."""
    kind = question.kind
    checks: list[Any] = [
        InputRequired(_missing_message(question)) if question.is_required else Optional()
    ]
    options: dict[str, Any] = {"label": question.prompt, "description": question.help_text}
    if kind is QuestionKind.SHORT_TEXT:
        limit = Length(max=SHORT_ANSWER_MAX, message=f"Keep this to {SHORT_ANSWER_MAX} characters.")
        return StringField(validators=[*checks, limit], **options)
    if kind is QuestionKind.LONG_TEXT:
        limit = Length(max=LONG_ANSWER_MAX, message=f"Keep this to {LONG_ANSWER_MAX} characters.")
        return TextAreaField(validators=[*checks, limit], **options)
    if kind is QuestionKind.NUMBER:
        return StringField(validators=[*checks, _is_number], **options)
    if kind is QuestionKind.YES_NO:
        choices = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
    else:
        choices = [SelectChoice(choice, choice) for choice in question.choices]
    field_class = CheckboxesField if kind is QuestionKind.MULTIPLE_CHOICE else RadioField
    return field_class(
        choices=choices, validators=[*checks, _listed], validate_choice=False, **options
    )


def with_questions(form_class: type[Form], category: Category) -> type[Form]:
    """Return a subclass of the form with one field per question of the category, in order."""
    fields = {f"{FIELD_PREFIX}{q.id}": question_field(q) for q in category.questions}
    return type(form_class.__name__, (form_class,), fields)


def question_fields(form: Form) -> list[Field]:
    """Return the form's question fields, in the order they were asked."""
    return [field for field in form if field.name.startswith(FIELD_PREFIX)]


def answers_from(form: Form) -> dict[int, Any]:
    """Return the answers the form holds, by question id."""
    return {int(f.name.removeprefix(FIELD_PREFIX)): f.data for f in question_fields(form)}
