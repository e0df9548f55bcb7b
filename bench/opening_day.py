"""Opening day: 100 households check out one 10-space program at the same moment, over HTTP.

Serves the portal with gunicorn (2 sync workers, SQLite) and the fake payment backend
taking as long as Stripe to start a payment (300 ms). Each household signs in and has the
program in its cart; then all press Check out together. It checks that exactly 10 hold a
space, the other 90 are on the waitlist and nobody gets an error, and reports the burst's
wall time and the latency of the checkouts that went on to pay and of those waitlisted.
Run as `python bench/opening_day.py [--runs N]`; the last line is JSON (medians).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOUSEHOLDS = 100
CAPACITY = 10
LATENCY_MS = 300
WORKERS = 2
RUNS = 3
PASSWORD = "bench password lantern orchard"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    """Ask the kernel for an unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(instance: Path, port: int, latency_ms: int) -> dict[str, str]:
    """A demo-mode portal: cheap password hashing (sign-in is not measured), no rate limits."""
    return {
        **os.environ,
        "JASPERREC_AUTH_ARGON2_TIME_COST": "1",
        "JASPERREC_AUTH_ARGON2_MEMORY_KIB": "1024",
        "JASPERREC_INSTANCE_PATH": str(instance),
        "JASPERREC_SECRET_KEY": "bench-secret-key-bench-secret-key",
        "JASPERREC_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "JASPERREC_RATELIMIT_ENABLED": "false",
        "JASPERREC_TASKS_BACKEND": '"immediate"',
        "JASPERREC_MAIL_BACKEND": '"memory"',
        "JASPERREC_STORE_FAKE_PAYMENT_LATENCY_MS": str(latency_ms),
    }


PREPARE = f"""
import datetime as dt
import sqlalchemy as sa
from flask_migrate import upgrade
from jasperrec import create_app
from jasperrec.auth.models import HouseholdMember, Relation, User
from jasperrec.auth.passwords import hash_password
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.store import service
from jasperrec.store.demo import ensure_demo_catalogue
from jasperrec.store.errors import StoreError
from jasperrec.store.models import Program

app = create_app()
with app.app_context():
    upgrade()
    ensure_demo_catalogue()
    secret = hash_password({PASSWORD!r})
    users = []
    for n in range({HOUSEHOLDS}):
        user = User(email=f"parent{{n}}@example.ca", first_name="Parent", last_name=str(n),
                    password_hash=secret, email_confirmed_at=utcnow(),
                    address_line1="1 Connaught Drive", city="Jasper", province="AB",
                    postal_code="T0E 1E0")
        db.session.add(user)
        users.append(user)
    db.session.commit()
    candidates = db.session.scalars(sa.select(Program).where(
        Program.requires_approval.is_(False), Program.min_age <= 8, Program.max_age >= 8
    ).order_by(Program.id)).all()
    for program in candidates:
        program.capacity, program.held_back_spaces = {CAPACITY}, 0
        born = program.starts_on.replace(year=program.starts_on.year - 8)
        children = [HouseholdMember(user=u, first_name="Kid", last_name=u.last_name,
                                    date_of_birth=born, relation=Relation.CHILD) for u in users]
        db.session.add_all(children)
        db.session.flush()
        try:
            for user, child in zip(users, children):
                service.add_program_to_cart(user, program.slug, child.id)
        except StoreError:
            db.session.rollback()
            continue
        db.session.commit()
        print(program.slug)
        break
    else:
        raise SystemExit("no demo program takes an 8-year-old today")
"""


def prepare_database(env: dict[str, str]) -> str:
    """Migrate a fresh database, seed the demo season and fill 100 carts with one program."""
    done = subprocess.run(
        [sys.executable, "-c", PREPARE],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout.strip().splitlines()[-1]


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start gunicorn with two sync workers and wait until it answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "120", "wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start within 30 seconds")


