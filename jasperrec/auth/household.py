"""Household members: the children, partner and dependants a resident registers for programs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from jasperrec import dates
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from .models import EmergencyContact
from .models import HouseholdMember
from .models import Relation
from .models import User
from .phones import normalise_phone


@dataclasses.dataclass(frozen=True)
class MemberDetails:
    """What the resident enters for one household member."""

    first_name: str
    last_name: str
    date_of_birth: dt.date
    relation: Relation
    medical_notes: str | None = None


def list_members(user: User) -> Sequence[HouseholdMember]:
    """Return the resident's household, youngest last."""
    query = (
        sa.select(HouseholdMember)
        .where(HouseholdMember.user_id == user.id)
        .order_by(HouseholdMember.date_of_birth, HouseholdMember.id)
    )
    return db.session.scalars(query).all()


def ages_today(members: Sequence[HouseholdMember]) -> dict[int, int]:
    """Return each member's age today, to find the programs that fit them."""
    today = dates.local_today()
    return {member.id: member.age_on(today) for member in members}


def get_member_for(user: User, member_id: int) -> HouseholdMember:
    """Return one of the resident's own household members.

    :raises NotFoundError: also for another resident's member, so none can be probed for.
    """
    member = db.session.get(HouseholdMember, member_id)
    if member is None or member.user_id != user.id:
        raise NotFoundError()
    return member


def add_member(user: User, details: MemberDetails) -> HouseholdMember:
    """Add a person to the resident's household."""
    member = HouseholdMember(user_id=user.id, **_cleaned(details))
    db.session.add(member)
    db.session.commit()
    return member


def update_member(user: User, member_id: int, details: MemberDetails) -> HouseholdMember:
    """Change a household member's details.

    :raises NotFoundError:
    """
    member = get_member_for(user, member_id)
    for name, value in _cleaned(details).items():
        setattr(member, name, value)
    db.session.commit()
    return member


def remove_member(user: User, member_id: int) -> None:
    """Take a person off the resident's household.

    :raises NotFoundError:
    """
    db.session.delete(get_member_for(user, member_id))
    db.session.commit()


def export_members(user: User) -> list[dict[str, Any]]:
    """The household as the resident's data export shows it."""
    return [
        {
            "first_name": m.first_name,
            "last_name": m.last_name,
            "date_of_birth": m.date_of_birth,
            "relation": m.relation.value,
            "medical_notes": m.medical_notes,
        }
        for m in list_members(user)
    ]


@dataclasses.dataclass(frozen=True)
class EmergencyContactDetails:
    """Who to call when the account holder cannot be reached, as the resident enters it."""

    name: str
    phone: str
    relation: str


def find_emergency_contact(user: User) -> EmergencyContact | None:
    """Return the household's emergency contact, if the resident named one."""
    query = sa.select(EmergencyContact).where(EmergencyContact.user_id == user.id)
    return db.session.scalar(query)


def save_emergency_contact(user: User, details: EmergencyContactDetails) -> EmergencyContact:
    """Name or change the household's one emergency contact."""
    contact = find_emergency_contact(user)
    if contact is None:
        contact = EmergencyContact(user_id=user.id)
        db.session.add(contact)
    contact.name = details.name.strip()
    contact.phone = normalise_phone(details.phone) or details.phone.strip()
    contact.relation = details.relation.strip()
    contact.updated_at = utcnow()
    db.session.commit()
    return contact


def remove_emergency_contact(user: User) -> None:
    """Forget the household's emergency contact."""
    contact = find_emergency_contact(user)
    if contact is not None:
        db.session.delete(contact)
    db.session.commit()


def _cleaned(details: MemberDetails) -> dict[str, Any]:
    values = dataclasses.asdict(details)
    values["first_name"] = details.first_name.strip()
    values["last_name"] = details.last_name.strip()
    values["medical_notes"] = (details.medical_notes or "").strip() or None
    return values
