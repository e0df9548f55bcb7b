"""The demo's web server: Werkzeug, with a request log that keeps no tokens or addresses."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask import has_request_context
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import run_simple

from .networks import masked_address

# Sent instead of "Werkzeug/3.1.9 Python/3.11.7": version banners only help an attacker.
SERVER_HEADER = "JasperRec"
NO_ROUTE = "(no route)"

__all__ = ["DemoRequestHandler", "RouteOnlyFilter", "masked_address", "serve"]


class DemoRequestHandler(WSGIRequestHandler):
    """Log each request by its route rule and the client's network, and name no versions.

    A URL can carry a confirmation or reset token, and a whole address identifies a person,
    so neither reaches the console.
    """

    def version_string(self) -> str:
        """Name the server without its version or Python's."""
        return SERVER_HEADER

    def log(self, type: str, message: str, *args: Any) -> None:
        """Log as Werkzeug does, but with the client's network rather than its address."""
        # address_string() also fills REMOTE_ADDR, which the portal needs whole (rate limits).
        network = masked_address(self.address_string())
        self.server.log(type, f"{network} [{self.log_date_time_string()}] {message}", *args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log the method, the route rule that matched (never the URL) and the status."""
        method = getattr(self, "command", None) or "-"
        self.log("info", "%s %s %s", method, self._route(), code)

    def log_error(self, format: str, *args: Any) -> None:
        """Note a refused request without http.server's quote of its raw request line."""
        self.log("error", "could not read a request")

    def _route(self) -> str:
        return route_rule(self.server.app, getattr(self, "environ", None))


def route_rule(app: object, environ: dict[str, Any] | None) -> str:
    """Name the app's route rule that matches a request, never its URL."""
    if environ is None or not isinstance(app, Flask):
        return NO_ROUTE
    try:
        rule, _ = app.url_map.bind_to_environ(environ).match(return_rule=True)
    except HTTPException:
        return NO_ROUTE
    return str(rule.rule)


class RouteOnlyFilter(logging.Filter):
    """Name the route, not the URL, in Flask's "Exception on <path>" line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the line when it carries the request's path; let the rest through."""
        if not has_request_context():
            return True
        if record.msg == f"Exception on {request.path} [{request.method}]":
            rule = request.url_rule.rule if request.url_rule else NO_ROUTE
            record.msg = f"Exception on {rule} [{request.method}]"
        return True


def serve(app: Flask, host: str, port: int) -> None:
    """Serve the demo with one thread per request until Ctrl-C, logging no URLs."""
    app.logger.addFilter(RouteOnlyFilter())
    run_simple(host, port, app, threaded=True, request_handler=DemoRequestHandler)
