"""Gunicorn settings for production: an access log of networks and routes, never addresses.

Serve with ``gunicorn -c python:jasperrec.gunicorn_conf wsgi:app``. Each request is logged
as the client's network (IPv4 /24, IPv6 /48, or coarser as the PRIVACY_TRAFFIC_*_PREFIX
settings say), the time, the method, the route rule that matched (``/auth/reset/<token>``,
never the URL or the query string), the status, the response size and the duration. Any
other atom an operator adds to the format (the referrer, the User-Agent, a request header,
an environ variable) is written as ``-``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gunicorn.glogging import Logger

from .demo_server import route_rule
from .networks import IPV4_PREFIX
from .networks import IPV6_PREFIX
from .networks import masked_address

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms'
logger_class = "jasperrec.gunicorn_conf.NetworkOnlyLogger"
# Atoms gunicorn computes that carry neither an address, a URL nor a person.
SAFE_ATOMS = frozenset({"t", "s", "m", "H", "b", "B", "T", "D", "M", "L", "p"})


class NetworkOnlyLogger(Logger):  # type: ignore[misc]
    """Gunicorn's logger, with the client's network for its address and routes for URLs."""

    app: object = None

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: dt.timedelta
    ) -> dict[str, Any]:
        """Keep the safe atoms, mask the address and replace every URL with the route rule."""
        full = super().atoms(resp, req, environ, request_time)
        atoms = {key: value for key, value in full.items() if key in SAFE_ATOMS}
        rule = route_rule(self.app, environ)
        # The access log's own prefixes, so a coarser setting applies here too.
        config = getattr(self.app, "config", {})
        atoms["h"] = masked_address(
            str(environ.get("REMOTE_ADDR", "")),
            int(config.get("PRIVACY_TRAFFIC_IPV4_PREFIX", IPV4_PREFIX)),
            int(config.get("PRIVACY_TRAFFIC_IPV6_PREFIX", IPV6_PREFIX)),
        )
        atoms["U"] = rule
        atoms["r"] = f"{full['m']} {rule} {full['H']}"
        return atoms


def post_worker_init(worker: Any) -> None:
    """Hand the loaded portal to the worker's logger, which matches requests to its routes."""
    worker.log.app = worker.wsgi