def _request(port: int, method: str, path: str, cookie: str, form: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    answer = conn.getresponse()
    text = answer.read().decode()
    conn.close()
    return answer, text


def _cookie(answer: http.client.HTTPResponse, cookie: str) -> str:
    fresh = answer.getheader("Set-Cookie")
    return fresh.split(";", 1)[0] if fresh else cookie


def ready_household(port: int, email: str) -> tuple[str, str]:
    """Sign in and open the cart; return the session cookie and the checkout form's token."""
    answer, page = _request(port, "GET", "/auth/login", "")
    cookie = _cookie(answer, "")
    token = CSRF_INPUT.search(page)
    form = {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    answer, _ = _request(port, "POST", "/auth/login", cookie, form)
    cookie = _cookie(answer, cookie)
    answer, page = _request(port, "GET", "/store/cart", cookie)
    token = CSRF_INPUT.search(page)
    if token is None:
        raise RuntimeError(f"{email}: no checkout form (status {answer.status})")
    return _cookie(answer, cookie), token.group(1)


def burst(port: int, ready: list[tuple[str, str]]) -> tuple[float, list[tuple[str, float]]]:
    """Press Check out in every household at once; return the wall time and each outcome."""
    outcomes: list[tuple[str, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(ready))

    def press(cookie: str, token: str) -> None:
        start.wait()
        began = time.perf_counter()
        answer, _ = _request(port, "POST", "/store/checkout", cookie, {"csrf_token": token})
        elapsed = time.perf_counter() - began
        where = answer.getheader("Location") or ""
        kind = "payment" if "demo-checkout" in where or "/pay/" in where else "waitlisted"
        if answer.status >= 400:
            kind = f"error {answer.status}"
        with lock:
            outcomes.append((kind, elapsed))

    threads = [threading.Thread(target=press, args=pair) for pair in ready]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, outcomes


COUNT = """
import sys
import sqlalchemy as sa
from jasperrec import create_app
from jasperrec.extensions import db
from jasperrec.store.models import Program, Registration, RegistrationStatus, WaitlistEntry
app = create_app()
with app.app_context():
    program = db.session.scalars(sa.select(Program).where(Program.slug == sys.argv[1])).one()
    live = Registration.status != RegistrationStatus.CANCELLED
    print(db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
              Registration.program_id == program.id, live)),
          db.session.scalar(sa.select(sa.func.count(WaitlistEntry.id)).where(
              WaitlistEntry.program_id == program.id)))
"""


def counts(env: dict[str, str], slug: str) -> tuple[int, int]:
    """The program's registrations held and waitlist places, read afterwards."""
    done = subprocess.run(
        [sys.executable, "-c", COUNT, slug], env=env, cwd=ROOT, check=True, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    held, waiting = done.stdout.split()
    return int(held), int(waiting)


def ms(values: list[float], q: int) -> float:
    """The q-th percentile of values, in milliseconds."""
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def one_burst(latency_ms: int) -> dict[str, float]:
    """Prepare a fresh portal, run one burst, and measure it."""
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = bench_env(Path(tmp), port, latency_ms)
        program = prepare_database(env)
        server = start_server(env, port, Path(tmp) / "gunicorn.log")
        try:
            emails = [f"parent{n}@example.ca" for n in range(HOUSEHOLDS)]
            ready = [ready_household(port, email) for email in emails]
            wall, outcomes = burst(port, ready)
        finally:
            server.terminate()
            server.wait(timeout=30)
        held, waiting = counts(env, program)
    paying = [t for kind, t in outcomes if kind == "payment"]
    waitlisted = [t for kind, t in outcomes if kind == "waitlisted"]
    errors = len(outcomes) - len(paying) - len(waitlisted)
    return {
        "program": program,  # type: ignore[dict-item]
        "wall_s": wall,
        "paying": len(paying),
        "waitlisted": len(waitlisted),
        "errors": errors,
        "held": held,
        "waitlist_places": waiting,
        "payment_p50_ms": ms(paying, 50),
        "payment_p95_ms": ms(paying, 95),
        "waitlisted_p95_ms": ms(waitlisted, 95),
    }


def one_run() -> dict[str, float]:
    """One burst at Stripe's latency, and whether the program was oversold."""
    run = one_burst(LATENCY_MS)
    return {**run, "oversold": run["held"] != CAPACITY}  # type: ignore[dict-item]


def main() -> None:
    """Run the bursts, print a table of each and the medians, then the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="bursts to run (default 3)")
    runs = [one_run() for _ in range(parser.parse_args().runs)]
    where = f"gunicorn {WORKERS} workers, SQLite ({runs[0]['program']})"
    print(f"Opening day: {HOUSEHOLDS} households, {CAPACITY} spaces, payment start "
          f"{LATENCY_MS} ms, {where}")  # fmt: skip
    columns = ["wall_s", "paying", "waitlisted", "errors", "held", "waitlist_places",
               "payment_p50_ms", "payment_p95_ms", "waitlisted_p95_ms"]  # fmt: skip
    print(" | ".join(f"{c:>17}" for c in ["run", *columns]))
    for n, run in enumerate(runs, 1):
        print(" | ".join([f"{n:>17}", *(f"{run[c]:>17.2f}" for c in columns)]))
    median = {c: statistics.median(float(run[c]) for run in runs) for c in columns}
    print(" | ".join([f"{'median':>17}", *(f"{median[c]:>17.2f}" for c in columns)]))
    oversold = any(run["oversold"] for run in runs)
    print(json.dumps({**{c: round(v, 3) for c, v in median.items()}, "oversold": oversold}))


if __name__ == "__main__":
    main()
