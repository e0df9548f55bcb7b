"""How long a resident with five years of history waits for their personal-data download.

Seeds one resident with 1,000 orders (a registration on each program line) and 500 helpdesk
requests with their conversations, then, several times, asks for a download through the
real pages (the queue runs inline, as `immediate`) and fetches the ZIP by the emailed link.
A run's time is the request (collect every provider's kinds, build and store the ZIP, send
the mail) plus the download. Run as `python bench/export.py`; SQLite in a temporary
instance by default, or a scratch database beside JASPERREC_DATABASE_URL when it names
PostgreSQL. The last line is JSON with seconds (the median run), build_seconds,
fetch_seconds, zip_bytes and rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from jasperrec import create_app  # noqa: E402
from jasperrec.auth.models import Department  # noqa: E402
from jasperrec.auth.models import HouseholdMember  # noqa: E402
from jasperrec.auth.models import Relation  # noqa: E402
from jasperrec.auth.models import User  # noqa: E402
from jasperrec.auth.passwords import hash_password  # noqa: E402
from jasperrec.db import utcnow  # noqa: E402
from jasperrec.extensions import db  # noqa: E402
from jasperrec.helpdesk.models import Channel  # noqa: E402
from jasperrec.helpdesk.models import RequestStatus  # noqa: E402
from jasperrec.helpdesk.models import ServiceRequest  # noqa: E402
from jasperrec.helpdesk.models import ServiceRequestMessage  # noqa: E402
from jasperrec.mail import EXTENSION_KEY  # noqa: E402
from jasperrec.personal_data import providers  # noqa: E402
from jasperrec.store.models import Order  # noqa: E402
from jasperrec.store.models import OrderLine  # noqa: E402
from jasperrec.store.models import OrderStatus  # noqa: E402
from jasperrec.store.models import Product  # noqa: E402
from jasperrec.store.models import ProductKind  # noqa: E402
from jasperrec.store.models import Program  # noqa: E402
from jasperrec.store.models import ProgramCategory  # noqa: E402
from jasperrec.store.models import Registration  # noqa: E402
from jasperrec.store.models import RegistrationStatus  # noqa: E402

ORDERS = 1_000
REQUESTS = 500
MESSAGES_PER_REQUEST = 6
RUNS = 5
EMAIL = "five-years@example.ca"
PASSWORD = "bench password lantern orchard"
LINK = re.compile(r"/privacy/download/([A-Za-z0-9_-]+)")
YEARS = dt.timedelta(days=5 * 365)


def scratch_postgres(url: str) -> str:
    """Make a database of this run's own beside the given one."""
    base = sa.make_url(url)
    scratch = base.set(database=f"{base.database}_bench_export_{os.getpid()}")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch.database}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{scratch.database}"')
    admin.dispose()
    return scratch.render_as_string(hide_password=False)


def drop_postgres(url: str) -> None:
    """Drop the scratch database."""
    scratch = sa.make_url(url)
    admin = sa.create_engine(scratch.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)')
    admin.dispose()


def seed() -> int:
    """Create the resident and five years of orders and requests; return the row count."""
    now = utcnow()
    staff = User(email="agent@example.ca", first_name="Agent", last_name="Smith")
    staff.password_hash = hash_password("unused agent password")
    user = User(
        email=EMAIL,
        first_name="Ada",
        last_name="Lovelace",
        password_hash=hash_password(PASSWORD),
        email_confirmed_at=now,
    )
    child = HouseholdMember(
        user=user,
        first_name="Byron",
        last_name="Lovelace",
        date_of_birth=dt.date(2016, 5, 1),
        relation=Relation.CHILD,
    )
    department = Department(slug="customer-service", name="Customer Service")
    program = Program(
        slug="swim-1",
        name="Swim Level 1",
        category=ProgramCategory.AQUATICS,
        summary="Front crawl.",
        description="Eight lessons.",
        facility="Jasper Aquatic Centre",
        starts_on=now.date(),
        ends_on=now.date(),
        weekdays="24",
        start_time=dt.time(17, 30),
        end_time=dt.time(18, 15),
        price_cents=8_400,
        capacity=10_000,
    )
    product = Product(
        slug="pass-30",
        name="Adult 30-day pass",
        kind=ProductKind.PASS,
        summary="Thirty days.",
        description="Valid from purchase.",
        price_cents=6_500,
        valid_days=30,
    )
    db.session.add_all([staff, user, child, department, program, product])
    db.session.flush()
    rows = _seed_orders(user, child, program, product, now)
    rows += _seed_requests(user, staff, department, now)
    db.session.commit()
    return rows


