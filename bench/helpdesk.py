"""How fast staff read the helpdesk queues and a request page with 100,000 requests on file.

Fills 20,000 customers, eight departments with their categories and agents, and 100,000
requests (most closed, some thousands open) with their conversations and history; one
customer has 50 earlier requests. Then, signed in as an agent through both sign-in steps,
it times through the Flask test client the queue page (default filters, one department, a
text search, a search of every status, the last page) and the request page of that
customer, and counts the SQL statements each page sends. Run as `python bench/helpdesk.py`;
SQLite in a temporary instance and PostgreSQL in a scratch database beside
JASPERREC_DATABASE_URL (default: the local test server). The last line is JSON with
queue_p95_ms (the slowest queue scenario) and request_p95_ms, PostgreSQL's figures when it
ran, and every figure per engine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyotp
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from jasperrec import create_app  # noqa: E402
from jasperrec.auth.models import Department  # noqa: E402
from jasperrec.auth.models import Role  # noqa: E402
from jasperrec.auth.models import StaffRole  # noqa: E402
from jasperrec.auth.models import User  # noqa: E402
from jasperrec.auth.models import department_members  # noqa: E402
from jasperrec.auth.passwords import hash_password  # noqa: E402
from jasperrec.db import utcnow  # noqa: E402
from jasperrec.extensions import db  # noqa: E402
from jasperrec.helpdesk.categories.models import Category  # noqa: E402
from jasperrec.helpdesk.models import Channel  # noqa: E402
from jasperrec.helpdesk.models import EventKind  # noqa: E402
from jasperrec.helpdesk.models import RequestReferenceCounter  # noqa: E402
from jasperrec.helpdesk.models import RequestStatus as S  # noqa: E402
from jasperrec.helpdesk.models import Resolution  # noqa: E402
from jasperrec.helpdesk.models import ServiceRequest  # noqa: E402
from jasperrec.helpdesk.models import ServiceRequestEvent  # noqa: E402
from jasperrec.helpdesk.models import ServiceRequestMessage  # noqa: E402
from jasperrec.helpdesk.models import ServiceRequestNote  # noqa: E402
from jasperrec.staff.queues import PAGE_SIZE  # noqa: E402
from jasperrec.staff.queues import count_queue  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "bench password lantern orchard"
AGENT_EMAIL = "agent@jasper.example"
# How much to fill; --scale shrinks every count alike for a quick trial. Every request still
# open is among the recent ones, with some already closed; only requests since the workflow
# began have a history of events.
SIZE = {"customers": 20_000, "requests": 100_000, "recent": 10_000, "with_events": 20_000}
NOT_CLOSED = {S.NEW: 1_500, S.ASSIGNED: 2_000, S.IN_PROGRESS: 1_500, S.WAITING: 1_000}
NOT_CLOSED[S.RESOLVED] = 2_000
# The statuses a request went through to reach its own.
PATHS = {
    S.NEW: [],
    S.ASSIGNED: [S.NEW, S.ASSIGNED],
    S.IN_PROGRESS: [S.NEW, S.ASSIGNED, S.IN_PROGRESS],
    S.WAITING: [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING],
    S.RESOLVED: [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED],
    S.CLOSED: [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED],
}
TARGET_PATH = [*PATHS[S.WAITING], S.IN_PROGRESS, S.WAITING, S.IN_PROGRESS, S.WAITING, S.IN_PROGRESS]
EARLIER = 50
SAMPLES = 30
WARMUP = 3
SEARCH = "sprinkler"
# Department slug and name, and its share of the requests in percent.
DEPARTMENTS = [
    ("customer-service", "Customer Service", 30),
    ("facilities", "Facilities", 15),
    ("parks", "Parks and Trails", 15),
    ("roads", "Roads and Sidewalks", 12),
    ("aquatics", "Aquatic Centre", 8),
    ("bylaw", "Bylaw Services", 8),
    ("arenas", "Arenas", 6),
    ("waste", "Waste and Recycling", 6),
]
AGENT_DEPARTMENTS = ("customer-service", "parks")
STAFF_PER_DEPARTMENT = 6
CHANNELS = {Channel.WEB: 50, Channel.EMAIL: 25, Channel.PHONE: 15, Channel.APP: 10}
FIRST = "Ada Ben Chloe Dev Elena Farid Grace Hiro Isla Jonas Kiran Lena Mateo Nora Omar Priya"
LAST = "Bell Chen Dubois Evans Fraser Gill Hughes Ito Jones Khan Lopez Martin Nguyen Olsen Park"
TOPICS = "Pothole, Streetlight out, Graffiti, Broken bench, Missed pickup, Noise complaint, "
TOPICS += "Swim lesson refund, Locker jammed, Trail washout, Fallen tree, Ice time booking"
PLACES = "Connaught Drive, Patricia Street, Pyramid Lake Road, the aquatic centre, Cabin Creek"
SENTENCES = [
    "It has been like this for about a week and nobody seems to have noticed.",
    "My neighbours mentioned it too, so I thought I should finally write in.",
    "Could someone have a look when there is time? Thanks for all you do.",
    "The problem is worse in the evening, when more people are around.",
    "I called last month about something similar and it was fixed quickly.",
    "Please let me know if you need photos or a more exact location.",
]
TABLE_IDS = ["users", "service_requests", "service_request_messages", "service_request_events"]
QUEUE_COUNT = re.compile(r'id="queue-count">(\d+) request')


def scratch_postgres(url: str) -> str:
    """Make a database of this run's own beside the given one."""
    base = sa.make_url(url)
    scratch = base.set(database=f"{base.database}_bench_helpdesk_{os.getpid()}")
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


def insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows in batches with one Core executemany each, never one ORM object a row."""
    table = model if isinstance(model, sa.Table) else model.__table__
    for start in range(0, len(rows), 10_000):
        db.session.execute(sa.insert(table), rows[start : start + 10_000])


def weighted(rng: random.Random, weights: dict[Any, int], k: int) -> list[Any]:
    """Draw k values by their weights."""
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def seed_people(rng: random.Random) -> dict[str, Any]:
    """Add the signed-in agent, the departments, their categories and staff, and customers."""
    now = utcnow()
    departments = [Department(slug=s, name=n) for s, n, _ in DEPARTMENTS]
    agent = User(
        email=AGENT_EMAIL,
        first_name="Avery",
        last_name="Agent",
        password_hash=hash_password(PASSWORD),
        email_confirmed_at=now,
        is_staff=True,
        totp_secret=pyotp.random_base32(),
        mfa_enabled_at=now,
        roles=[StaffRole(role=Role.HELPDESK_AGENT)],
        departments=[d for d in departments if d.slug in AGENT_DEPARTMENTS],
    )
    db.session.add_all([agent, *departments])
    db.session.flush()
    categories = [
        {"slug": f"{d.slug}-{n}", "name": f"{d.name} {what}", "department_id": d.id}
        for d in departments
        for n, what in enumerate(["question", "repair", "complaint"])
    ]
    insert(Category, categories)
    first, last = FIRST.split(), LAST.split()
    next_id = agent.id + 1
    staff = {d.id: [agent.id] if d.slug in AGENT_DEPARTMENTS else [] for d in departments}
    users, members = [], []
    for d in departments:
        for n in range(STAFF_PER_DEPARTMENT):
            users.append(_user(next_id, f"{d.slug}{n}@jasper.example", "Staff", d.name, now))
            users[-1]["is_staff"] = True
            members.append({"department_id": d.id, "user_id": next_id})
            staff[d.id].append(next_id)
            next_id += 1
    customers = list(range(next_id, next_id + SIZE["customers"]))
    for n, cid in enumerate(customers):
        given, family = first[n % len(first)], last[n // len(first) % len(last)]
        users.append(_user(cid, f"{given}.{family}.{n}@example.ca".lower(), given, family, now))
    insert(User, users)
    insert(department_members, members)
    ids = {row[0]: row[1] for row in db.session.execute(sa.select(Category.slug, Category.id))}
    return {
        "agent": agent,
        "departments": departments,
        "weights": {d.id: share for d, (_, _, share) in zip(departments, DEPARTMENTS, strict=True)},
        "categories": {d.id: [ids[f"{d.slug}-{n}"] for n in range(3)] for d in departments},
        "staff": staff,
        "customers": customers,
    }


def _user(uid: int, email: str, first: str, last: str, now: dt.datetime) -> dict[str, Any]:
    # Residents never sign in here: a placeholder hash keeps the fill from hashing 20,000 times.
    return {
        "id": uid,
        "email": email,
        "password_hash": "bench-placeholder",
        "first_name": first,
        "last_name": last,
        "email_confirmed_at": now,
        "is_staff": False,
        "created_at": now - dt.timedelta(days=1200),
    }


def seed_requests(rng: random.Random, people: dict[str, Any]) -> dict[str, Any]:
    """Add the requests, oldest first, with their conversations, history and references."""
    now = utcnow()
    recent_from = now - dt.timedelta(days=60)
    start = now - dt.timedelta(days=3 * 365)
    total, recent_count = SIZE["requests"], SIZE["recent"]
    older = sorted(
        start + (recent_from - start) * rng.random() for _ in range(total - recent_count)
    )
    recent = sorted(recent_from + (now - recent_from) * rng.random() for _ in range(recent_count))
    statuses = [s for s, count in NOT_CLOSED.items() for _ in range(count)]
    statuses += [S.CLOSED] * (recent_count - len(statuses))
    rng.shuffle(statuses)
    statuses = [S.CLOSED] * (total - recent_count) + statuses
    requests = [
        request_row(rng, n + 1, created, status, people)
        for n, (created, status) in enumerate(zip(older + recent, statuses, strict=True))
    ]
    target = _long_history(rng, requests, people)
    counters = _number(requests)
    insert(ServiceRequest, requests)
    insert(RequestReferenceCounter, [{"year": y, "last_number": n} for y, n in counters.items()])
    messages = _messages(rng, requests, people, target)
    events = _events(requests, target)
    notes = [
        {"request_id": target["id"], "author_id": people["agent"].id, "body": f"Note {n}.",
         "created_at": target["created_at"] + dt.timedelta(hours=n)}
        for n in range(4)
    ]  # fmt: skip
    insert(ServiceRequestMessage, messages)
    insert(ServiceRequestEvent, events)
    insert(ServiceRequestNote, notes)
    return {
        "target": target["id"],
        "rows": len(requests) + len(messages) + len(events) + len(notes),
        "not_closed": total - statuses.count(S.CLOSED),
        "messages": len(messages),
        "events": len(events),
        "matching": sum(SEARCH in r["description"] for r in requests),
    }


def request_row(
    rng: random.Random, n: int, created: dt.datetime, status: S, people: dict[str, Any]
) -> dict[str, Any]:
    """One request: routed, worked and answered as far as its status says."""
    department = weighted(rng, people["weights"], 1)[0]
    words = rng.sample(SENTENCES, 3)
    if rng.random() < 0.005:
        words.insert(1, f"The {SEARCH} by the path is broken and runs all night.")
    due = created + dt.timedelta(days=3)
    worked = status not in (S.NEW, S.ASSIGNED)
    done = status in (S.RESOLVED, S.CLOSED)
    resolved = created + dt.timedelta(days=rng.randint(1, 10)) if done else None
    return {
        "id": n,
        "reference": "",
        "customer_id": rng.choice(people["customers"][1:]),
        "department_id": department,
        "assignee_id": None if status is S.NEW else rng.choice(people["staff"][department]),
        "channel": weighted(rng, CHANNELS, 1)[0],
        "subject": f"{rng.choice(TOPICS.split(', '))} near {rng.choice(PLACES.split(', '))}",
        "category_id": rng.choice(people["categories"][department]) if rng.random() < 0.9 else None,
        "description": " ".join(words),
        "status": status,
        "created_at": created,
        "due_at": due,
        "due_soon_at": due - dt.timedelta(hours=4),
        "first_response_at": created + dt.timedelta(hours=rng.randint(1, 60)) if worked else None,
        "clock_paused_at": created + dt.timedelta(days=1) if status is S.WAITING else None,
        "resolution": rng.choice(list(Resolution)) if done else None,
        "resolved_at": resolved,
        "closed_at": resolved + dt.timedelta(days=7) if resolved and status is S.CLOSED else None,
    }


def _long_history(
    rng: random.Random, requests: list[dict[str, Any]], people: dict[str, Any]
) -> dict[str, Any]:
    """Give the first customer 50 earlier requests and a recent one in the agent's queue."""
    customer = people["customers"][0]
    for row in rng.sample(requests[: -SIZE["recent"]], EARLIER):
        row["customer_id"] = customer
    agent = people["agent"]
    target: dict[str, Any] = next(r for r in reversed(requests) if r["status"] is S.IN_PROGRESS)
    target.update(customer_id=customer, department_id=agent.departments[0].id, assignee_id=agent.id)
    return target


