"""The personal-data registry: registration, order and collection."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from jasperrec import personal_data
from jasperrec.personal_data import Kind


class FakeProvider:
    def __init__(self, name: str, *keys: str) -> None:
        self.name = name
        self.tables = frozenset({f"{name}_table"})
        self.keys = keys

    def export(self, user: Any) -> list[Kind]:
        return [Kind(key, key.title(), "why", "how long", "law") for key in self.keys]


def test_collect_returns_every_providers_kinds_in_registration_order() -> None:
    app = Flask(__name__)
    personal_data.register(app, FakeProvider("first", "a", "b"))
    personal_data.register(app, FakeProvider("second", "c"))
    with app.app_context():
        kinds = personal_data.collect(None)  # type: ignore[arg-type]
    assert [kind.key for kind in kinds] == ["a", "b", "c"]
    assert [p.name for p in personal_data.providers(app)] == ["first", "second"]


def test_registering_a_second_provider_under_one_name_is_refused() -> None:
    app = Flask(__name__)
    personal_data.register(app, FakeProvider("store"))
    with pytest.raises(ValueError, match="already registered"):
        personal_data.register(app, FakeProvider("store"))


def test_an_app_without_providers_collects_nothing() -> None:
    app = Flask(__name__)
    with app.app_context():
        assert personal_data.providers() == []
        assert personal_data.collect(None) == []  # type: ignore[arg-type]


def test_the_portal_registers_each_features_provider_once(app: Flask) -> None:
    names = [provider.name for provider in personal_data.providers(app)]
    assert "auth" in names
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (dt.date(2020, 2, 29), "2020-02-29"),
        (
            dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone(dt.timedelta(hours=-7))),
            "2026-01-02T10:04:00+00:00",
        ),
    ],
)
def test_iso_writes_times_in_utc_and_dates_plainly(value: Any, expected: str | None) -> None:
    assert personal_data.iso(value) == expected
