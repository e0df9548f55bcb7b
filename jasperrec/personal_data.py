"""The personal-data registry: each feature's provider of what it holds about a resident."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING
from typing import Protocol

from flask import Flask
from flask import current_app

if TYPE_CHECKING:
    from jasperrec.auth.models import User

EXTENSION_KEY = "personal_data"

Value = str | int | bool | None
Row = dict[str, Value]


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of personal data, as the resident's page and the download show it."""

    key: str
    title: str
    purpose: str
    retention: str
    authority: str
    sensitive: bool = False
    rows: tuple[Row, ...] = ()


class Provider(Protocol):
    """A feature's part in the resident's personal data; later also correct, close, retain."""

    name: str
    tables: frozenset[str]

    def export(self, user: User) -> list[Kind]:
        """Return every kind this feature holds about the person; reads only, never commits."""
        ...  # pragma: no cover


def register(app: Flask, provider: Provider) -> None:
    """Add a feature's provider to the app's registry, once per name."""
    registry: list[Provider] = app.extensions.setdefault(EXTENSION_KEY, [])
    if any(known.name == provider.name for known in registry):
        raise ValueError(f"a personal-data provider named {provider.name!r} is already registered")
    registry.append(provider)


def providers(app: Flask | None = None) -> list[Provider]:
    """Return the registered providers in registration order."""
    app = app or current_app
    return list(app.extensions.get(EXTENSION_KEY, []))


def collect(user: User) -> list[Kind]:
    """Return every provider's kinds about this person, in registration order."""
    return [kind for provider in providers() for kind in provider.export(user)]


def iso(moment: dt.datetime | dt.date | None) -> str | None:
    """Write a datetime as ISO 8601 in UTC (a date as a plain date) for a row value."""
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).isoformat()
    return moment.isoformat()
