"""Catalogue, cart and checkout pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("store", __name__, url_prefix="/store")
