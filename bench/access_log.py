"""Page throughput under gunicorn (2 workers, SQLite) with the anonymous access log on and off.

The access log (jasperrec/privacy/traffic.py) must cost at most 5% of throughput. Two
portals serve the same database, one with PRIVACY_TRAFFIC_ENABLED and one without; rounds
alternate between them so machine noise falls on both alike, and the medians are compared.
Run as `python bench/access_log.py`; the last line is JSON with on_rps, off_rps and ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
CLIENT_THREADS = 4
ROUNDS = 10
ROUND_SECONDS = 3.0
WARMUP_SECONDS = 3.0
# Typical pages a resident opens: home, the catalogue, one program, the privacy statement.
PAGES = ["/", "/store/programs", "/store/programs/swim-kids-3", "/privacy"]
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def free_port() -> int:
    """Ask the kernel for an unused loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(instance: Path, port: int, logging_on: bool) -> dict[str, str]:
    """Environment for a demo-mode portal with rate limits off (they would cap the rate)."""
    return {
        **os.environ,
        "JASPERREC_INSTANCE_PATH": str(instance),
        "JASPERREC_SECRET_KEY": "bench-secret-key",
        "JASPERREC_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "JASPERREC_RATELIMIT_ENABLED": "false",
        "JASPERREC_TASKS_BACKEND": '"immediate"',
        "JASPERREC_MAIL_BACKEND": '"memory"',
        "JASPERREC_PRIVACY_TRAFFIC_ENABLED": "true" if logging_on else "false",
    }


def prepare_database(env: dict[str, str]) -> None:
    """Migrate a fresh SQLite database and add the demo catalogue the pages show."""
    script = """
from flask_migrate import upgrade
from jasperrec import create_app
from jasperrec.extensions import db
from jasperrec.store.demo import ensure_demo_catalogue
app = create_app()
with app.app_context():
    upgrade()
    ensure_demo_catalogue()
    db.session.commit()
"""
    subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True
    )


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start gunicorn with two sync workers and wait until it answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
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


def fetch(port: int, path: str) -> bool:
    """GET one page as a browser would; return whether it answered 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Referer": "https://example.ca/"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status == 200


def load(port: int, seconds: float) -> tuple[float, int, int]:
    """Fetch the pages in turn from several threads; return requests/s, answered and failed."""
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(offset: int) -> None:
        n = offset
        while time.monotonic() < stop_at:
            ok = fetch(port, PAGES[n % len(PAGES)])
            n += 1
            with lock:
                counts["ok" if ok else "failed"] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return counts["ok"] / elapsed, counts["ok"], counts["failed"]


def logged_rows(instance: Path) -> int:
    """Count the access-log rows the logging portal wrote."""
    with sqlite3.connect(instance / "jasperrec.db") as conn:
        return int(conn.execute("SELECT count(*) FROM traffic_hits").fetchone()[0])


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn gracefully, so its workers flush what they hold."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def parse_args() -> None:
    """Allow more or longer rounds for a steadier figure."""
    global ROUNDS, ROUND_SECONDS
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds per setting")
    parser.add_argument("--seconds", type=float, default=ROUND_SECONDS, help="length of a round")
    args = parser.parse_args()
    ROUNDS, ROUND_SECONDS = args.rounds, args.seconds


def main() -> None:
    """Run alternating rounds and print the table, then the JSON line."""
    parse_args()
    rows: list[tuple[int, float, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        ports = {True: free_port(), False: free_port()}
        envs = {on: bench_env(instance, port, on) for on, port in ports.items()}
        prepare_database(envs[True])
        servers = {on: start_server(envs[on], ports[on], instance / "gunicorn.log") for on in ports}
        sent = 0
        try:
            sent += load(ports[True], WARMUP_SECONDS)[1]
            load(ports[False], WARMUP_SECONDS)
            for n in range(ROUNDS):
                # Alternate which goes first, so neither always follows the other.
                order = (True, False) if n % 2 == 0 else (False, True)
                results = {on: load(ports[on], ROUND_SECONDS) for on in order}
                sent += results[True][1]
                failed = results[True][2] + results[False][2]
                rows.append((n + 1, results[True][0], results[False][0], failed))
        finally:
            for server in servers.values():
                stop(server)
        written = logged_rows(instance)
    on_rps = statistics.median(row[1] for row in rows)
    off_rps = statistics.median(row[2] for row in rows)
    ratio = statistics.median(row[1] / row[2] for row in rows)
    print(
        f"gunicorn {WORKERS} sync workers on SQLite, {CLIENT_THREADS} client threads, pages "
        f"{', '.join(PAGES)}; {ROUNDS} alternating rounds of {ROUND_SECONDS:.0f} s"
    )
    print(f"{'round':>6} {'log on r/s':>11} {'log off r/s':>12} {'ratio':>7} {'failed':>7}")
    for n, on, off, failed in rows:
        print(f"{n:>6} {on:>11.1f} {off:>12.1f} {on / off:>7.3f} {failed:>7}")
    print(f"{'median':>6} {on_rps:>11.1f} {off_rps:>12.1f} {ratio:>7.3f}")
    print(f"requests answered by the logging portal: {sent}; access-log rows written: {written}")
    print(
        json.dumps(
            {
                "on_rps": round(on_rps, 1),
                "off_rps": round(off_rps, 1),
                "ratio": round(ratio, 3),
                "requests_to_logging_portal": sent,
                "rows_written": written,
                "failed": sum(row[3] for row in rows),
                "workers": WORKERS,
                "rounds": ROUNDS,
            }
        )
    )


if __name__ == "__main__":
    main()