def _number(requests: list[dict[str, Any]]) -> dict[int, int]:
    """Give each request its JR-YYYY-NNNNNN reference in order; return each year's last number."""
    counters: dict[int, int] = {}
    for row in requests:
        year = row["created_at"].year
        counters[year] = counters.get(year, 0) + 1
        row["reference"] = f"JR-{year}-{counters[year]:06d}"
    return counters


def _messages(
    rng: random.Random, requests: list[dict[str, Any]], people: dict[str, Any], target: Any
) -> list[dict[str, Any]]:
    """A conversation per request: staff answer what they worked, residents write back."""
    rows: list[dict[str, Any]] = []
    for r in requests:
        count = (
            30 if r is target else 0 if r["status"] in (S.NEW, S.ASSIGNED) else rng.randint(1, 4)
        )
        staff = r["assignee_id"] or people["staff"][r["department_id"]][0]
        for m in range(count):
            from_staff = m % 2 == 0
            rows.append(
                {
                    "id": len(rows) + 1,
                    "request_id": r["id"],
                    "author_id": staff if from_staff else r["customer_id"],
                    "body": " ".join(rng.sample(SENTENCES, 2)),
                    "is_from_staff": from_staff,
                    "created_at": r["created_at"] + dt.timedelta(hours=2 + 5 * m),
                }
            )
    return rows