def _seed_orders(user: User, child: Any, program: Any, product: Any, now: dt.datetime) -> int:
    """Add paid orders spread over five years, each a pass and a program registration."""
    for n in range(ORDERS):
        placed = now - YEARS + YEARS * n / ORDERS
        order = Order(
            user_id=user.id,
            status=OrderStatus.PAID,
            currency="CAD",
            subtotal_cents=14_900,
            gst_cents=325,
            total_cents=15_225,
            created_at=placed,
            expires_at=placed + dt.timedelta(minutes=30),
            paid_at=placed + dt.timedelta(minutes=2),
            payment_intent_id=f"pi_bench_{n:05d}",
        )
        pass_line = OrderLine(
            product_id=product.id,
            description="Adult 30-day pass",
            quantity=1,
            unit_price_cents=6_500,
            gst_cents=325,
        )
        swim_line = OrderLine(
            program_id=program.id,
            description="Swim Level 1",
            participant_name="Byron Lovelace",
            quantity=1,
            unit_price_cents=8_400,
            gst_cents=0,
        )
        order.lines = [pass_line, swim_line]
        db.session.add(order)
        db.session.add(
            Registration(
                program_id=program.id,
                user_id=user.id,
                household_member_id=child.id,
                order_line=swim_line,
                status=RegistrationStatus.CONFIRMED,
                created_at=placed,
            )
        )
    db.session.flush()
    return ORDERS * 4


def _seed_requests(user: User, staff: User, department: Any, now: dt.datetime) -> int:
    """Add closed helpdesk requests over five years, each with a back-and-forth conversation."""
    for n in range(REQUESTS):
        opened = now - YEARS + YEARS * n / REQUESTS
        request = ServiceRequest(
            customer_id=user.id,
            department_id=department.id,
            channel=Channel.WEB,
            subject=f"Question {n} about swim lessons",
            description="When does the next session start?",
            status=RequestStatus.CLOSED,
            created_at=opened,
            closed_at=opened + dt.timedelta(days=2),
        )
        request.messages = [
            ServiceRequestMessage(
                author_id=staff.id if m % 2 else user.id,
                body=f"Message {m} on request {n}: " + "a few sentences of conversation. " * 6,
                is_from_staff=bool(m % 2),
                created_at=opened + dt.timedelta(hours=m),
            )
            for m in range(MESSAGES_PER_REQUEST)
        ]
        db.session.add(request)
    db.session.flush()
    return REQUESTS * (1 + MESSAGES_PER_REQUEST)


def one_run(app: Any, client: Any) -> dict[str, float]:
    """Ask for a download and fetch it; return the two phases' seconds and the ZIP's size."""
    outbox = app.extensions[EXTENSION_KEY].outbox
    started = time.perf_counter()
    asked = client.post("/privacy/download")
    built = time.perf_counter()
    token = LINK.search(outbox[-1].get_body(("plain",)).get_content()).group(1)  # type: ignore[union-attr]
    download = client.get(f"/privacy/download/{token}")
    fetched = time.perf_counter()
    if asked.status_code != 302 or download.status_code != 200:
        raise SystemExit(f"download failed: {asked.status_code} then {download.status_code}")
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = archive.namelist()
    return {
        "seconds": fetched - started,
        "build_seconds": built - started,
        "fetch_seconds": fetched - built,
        "zip_bytes": float(len(download.data)),
        "files": float(len(names)),
    }


def main() -> None:
    """Seed, run, and print the table, then the JSON line."""
    argparse.ArgumentParser(description=__doc__).parse_args()
    url = os.environ.get("JASPERREC_DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        database = (
            scratch_postgres(url) if url.startswith("postgresql") else f"sqlite:///{tmp}/bench.db"
        )
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "SECRET_KEY": "bench-secret-key",
                "DATABASE_URL": database,
                "TASKS_BACKEND": "immediate",
                "MAIL_BACKEND": "memory",
                "RATELIMIT_ENABLED": False,
                # The request log would flush at exit, into a database already removed.
                "PRIVACY_TRAFFIC_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        try:
            with app.app_context():
                upgrade()
                rows = seed()
                db.session.remove()
            client = app.test_client()
            client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
            results = [one_run(app, client) for _ in range(RUNS)]
            kinds = ", ".join(p.name for p in providers(app))
        finally:
            with app.app_context():
                db.engine.dispose()
            if database.startswith("postgresql"):
                drop_postgres(database)
    engine = "PostgreSQL" if database.startswith("postgresql") else "SQLite"
    print(f"One resident on {engine}: {ORDERS} paid orders (a pass and a registration each),")
    print(f"{REQUESTS} helpdesk requests of {MESSAGES_PER_REQUEST} messages; {rows} rows seeded.")
    print(f"Providers in the download: {kinds}. Queue inline; {RUNS} runs.")
    print(f"{'run':>6} {'total s':>9} {'build s':>9} {'fetch s':>9} {'ZIP KiB':>9} {'files':>6}")
    for n, row in enumerate(results, 1):
        print(
            f"{n:>6} {row['seconds']:>9.3f} {row['build_seconds']:>9.3f} "
            f"{row['fetch_seconds']:>9.3f} {row['zip_bytes'] / 1024:>9.1f} {int(row['files']):>6}"
        )
    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(
        f"{'median':>6} {median['seconds']:>9.3f} {median['build_seconds']:>9.3f} "
        f"{median['fetch_seconds']:>9.3f} {median['zip_bytes'] / 1024:>9.1f} "
        f"{int(median['files']):>6}"
    )
    print(
        json.dumps(
            {
                "seconds": round(median["seconds"], 3),
                "build_seconds": round(median["build_seconds"], 3),
                "fetch_seconds": round(median["fetch_seconds"], 3),
                "zip_bytes": int(median["zip_bytes"]),
                "rows": rows,
                "engine": engine,
                "providers": kinds,
            }
        )
    )


if __name__ == "__main__":
    main()
