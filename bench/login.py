"""Login throughput under gunicorn (2 workers, SQLite) against the raw argon2id verify rate.

Signing in is deliberately slow: almost all of its cost should be the password hash. This
measures how close the whole HTTP sign-in (CSRF page, form post, session row) comes to the
bare argon2 verify rate on the same two cores. Run as `python bench/login.py`; the last
line is JSON with logins_per_s, argon2_verifies_per_s, ratio and p95_ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
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

from argon2 import PasswordHasher
from argon2 import Type

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jasperrec.config import DEFAULTS  # noqa: E402

WORKERS = 2
CLIENT_THREADS = 4
USERS = 20
ROUNDS = 5
ROUND_SECONDS = 8.0
WARMUP_SECONDS = 4.0
PASSWORD = "bench password lantern orchard"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PARAMS = {
    "time_cost": int(DEFAULTS["AUTH_ARGON2_TIME_COST"]),
    "memory_cost": int(DEFAULTS["AUTH_ARGON2_MEMORY_KIB"]),
    "parallelism": int(DEFAULTS["AUTH_ARGON2_PARALLELISM"]),
}


def free_port() -> int:
    """Ask the kernel for an unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(instance: Path, port: int) -> dict[str, str]:
    """Environment for a demo-mode portal with rate limits off (they would cap the rate)."""
    return {
        **os.environ,
        "JASPERREC_AUTH_ARGON2_TIME_COST": str(PARAMS["time_cost"]),
        "JASPERREC_AUTH_ARGON2_MEMORY_KIB": str(PARAMS["memory_cost"]),
        "JASPERREC_AUTH_ARGON2_PARALLELISM": str(PARAMS["parallelism"]),
        "JASPERREC_INSTANCE_PATH": str(instance),
        "JASPERREC_SECRET_KEY": "bench-secret-key",
        "JASPERREC_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "JASPERREC_RATELIMIT_ENABLED": "false",
        "JASPERREC_TASKS_BACKEND": '"immediate"',
        "JASPERREC_MAIL_BACKEND": '"memory"',
    }