def _events(requests: list[dict[str, Any]], target: Any) -> list[dict[str, Any]]:
    """Status and assignment history for the requests made since the workflow began."""
    rows: list[dict[str, Any]] = []
    for r in requests[-SIZE["with_events"] :]:
        rows += [_event(r, EventKind.ASSIGNED, None, "Staff", 0)] if r["assignee_id"] else []
        path = PATHS[r["status"]] if r is not target else TARGET_PATH
        for n, (before, after) in enumerate(zip(path, path[1:], strict=False)):
            rows.append(_event(r, EventKind.STATUS, before.value, after.value, n + 1))
    return [{"id": n + 1, **row} for n, row in enumerate(rows)]


def _event(
    r: dict[str, Any], kind: EventKind, before: str | None, after: str, hours: int
) -> dict[str, Any]:
    return {
        "request_id": r["id"],
        "actor_id": r["assignee_id"],
        "kind": kind,
        "from_value": before,
        "to_value": after,
        "detail": None,
        "created_at": r["created_at"] + dt.timedelta(hours=hours),
    }


def fix_sequences() -> None:
    """Move PostgreSQL's id sequences past the ids the fill chose itself."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in TABLE_IDS:
        sequence = sa.func.pg_get_serial_sequence(table, "id")
        last: sa.Select[Any] = sa.select(sa.func.max(sa.column("id"))).select_from(sa.table(table))
        db.session.execute(sa.select(sa.func.setval(sequence, last.scalar_subquery())))


def sign_in(client: Any, agent: User) -> None:
    """Sign the agent in through the password step and the two-step code."""
    answer = client.post("/auth/login", data={"email": AGENT_EMAIL, "password": PASSWORD})
    code = pyotp.TOTP(agent.totp_secret or "").now()
    second = client.post("/auth/two-step", data={"code": code})
    if answer.status_code != 302 or second.status_code != 302:
        raise SystemExit(f"sign-in failed: {answer.status_code} then {second.status_code}")


def scenarios(agent: User, target: int) -> list[tuple[str, str, str]]:
    """The pages to time: key, label and URL; the last page is the deepest offset."""
    total = count_queue(agent)
    last = max(1, -(-total // PAGE_SIZE))
    department = agent.departments[0]
    queue = "/staff/queues"
    return [
        ("queue_default", "queue, default filters", queue),
        ("queue_department", f"queue, {department.name}", f"{queue}?department={department.id}"),
        ("queue_search", f'queue, search "{SEARCH}"', f"{queue}?q={SEARCH}"),
        ("queue_search_all", f'queue, "{SEARCH}", any status', f"{queue}?q={SEARCH}&status=all"),
        ("queue_last_page", f"queue, last page ({last})", f"{queue}?page={last}"),
        ("request_page", f"request page, {EARLIER} earlier", f"/staff/requests/{target}"),
    ]


def measure(
    client: Any, engine: sa.Engine, pages: list[tuple[str, str, str]], samples: int
) -> dict[str, dict[str, Any]]:
    """Fetch every page in turn, round after round, timing each and counting its queries."""
    sent = [0]

    def count(*_: Any) -> None:
        sent[0] += 1

    times: dict[str, list[float]] = {key: [] for key, _, _ in pages}
    cpu: dict[str, list[float]] = {key: [] for key, _, _ in pages}
    figures: dict[str, dict[str, Any]] = {}
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for round_ in range(WARMUP + samples):
            for key, label, url in pages:
                before, started, cpu_started = sent[0], time.perf_counter(), time.process_time()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                cpu_ms = (time.process_time() - cpu_started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                if round_ >= WARMUP:
                    times[key].append(elapsed)
                    cpu[key].append(cpu_ms)
                found = QUEUE_COUNT.search(response.get_data(as_text=True))
                queries = [*figures.get(key, {}).get("queries", []), sent[0] - before]
                figures[key] = {"label": label, "queries": queries, "found": found and found[1]}
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    for key, values in times.items():
        figures[key].update(
            p50_ms=statistics.median(values),
            p95_ms=statistics.quantiles(values, n=20, method="inclusive")[-1],
            # This process's own CPU time (the app, not the database server): what the page
            # costs whatever else the machine is running.
            cpu_p50_ms=statistics.median(cpu[key]),
            # The session's occasional refresh adds a statement now and then; the median is
            # what the page itself sends.
            queries=int(statistics.median(figures[key]["queries"])),
        )
    return figures


def run_engine(engine: str, url: str, samples: int) -> dict[str, Any]:
    """Fill a fresh database on one engine, sign the agent in and time the pages."""
    rng = random.Random(20261202)
    with tempfile.TemporaryDirectory() as tmp:
        database = scratch_postgres(url) if engine == "postgresql" else f"sqlite:///{tmp}/bench.db"
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
            return _fill_and_time(app, rng, samples)
        finally:
            with app.app_context():
                db.engine.dispose()
            if engine == "postgresql":
                drop_postgres(database)


def _fill_and_time(app: Flask, rng: random.Random, samples: int) -> dict[str, Any]:
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        people = seed_people(rng)
        seeded = seed_requests(rng, people)
        fix_sequences()
        db.session.commit()
        seeded["fill_seconds"] = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            # As autovacuum soon would after a load this size (PostgreSQL 13 on vacuums
            # tables that only grow): statistics, visibility, GIN pending lists flushed.
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.exec_driver_sql("VACUUM ANALYZE")
        agent = db.session.scalars(sa.select(User).where(User.email == AGENT_EMAIL)).one()
        pages = scenarios(agent, seeded["target"])
        seeded["queue_total"] = count_queue(agent)
        seeded["agent_departments"] = [d.name for d in agent.departments]
        client = app.test_client()
        sign_in(client, agent)
        db.session.remove()
        engine = db.engine
    # Each page runs in its own app context, as a real request would.
    figures = measure(client, engine, pages, samples)
    return {"seeded": seeded, "pages": figures}


def print_engine(name: str, result: dict[str, Any], samples: int) -> None:
    """Print one engine's fill and its table of pages."""
    seeded = result["seeded"]
    print(
        f"{name}: {SIZE['customers']:,} customers, {SIZE['requests']:,} requests "
        f"({seeded['not_closed']:,} not closed), {seeded['messages']:,} messages, "
        f"{seeded['events']:,} events; filled in {seeded['fill_seconds']:.1f} s"
    )
    print(
        f"  agent in {' and '.join(seeded['agent_departments'])}: {seeded['queue_total']:,} "
        f"requests in the default queue; {samples} samples a page after {WARMUP} warm-ups"
    )
    print(f"  {'page':<36} {'matched':>8} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8} {'queries':>8}")
    for f in result["pages"].values():
        print(
            f"  {f['label']:<36} {f['found'] or '-':>8} {f['p50_ms']:>8.1f} {f['p95_ms']:>8.1f} "
            f"{f['cpu_p50_ms']:>8.1f} {f['queries']:>8}"
        )


