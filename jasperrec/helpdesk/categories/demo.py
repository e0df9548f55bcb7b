"""The demo's request categories: topics residents pick, their questions and keywords."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from jasperrec.auth.service import ensure_department
from jasperrec.extensions import db

from .models import Category
from .models import CategoryKeyword
from .models import CategoryQuestion
from .models import QuestionKind as K

FACILITIES = [
    "Jasper Activity Centre",
    "Jasper Aquatic Centre",
    "Arena",
    "Fitness Centre",
    "Outdoor fields and parks",
]

# slug -> the category; questions are (prompt, kind, required, choices, hint).
CATEGORIES: dict[str, dict[str, Any]] = {
    "programs": {
        "name": "Programs and registration",
        "department": "Recreation Programs",
        "description": "Swim lessons, camps, fitness classes and drop-in programs: levels, "
        "waitlists, transfers and registering a family member.",
        "questions": [
            ("Which program?", K.SHORT_TEXT, False, [], "As the program guide names it."),
            ("Participant's age", K.NUMBER, False, [], "In years, if it is about a child."),
        ],
        "keywords": [
            ("swim lessons", 10),
            ("swimming lessons", 10),
            ("day camp", 20),
            ("waitlist", 20),
            ("registration", 40),
        ],
    },
    "payments": {
        "name": "Passes, memberships, payments and refunds",
        "department": "Finance",
        "description": "Refunds, receipts, charges you do not recognise, and passes or "
        "memberships you bought. Never send a card number.",
        "questions": [
            (
                "What do you need?",
                K.SINGLE_CHOICE,
                True,
                ["A refund", "A copy of a receipt", "A question about a charge", "Something else"],
                "",
            ),
            ("Order number", K.SHORT_TEXT, False, [], "It is on your receipt, e.g. 1042."),
        ],
        "keywords": [("refund", 10), ("receipt", 20), ("charged", 20), ("membership", 30)],
    },
    "facilities": {
        "name": "Facilities and bookings",
        "department": "Facilities",
        "description": "Booking the arena, a gym or a meeting room, and questions about "
        "opening hours and access.",
        "questions": [
            ("Which facility?", K.SINGLE_CHOICE, True, FACILITIES, ""),
            ("Preferred date", K.SHORT_TEXT, False, [], "For a booking, e.g. Saturday 17 January."),
            ("How many people?", K.NUMBER, False, [], ""),
        ],
        "keywords": [("booking", 30), ("rent the", 30), ("rental", 30)],
    },
    "repairs": {
        "name": "Something broken or unsafe at a facility",
        "department": "Facilities",
        "description": "A leak, a broken door or lock, lights out, ice or snow at an entrance: "
        "tell us where, and whether anyone could get hurt.",
        "questions": [
            ("Which facility?", K.SINGLE_CHOICE, True, FACILITIES, ""),
            ("Where exactly?", K.LONG_TEXT, True, [], "Room, entrance or landmark nearby."),
            ("Could someone get hurt?", K.YES_NO, True, [], "If someone is hurt now, call 911."),
        ],
        "keywords": [
            ("broken", 5),
            ("leak", 5),
            ("leaking", 5),
            ("out of order", 5),
            ("fuite", 5),
            ("brisé", 5),
        ],
    },
    "parks": {
        "name": "Parks, trails and playgrounds",
        "department": "Parks",
        "description": "Trail conditions, playground equipment, picnic areas and park washrooms.",
        "questions": [
            (
                "What is it about?",
                K.MULTIPLE_CHOICE,
                True,
                ["Trail", "Playground", "Picnic area", "Washroom", "Signs"],
                "Tick all that apply.",
            ),
            ("Where exactly?", K.LONG_TEXT, False, [], "Trail name, or a landmark nearby."),
        ],
        "keywords": [("trail", 20), ("sentier", 20), ("playground", 20), ("terrain de jeux", 20)],
    },
    "account": {
        "name": "My account and signing in",
        "department": "Customer Service",
        "description": "Signing in, two-step codes, your email address and your household.",
        "questions": [],
        "keywords": [("password", 40), ("sign in", 40), ("two-step", 40)],
    },
    "privacy": {
        "name": "My personal information and privacy",
        "department": "Legislative Services",
        "description": "Your personal information: what we hold, corrections, and who looked.",
        "questions": [],
        "keywords": [("personal information", 15), ("privacy", 15)],
    },
}


def ensure_demo_categories() -> int:
    """Add the demo categories that are missing, and questions and keywords to bare ones.

    Staff edits survive a re-seed: a category that already has questions or keywords keeps
    them. Flushes only; returns how many categories the demo describes.
    """
    for position, (slug, spec) in enumerate(CATEGORIES.items()):
        category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
        if category is None:
            category = Category(slug=slug, name=spec["name"], position=position)
            category.department = ensure_department(spec["department"])
            db.session.add(category)
        if not category.questions and not category.keywords:
            category.description = spec["description"]
            category.questions = [
                CategoryQuestion(
                    prompt=p,
                    kind=kind,
                    is_required=req,
                    choices=choices,
                    help_text=hint,
                    position=i,
                )
                for i, (p, kind, req, choices, hint) in enumerate(spec["questions"])
            ]
            category.keywords = [
                CategoryKeyword(phrase=phrase, priority=priority)
                for phrase, priority in spec["keywords"]
            ]
    db.session.flush()
    return len(CATEGORIES)
