"""The money filter: integer cents as residents read dollars."""

from __future__ import annotations

import pytest
from flask import Flask
from flask import render_template_string

from jasperrec.store.money import money


@pytest.mark.parametrize(
    ("cents", "shown"),
    [
        (0, "$0.00"),
        (5, "$0.05"),
        (1_234, "$12.34"),
        (6_825, "$68.25"),
        (123_456_789, "$1,234,567.89"),
        (-250, "-$2.50"),
    ],
)
def test_money_shows_dollars_and_cents(cents: int, shown: str) -> None:
    assert money(cents) == shown


def test_templates_have_the_money_filter(app: Flask) -> None:
    with app.test_request_context():
        assert render_template_string("{{ 6825|money }}") == "$68.25"
