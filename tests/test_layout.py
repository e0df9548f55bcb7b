"""The resident layout: a menu button that needs no JavaScript, and the favicon."""

from __future__ import annotations

import re

from jasperrec.store import service
from tests import factories


def _between(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end)]


def test_the_navigation_sits_behind_a_native_disclosure_button(client):
    page = client.get("/").get_data(as_text=True)
    header = _between(page, '<header class="site-header">', "</header>")
    # <details>/<summary> open and close in the browser itself, and announce their state.
    assert re.search(r'<details class="site-menu">\s*<summary class="menu-button">', header)
    summary = _between(header, "<summary", "</summary>")
    assert re.sub(r"<[^>]+>", "", summary).strip() == "Menu"
    assert 'aria-hidden="true"' in summary  # the icon is decoration; the word is the name
    menu = _between(header, "<details", "</details>")
    assert '<nav class="site-nav" aria-label="Main">' in menu
    assert "Sign in" in menu
    assert "<script" not in page


def test_the_menu_button_says_how_much_is_in_the_cart(client, user, log_in):
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 3)
    log_in(user)
    page = client.get("/").get_data(as_text=True)
    summary = re.sub(r"<[^>]+>", "", _between(page, "<summary", "</summary>"))
    assert " ".join(summary.split()) == "Menu 3 items in your cart"


def test_every_resident_page_links_the_favicon(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


def test_the_favicon_is_served_as_svg(client):
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<svg")
    response.close()
