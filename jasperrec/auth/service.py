"""Account use cases: registration, confirmation, profile, password and email changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.mail import send_mail
from jasperrec.tasks import task

from . import lockout
from . import passwords
from . import tokens
from .errors import EmailTakenError
from .errors import InvalidTokenError
from .errors import WeakPasswordError
from .errors import WrongPasswordError
from .models import ContactClaim
from .models import Department
from .models import User
from .models import UserSession


@dataclasses.dataclass(frozen=True)
class Profile:
    """The optional and required details a resident keeps on their account."""

    first_name: str
    last_name: str
    date_of_birth: dt.date | None = None
    phone: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None


@dataclasses.dataclass(frozen=True)
class SessionTokens:
    """The secrets one browser's cookies carry for a session; only their hashes are stored."""

    session: str
    remember: str | None


def hash_token(token: str) -> str:
    """Store and look up session tokens by SHA-256, so a database leak yields no cookies."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Draw a random cookie token of 256 bits."""
    return secrets.token_urlsafe(32)


def issue_tokens(record: UserSession) -> SessionTokens:
    """Give a session new tokens so copies of its cookies stop working; flushes only.

    A remembered session gets a remember token of its own, never the session token.
    """
    issued = SessionTokens(
        session=new_token(), remember=new_token() if record.is_remembered else None
    )
    record.token_hash = hash_token(issued.session)
    record.remember_hash = hash_token(issued.remember) if issued.remember else None
    db.session.flush()
    return issued


def normalise_email(email: str) -> str:
    """Compare addresses case-insensitively and without surrounding space."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the account with this address, or None."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def context_words(*personal: str | None) -> list[str]:
    """Words a password must not be built from: the municipality's, the portal's, the person's."""
    config = current_app.config
    phrases = [
        config["MUNICIPALITY_NAME"],
        config["MUNICIPALITY_SHORT_NAME"],
        config["BRAND_PORTAL_NAME"],
        "recreation municipality",
        *config["MUNICIPALITY_FACILITIES"],
        *(p for p in personal if p),
    ]
    words = {w for phrase in phrases for w in phrase.replace("@", " ").replace(".", " ").split()}
    return sorted(words | {p.replace(" ", "") for p in phrases})


def check_password(password: str, *personal: str | None) -> None:
    """Apply the password policy.

    :raises WeakPasswordError: with the reason to show next to the field.
    """
    problem = passwords.password_problem(password, context_words(*personal))
    if problem:
        raise WeakPasswordError(problem)


def register_user(email: str, password: str, first_name: str, last_name: str) -> User | None:
    """Create an unconfirmed account and email a confirmation link.

    When the address already has an account, create nothing and email its owner a notice
    instead, so that registering cannot reveal who has an account. When the address is a
    contact's, keep the registration aside and email a link that brings the contact's
    history into the account once the address's owner confirms it (see claim_contact).
    Returns the new user, or None when the address was taken.

    :raises WeakPasswordError:
    """
    email = normalise_email(email)
    check_password(password, first_name, last_name, email.split("@")[0])
    password_hash = passwords.hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None and existing.is_contact:
        _stage_claim(existing, password_hash, first_name, last_name)
        db.session.commit()
        _send_claim_link(existing)
        return None
    if existing is not None:
        send_mail(email, "auth/registration_attempt", user=existing)
        return None
    user = User(
        email=email,
        password_hash=password_hash,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        password_changed_at=utcnow(),
    )
    db.session.add(user)
    db.session.commit()
    _send_confirmation(user)
    return user


def _send_confirmation(user: User) -> None:
    token = tokens.make_token(user, tokens.CONFIRM_EMAIL)
    send_mail(_address(user), "auth/confirm_email", user=user, token=token)


def _address(user: User) -> str:
    """Return the address of someone who has one; every account does, a contact may not."""
    if user.email is None:
        raise ValueError(f"user {user.id} has no email address")
    return user.email


def _stage_claim(contact: User, password_hash: str, first_name: str, last_name: str) -> None:
    """Keep a registration for a contact's address aside; flushes only.

    A later registration replaces an earlier one, whose link then stops working.
    """
    if contact.claim is not None:
        db.session.delete(contact.claim)
        db.session.flush()
    contact.claim = ContactClaim(
        password_hash=password_hash, first_name=first_name.strip(), last_name=last_name.strip()
    )
    db.session.flush()


def _send_claim_link(contact: User) -> None:
    token = tokens.make_token(contact, tokens.CLAIM_CONTACT)
    send_mail(_address(contact), "auth/claim_contact", claim=contact.claim, token=token)


def claim_contact(token: str, password: str) -> User:
    """Turn a contact into the resident who registered their address, history and all.

    The link proves the address is theirs and the password proves they are the one who
    registered: someone who registered another person's address cannot finish, and the
    address's owner clicking a link they did not ask for hands nothing to that someone.

    :raises InvalidTokenError:
    :raises WrongPasswordError:
    """
    max_age = int(current_app.config["AUTH_CONFIRM_MAX_AGE_HOURS"]) * 3600
    user = tokens.user_for_token(token, tokens.CLAIM_CONTACT, max_age)
    claim = user.claim
    if claim is None or not user.is_contact:
        raise InvalidTokenError(tokens.USED_OR_EXPIRED)
    if not passwords.verify_password(claim.password_hash, password):
        raise WrongPasswordError("That is not the password you chose when you registered.")
    now = utcnow()
    user.password_hash = claim.password_hash
    user.first_name, user.last_name = claim.first_name, claim.last_name
    user.email_confirmed_at = now
    user.password_changed_at = now
    user.claim = None
    db.session.commit()
    return user


