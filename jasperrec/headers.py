"""Security headers, proxy trust and the cache rule for pages with personal information."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import TypeVar

from flask import Flask
from flask import Response
from flask import request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Chrome applies form-action to the redirect after a POST, so checking out with Stripe
# (our POST answered by a redirect to Stripe Checkout) needs Stripe's origin allowed.
STRIPE_CHECKOUT_POLICY = CONTENT_SECURITY_POLICY.replace(
    "form-action 'self'", "form-action 'self' https://checkout.stripe.com"
)

F = TypeVar("F", bound=Callable[..., Any])


def no_store(view: F) -> F:
    """Keep a page out of every cache, signed in or not: it carries a token or a sign-in step."""
    view.no_store = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    """Trust the configured proxies and add the headers to every response."""
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    production = app.config["ENV"] == "production"

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            STRIPE_CHECKOUT_POLICY
            if app.config.get("STORE_PAYMENT_BACKEND") == "stripe"
            else CONTENT_SECURITY_POLICY
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user and current_user.is_authenticated:
            # Signed-in pages carry personal information: no shared or back-button caches.
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        elif getattr(app.view_functions.get(request.endpoint or ""), "no_store", False):
            response.headers["Cache-Control"] = "no-store"
        return response
