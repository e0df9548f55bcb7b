"""The helpdesk's routing settings: the default department, and no topics list any more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from jasperrec.config import DEFAULTS
from jasperrec.config import ConfigError


def test_topics_are_no_longer_configuration() -> None:
    assert "HELPDESK_TOPICS" not in DEFAULTS
    assert DEFAULTS["HELPDESK_DEFAULT_DEPARTMENT"] == "Customer Service"


@pytest.mark.parametrize("name", ["", "   ", None, 3, "x" * 101])
def test_a_default_department_that_names_nothing_stops_start_up(
    other_app: Callable[..., Flask], name: Any
) -> None:
    with pytest.raises(ConfigError) as raised:
        other_app(HELPDESK_DEFAULT_DEPARTMENT=name)

    assert "JASPERREC_HELPDESK_DEFAULT_DEPARTMENT must name a department" in str(raised.value)


def test_the_default_department_can_come_from_the_environment(
    other_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JASPERREC_HELPDESK_DEFAULT_DEPARTMENT", "Front Desk")

    assert other_app().config["HELPDESK_DEFAULT_DEPARTMENT"] == "Front Desk"