def summary(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The JSON figures: PostgreSQL's headline figures when it ran, and every engine's."""
    headline = "postgresql" if "postgresql" in results else next(iter(results))
    pages = results[headline]["pages"]
    return {
        "queue_p95_ms": round(max(f["p95_ms"] for k, f in pages.items() if k != "request_page"), 1),
        "request_p95_ms": round(pages["request_page"]["p95_ms"], 1),
        "engine": headline,
        "engines": {
            engine: {
                "fill_seconds": round(result["seeded"]["fill_seconds"], 1),
                **{
                    key: {
                        "p50_ms": round(f["p50_ms"], 1),
                        "p95_ms": round(f["p95_ms"], 1),
                        "cpu_p50_ms": round(f["cpu_p50_ms"], 1),
                        "queries": f["queries"],
                    }
                    for key, f in result["pages"].items()
                },
            }
            for engine, result in results.items()
        },
        "customers": SIZE["customers"],
        "requests": SIZE["requests"],
    }


def parse_args() -> argparse.Namespace:
    """Choose the engines, the number of samples, and a smaller fill for a quick trial."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="timed fetches a page")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full fill")
    args = parser.parse_args()
    for sizes in (SIZE, NOT_CLOSED):
        for key in sizes:
            sizes[key] = max(1, int(sizes[key] * args.scale))  # type: ignore[index]
    return args


def main() -> None:
    """Run each engine, print its table, then the JSON line."""
    args = parse_args()
    url = os.environ.get("JASPERREC_DATABASE_URL", "")
    url = url if url.startswith("postgresql") else DEFAULT_POSTGRES
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    results = {}
    for engine in args.engines.split(","):
        results[engine] = run_engine(engine, url, args.samples)
        print_engine(names[engine], results[engine], args.samples)
    print("  cpu ms: the median CPU time this process spent on a page (the database's is apart)")
    print(json.dumps(summary(results)))


if __name__ == "__main__":
    main()