def prepare_database(env: dict[str, str]) -> list[str]:
    """Migrate a fresh SQLite database and create the accounts that will sign in."""
    script = f"""
from flask_migrate import upgrade
from jasperrec import create_app
from jasperrec.auth.models import User
from jasperrec.auth.passwords import hash_password
from jasperrec.db import utcnow
from jasperrec.extensions import db
app = create_app()
with app.app_context():
    upgrade()
    for n in range({USERS}):
        db.session.add(User(email=f"bench{{n}}@example.ca", first_name="Bench",
                            last_name=str(n), password_hash=hash_password({PASSWORD!r}),
                            email_confirmed_at=utcnow()))
    db.session.commit()
"""
    subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return [f"bench{n}@example.ca" for n in range(USERS)]


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start gunicorn with two sync workers and wait until it answers.

    Its output goes to a file: an unread pipe would fill up and stall the workers.
    """
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(m)s %(s)s %(M)s",
            "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start within 30 seconds")


def sign_in_once(port: int, email: str) -> tuple[float, bool]:
    """Fetch the sign-in form, then post it; return the post's latency and success."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/auth/login")
    page = conn.getresponse()
    body = page.read().decode()
    cookie = page.getheader("Set-Cookie", "").split(";", 1)[0]
    conn.close()
    token = CSRF_INPUT.search(body)
    form = urllib.parse.urlencode(
        {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request("POST", "/auth/login", body=form, headers=headers)
    answer = conn.getresponse()
    answer.read()
    elapsed = time.perf_counter() - started
    conn.close()
    ok = answer.status == 302 and "/auth/account" in (answer.getheader("Location") or "")
    return elapsed, ok


def load(port: int, emails: list[str], seconds: float) -> tuple[int, int, list[float], float]:
    """Sign in from several threads for a while; return successes, failures, latencies, time."""
    latencies: list[float] = []
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(offset: int) -> None:
        n = offset
        while time.monotonic() < stop_at:
            elapsed, ok = sign_in_once(port, emails[n % len(emails)])
            n += CLIENT_THREADS
            with lock:
                counts["ok" if ok else "failed"] += 1
                if ok:
                    latencies.append(elapsed)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts["ok"], counts["failed"], latencies, time.monotonic() - started


def _verify_for(seconds: float) -> int:
    """Verify one hash over and over for a fixed time; return how many verifies ran."""
    hasher = PasswordHasher(type=Type.ID, **PARAMS)
    stored = hasher.hash(PASSWORD)
    count = 0
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        hasher.verify(stored, PASSWORD)
        count += 1
    return count


def argon2_rate(seconds: float) -> float:
    """Raw verifies per second with one process per worker core, as gunicorn has."""
    with multiprocessing.Pool(WORKERS) as pool:
        started = time.monotonic()
        counts = pool.map(_verify_for, [seconds] * WORKERS)
        elapsed = time.monotonic() - started
    return sum(counts) / elapsed


def single_verify_ms() -> float:
    """Median time of one verify on an idle machine."""
    hasher = PasswordHasher(type=Type.ID, **PARAMS)
    stored = hasher.hash(PASSWORD)
    times = []
    for _ in range(20):
        started = time.perf_counter()
        hasher.verify(stored, PASSWORD)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def p95(values: list[float]) -> float:
    """95th percentile in milliseconds."""
    return statistics.quantiles(values, n=20)[-1] * 1000 if len(values) >= 20 else float("nan")


def parse_args() -> None:
    """Allow other argon2 parameters, to compare them with the configured defaults."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--argon2",
        metavar="T,M,P",
        help="time cost, memory in KiB and lanes (default: the app's defaults)",
    )
    args = parser.parse_args()
    if args.argon2:
        t, m, p = (int(x) for x in args.argon2.split(","))
        PARAMS.update(time_cost=t, memory_cost=m, parallelism=p)


def main() -> None:
    """Run the rounds and print the table, then the JSON line."""
    parse_args()
    verify_ms = single_verify_ms()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = bench_env(Path(tmp), port)
        emails = prepare_database(env)
        server = start_server(env, port, Path(tmp) / "gunicorn.log")
        try:
            load(port, emails, WARMUP_SECONDS)
            for _ in range(ROUNDS):
                ok, failed, latencies, elapsed = load(port, emails, ROUND_SECONDS)
                raw = argon2_rate(ROUND_SECONDS / 2)
                rows.append(
                    {
                        "logins_per_s": ok / elapsed,
                        "argon2_verifies_per_s": raw,
                        "ratio": ok / elapsed / raw,
                        "p95_ms": p95(latencies),
                        "failed": failed,
                    }
                )
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(
        f"argon2id t={PARAMS['time_cost']} m={PARAMS['memory_cost']} KiB "
        f"p={PARAMS['parallelism']}: one verify takes {verify_ms:.1f} ms (median of 20)"
    )
    print(
        f"gunicorn {WORKERS} sync workers on SQLite, {CLIENT_THREADS} client threads, "
        f"rate limits off, {ROUNDS} rounds of {ROUND_SECONDS:.0f} s"
    )
    print(
        f"{'round':>6} {'logins/s':>10} {'argon2/s':>10} {'ratio':>7} {'p95 ms':>8} {'failed':>7}"
    )
    for n, row in enumerate(rows, 1):
        print(
            f"{n:>6} {row['logins_per_s']:>10.1f} {row['argon2_verifies_per_s']:>10.1f} "
            f"{row['ratio']:>7.3f} {row['p95_ms']:>8.1f} {row['failed']:>7}"
        )
    median = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    print(
        f"{'median':>6} {median['logins_per_s']:>10.1f} {median['argon2_verifies_per_s']:>10.1f} "
        f"{median['ratio']:>7.3f} {median['p95_ms']:>8.1f} {int(median['failed']):>7}"
    )
    print(
        json.dumps(
            {
                "logins_per_s": round(median["logins_per_s"], 2),
                "argon2_verifies_per_s": round(median["argon2_verifies_per_s"], 2),
                "ratio": round(median["ratio"], 3),
                "p95_ms": round(median["p95_ms"], 1),
                "failed_logins": int(sum(r["failed"] for r in rows)),
                "argon2": {**PARAMS, "verify_ms": round(verify_ms, 1)},
                "workers": WORKERS,
                "rounds": ROUNDS,
            }
        )
    )


if __name__ == "__main__":
    main()
