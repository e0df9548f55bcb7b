"""Sections a feature adds to the home page, so the site's shell never imports a feature."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask import current_app

EXTENSION_KEY = "jasperrec.home_sections"


@dataclasses.dataclass(frozen=True)
class HomeSection:
    """A template to include on the home page, and what it needs, loaded per page view."""

    template: str
    load: Callable[[], dict[str, Any]]


def register_home_section(app: Flask, section: HomeSection) -> None:
    """Add a feature's section to the home page, in the order features register."""
    app.extensions.setdefault(EXTENSION_KEY, []).append(section)


def loaded_sections() -> list[tuple[str, dict[str, Any]]]:
    """Each registered section's template with its freshly loaded context."""
    sections: list[HomeSection] = current_app.extensions.get(EXTENSION_KEY, [])
    return [(section.template, section.load()) for section in sections]