def resend_confirmation(email: str) -> None:
    """Queue a fresh confirmation link for the address; the task decides whether to send.

    Looking the address up here would answer known addresses more slowly than unknown ones.
    """
    send_confirmation_link(normalise_email(email))


@task()
def send_confirmation_link(email: str) -> None:
    """Email a fresh confirmation link if the address has an unconfirmed account."""
    user = find_user_by_email(email)
    # A contact has no account to confirm: they are answered like an unknown address.
    if user is not None and not user.is_contact and not user.is_email_confirmed:
        _send_confirmation(user)


def confirm_email(token: str) -> User:
    """Mark the address in the token as confirmed; each link works once.

    :raises InvalidTokenError:
    """
    max_age = int(current_app.config["AUTH_CONFIRM_MAX_AGE_HOURS"]) * 3600
    user = tokens.user_for_token(token, tokens.CONFIRM_EMAIL, max_age)
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def update_profile(user: User, profile: Profile) -> User:
    """Save the resident's own details."""
    for field in dataclasses.fields(profile):
        setattr(user, field.name, getattr(profile, field.name))
    db.session.commit()
    return user


def change_password(
    user: User, current: str, new: str, keep_session: UserSession | None
) -> SessionTokens | None:
    """Change the password after checking the current one; end every other sign-in.

    The kept session gets new tokens, returned for its cookies: a copy of the old ones,
    remember cookie included, stops working.

    :raises AccountLockedError:
    :raises WrongPasswordError:
    :raises WeakPasswordError:
    """
    lockout.check_current_password(user, current)
    check_password(new, user.first_name, user.last_name, (user.email or "").split("@")[0])
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = utcnow()
    end_user_sessions(user, "password changed", except_session=keep_session)
    issued = issue_tokens(keep_session) if keep_session is not None else None
    db.session.commit()
    send_mail(user.email, "auth/password_changed", user=user)
    return issued


def change_email(
    user: User, current_password: str, new_email: str, keep_session: UserSession | None
) -> SessionTokens | None:
    """Move the account to a new address, which must then be confirmed; tell the old one.

    The current session gets new tokens, returned for its cookies.

    :raises AccountLockedError:
    :raises WrongPasswordError:
    :raises EmailTakenError:
    """
    lockout.check_current_password(user, current_password)
    new_email = normalise_email(new_email)
    if find_user_by_email(new_email) is not None:
        raise EmailTakenError("That address cannot be used. Choose another.")
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = None
    issued = issue_tokens(keep_session) if keep_session is not None else None
    db.session.commit()
    send_mail(old_email, "auth/email_changed", user=user, old_email=old_email)
    _send_confirmation(user)
    return issued


def request_password_reset(email: str, template: str = "auth/reset_password") -> None:
    """Queue a link to choose a password for the address; the task decides whether to send.

    Says nothing either way, and takes as long either way: looking the address up here
    would answer known addresses more slowly. Staff invitations use another message.
    """
    send_reset_link(normalise_email(email), template)


@task()
def send_reset_link(email: str, template: str) -> None:
    """Email a link to choose a password if the address has an active account.

    A contact has no account, so gets nothing, like an unknown address: their way in is to
    register, which a reset link would otherwise bypass.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active or user.is_contact:
        return
    token = tokens.make_token(user, tokens.RESET_PASSWORD)
    send_mail(user.email, template, user=user, token=token)


def user_for_reset_token(token: str) -> User:
    """Return the account a reset link is for, if the link is still good.

    :raises InvalidTokenError:
    """
    max_age = int(current_app.config["AUTH_RESET_MAX_AGE_MINUTES"]) * 60
    user = tokens.user_for_token(token, tokens.RESET_PASSWORD, max_age)
    if not user.is_active or user.is_contact:
        raise InvalidTokenError(tokens.USED_OR_EXPIRED)
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password from a reset link, end every sign-in and lift any lockout.

    :raises InvalidTokenError:
    :raises WeakPasswordError:
    """
    user = user_for_reset_token(token)
    check_password(new, user.first_name, user.last_name, (user.email or "").split("@")[0])
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = utcnow()
    lockout.unlock(user)
    end_user_sessions(user, "password reset")
    db.session.commit()
    send_mail(user.email, "auth/password_changed", user=user)
    return user


def end_user_sessions(user: User, reason: str, except_session: UserSession | None = None) -> int:
    """End the user's live sessions, but one if given; flushes only, the caller commits."""
    query = sa.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if except_session is not None:
        query = query.where(UserSession.id != except_session.id)
    result = db.session.execute(query.values(ended_at=utcnow(), ended_reason=reason))
    return int(result.rowcount)  # type: ignore[attr-defined]


def ensure_department(name: str) -> Department:
    """Return the department with this name, creating it if needed; flushes only."""
    slug = "-".join(name.lower().split())[:40]
    department = db.session.scalar(sa.select(Department).where(Department.slug == slug))
    if department is None:
        department = Department(slug=slug, name=name.strip())
        db.session.add(department)
        db.session.flush()
    return department
