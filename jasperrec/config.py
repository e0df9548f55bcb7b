"""Configuration defaults, loading order and production validation."""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

ENV_PREFIX = "JASPERREC"

DEFAULTS: dict[str, Any] = {
    "ENV": "demo",
    # Where residents reach the portal; links in mail are built from it, never from the
    # request's Host header (which an attacker could set to poison reset links). Unset, the
    # demo uses the address it serves on (DEMO_PUBLIC_URL, or `jasperrec demo`'s --host/--port).
    "PUBLIC_URL": None,
    # Connection settings; production must supply each one (see REQUIRED_IN_PRODUCTION).
    "DATABASE_URL": None,
    "REDIS_URL": None,
    "STRIPE_SECRET_KEY": None,
    "STRIPE_WEBHOOK_SECRET": None,
    "STRIPE_PUBLISHABLE_KEY": None,
    # The municipality; another town overrides these in its instance config.
    "MUNICIPALITY_NAME": "Municipality of Jasper",
    "MUNICIPALITY_SHORT_NAME": "Jasper",
    "MUNICIPALITY_PROVINCE": "Alberta",
    "MUNICIPALITY_ADDRESS": "303 Pyramid Lake Road, PO Box 520, Jasper AB  T0E 1E0",
    "MUNICIPALITY_PHONE": "780-852-3356",
    "MUNICIPALITY_EMAIL": "info@jasper-alberta.ca",
    "MUNICIPALITY_WEBSITE": "https://www.jasper-alberta.ca",
    "MUNICIPALITY_FACILITIES": [
        "Jasper Activity Centre",
        "Jasper Aquatic Centre",
        "Jasper Fitness Centre",
        "Jasper Arena",
        "Pyramid Lake",
        "Maligne Canyon",
    ],
    "MUNICIPALITY_TIMEZONE": "America/Edmonton",
    "MUNICIPALITY_GST_NUMBER": "10776 4564 RT0001",
    "BRAND_PORTAL_NAME": "JasperRec",
    "BRAND_PRIMARY_COLOUR": "#1d4f6e",
    "PRIVACY_LEGISLATION": "Protection of Privacy Act (Alberta)",
    # Accounts and sessions.
    "AUTH_IDLE_TIMEOUT_MINUTES": 30,
    "AUTH_ABSOLUTE_TIMEOUT_HOURS": 12,
    "AUTH_REMEMBER_DAYS": 30,
    "AUTH_STAFF_IDLE_TIMEOUT_MINUTES": 15,
    "AUTH_REAUTH_MINUTES": 5,
    "AUTH_MFA_PENDING_MINUTES": 5,
    # Failed passwords and codes in a row before the account locks until the owner uses the
    # emailed unlock link (or resets the password). Far above what a limited client can try,
    # so that guessing from one place slows that place down without locking out the owner.
    "AUTH_LOCKOUT_THRESHOLD": 50,
    "AUTH_UNLOCK_RESEND_MINUTES": 15,
    "AUTH_UNLOCK_MAX_AGE_HOURS": 72,
    "AUTH_CONFIRM_MAX_AGE_HOURS": 48,
    "AUTH_RESET_MAX_AGE_MINUTES": 60,
    # Failed sign-ins per client, and per submitted address from one client.
    "AUTH_CLIENT_LOGIN_LIMIT": "30 per 10 minutes",
    "AUTH_ACCOUNT_LOGIN_LIMIT": "10 per 15 minutes",
    # Tries of the current password on the password and email pages, per signed-in person.
    "AUTH_CURRENT_PASSWORD_LIMIT": "10 per 15 minutes",
    "AUTH_REGISTER_LIMIT": "10 per hour",
    # Reset and confirmation mails asked for per client, and per target address.
    "AUTH_RESET_LIMIT": "5 per 15 minutes",
    "AUTH_RESET_ADDRESS_LIMIT": "3 per hour",
    # Pages that ask a signed-in person for their password again (switching two-step
    # sign-in off, new recovery codes), per person; wrong answers also count toward the lock.
    "AUTH_MFA_SETTINGS_LIMIT": "10 per 15 minutes",
    # Tries of the one-time code at sign-in, and of re-authentication, per client.
    "AUTH_CODE_LIMIT": "10 per 5 minutes",
    "AUTH_REAUTH_LIMIT": "10 per 5 minutes",
    # Fernet key (32 random bytes, URL-safe base64) that encrypts TOTP secrets at rest. It
    # must live outside the database; the demo makes one in the instance folder. To rotate,
    # list the new key first and the old after it, comma-separated, run
    # `flask auth reencrypt-totp-secrets`, then drop the old key.
    "AUTH_TOTP_KEY": None,
    # 64 MiB and 2 passes: OWASP's floor is 19 MiB and 2 passes. One lane, so a sign-in
    # occupies one core. bench/login.py measures the verify time (about 100 ms on this
    # machine) and the overhead around it.
    "AUTH_ARGON2_TIME_COST": 2,
    "AUTH_ARGON2_MEMORY_KIB": 65_536,
    "AUTH_ARGON2_PARALLELISM": 1,
    # Helpdesk
    # Requests that neither a category nor a keyword rule routes go to this department.
    # Categories and their keyword rules are data, managed in the staff console.
    "HELPDESK_DEFAULT_DEPARTMENT": "Customer Service",
    # Local opening hours; a request after closing counts from the next business day.
    "HELPDESK_BUSINESS_HOURS": ["08:30", "16:30"],
    # Business days to the first answer, per channel (the published service standard).
    "HELPDESK_STANDARD_DAYS": {"web": 3, "email": 3, "app": 3, "phone": 2},
    # Alberta's optional holidays the offices close for, by name in the `holidays` package;
    # the statutory ones always count. Other closures are rows edited in the console.
    "HELPDESK_OBSERVED_OPTIONAL_HOLIDAYS": ["Heritage Day", "Boxing Day"],
    # Residents' answers to our mail go here (mail-in reads it); Message-IDs use its domain.
    "HELPDESK_REPLY_TO": "311@jasper-alberta.ca",
    # A resolved request closes itself this many days later unless the resident reopens it.
    "HELPDESK_AUTO_CLOSE_DAYS": 14,
    "HELPDESK_REQUEST_LIMIT": "10 per hour",
    "HELPDESK_MESSAGE_LIMIT": "30 per hour",
    # Photos sent with a request (web or email): where they are kept (relative paths are
    # under the instance folder), how many per request, how large each file, and how many
    # pixels each may decode to (a 48-megapixel phone photo fits; a decompression bomb
    # does not). Larger, more, or other files are refused with a message saying why.
    "HELPDESK_ATTACHMENTS_PATH": "attachments",
    "HELPDESK_ATTACHMENT_MAX_COUNT": 5,
    "HELPDESK_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "HELPDESK_ATTACHMENT_MAX_PIXELS": 60_000_000,
    # jasperrec mail-in: the largest email taken (bigger ones bounce), and for how long after
    # closing an emailed answer still reopens a request instead of starting a linked new one.
    "HELPDESK_MAIL_MAX_BYTES": 25 * 1024 * 1024,
    "HELPDESK_MAIL_REOPEN_DAYS": 14,
    # Visitors without an account: per client, and per email address whoever sends.
    "HELPDESK_VISITOR_LIMIT": "5 per hour",
    "HELPDESK_VISITOR_EMAIL_LIMIT": "5 per day",
    # Store. Prices are in integer cents of this currency; GST is the federal 5 %.
    "STORE_CURRENCY": "CAD",
    "STORE_GST_RATE_PERCENT": 5,
    # A checkout holds program spaces this long (Stripe Checkout allows 30 min to 24 h).
    "STORE_HOLD_MINUTES": 30,
    # The fake payment backend's delay per call, to load-test at Stripe's latency.
    "STORE_FAKE_PAYMENT_LATENCY_MS": 0,
    "STORE_CART_MAX_LINES": 10,
    # Households whose postal code (a whole code, or its first characters) or place is listed
    # pay programs' resident fees; others pay the non-resident fee (store/residency.py).
    "STORE_RESIDENT_POSTAL_CODES": ["T0E 1E0"],
    "STORE_RESIDENT_PLACES": ["Jasper"],
    "STORE_CHECKOUT_LIMIT": "20 per hour",
    # Wrong gift card codes tried: per signed-in resident, and per client (a keyed hash of
    # the address), so guessing is slow from one account or from many on one machine.
    "STORE_GIFT_REDEEM_LIMIT": "10 per hour",
    "STORE_GIFT_REDEEM_CLIENT_LIMIT": "30 per hour",
    # Store: payments
    # "stripe" takes real payments; "fake" simulates them for tests and the demo. None picks
    # stripe in production and fake elsewhere.
    "STORE_PAYMENT_BACKEND": None,
    # Access-log analytics; only the privacy officer sees these on the review page.
    "PRIVACY_BUSINESS_HOURS": [7, 19],
    "PRIVACY_FLAG_OUTSIDE_SCOPE_RESIDENTS": 3,
    "PRIVACY_FLAG_AFTER_HOURS_EXPORTS": 3,
    "PRIVACY_BREAK_GLASS_MINUTES": 30,
    # A resident's download of their personal data: how long its emailed link works, and how
    # often one person may ask (one is built at a time in any case).
    "PRIVACY_EXPORT_TTL_HOURS": 24,
    "PRIVACY_EXPORT_LIMIT": "5 per hour",
    # The anonymous access log (privacy/traffic.py). Addresses are cut to their network
    # before anything keeps them: IPv4 to this prefix (24, or smaller for coarser), IPv6
    # to this one (48 or smaller). A finer prefix than the default is ignored.
    "PRIVACY_TRAFFIC_ENABLED": True,
    "PRIVACY_TRAFFIC_IPV4_PREFIX": 24,
    "PRIVACY_TRAFFIC_IPV6_PREFIX": 48,
    # Rows per INSERT, and the longest a row waits in memory before it is written.
    "PRIVACY_TRAFFIC_BATCH_SIZE": 200,
    "PRIVACY_TRAFFIC_FLUSH_SECONDS": 5.0,
    # Past this many unwritten rows (a flood, or the database away) the oldest are dropped.
    "PRIVACY_TRAFFIC_MAX_BUFFERED": 10_000,
    # Raw rows are purged after this many days; the daily totals are kept.
    "PRIVACY_TRAFFIC_RETENTION_DAYS": 90,
    # Background tasks: "immediate" runs them inline, "sqlite" or "redis" queue them.
    "TASKS_BACKEND": None,
    # Outbound mail: "outbox" (console + instance/outbox/*.eml), "smtp" or "memory".
    "MAIL_BACKEND": None,
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "JasperRec <no-reply@jasper-alberta.ca>",
    "MAIL_TIMEOUT_SECONDS": 10,
    # Number of reverse proxies whose X-Forwarded-For we trust.
    "PROXY_COUNT": 0,
    # Extension settings keep the extensions' own names.
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "jasperrec",
    "RATELIMIT_HEADERS_ENABLED": True,
    "SESSION_COOKIE_NAME": "jasperrec_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "AUTH_REMEMBER_COOKIE_NAME": "jasperrec_remember",
    "WTF_CSRF_TIME_LIMIT": None,
    # A 1 MiB body is far above any form; larger ones get 413 before parsing.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
}

REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "PUBLIC_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "AUTH_TOTP_KEY",
)
# Sessions and reset links are signed with SECRET_KEY; 32 random bytes cannot be guessed
# offline from a captured cookie.
MIN_SECRET_KEY_BYTES = 32


# Where the demo serves when no --host or --port says otherwise.
DEMO_PUBLIC_URL = "http://127.0.0.1:5000"


class ConfigError(RuntimeError):
    """Raised when the portal cannot start with the configuration it was given."""


def instance_path_from_env() -> str | None:
    """Return the instance folder named by the environment, made absolute."""
    path = os.environ.get(f"{ENV_PREFIX}_INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def finalise(app: Flask) -> None:
    """Check the loaded settings and derive the extension settings from them."""
    config = app.config
    production = config["ENV"] == "production"
    if production:
        missing = [key for key in REQUIRED_IN_PRODUCTION if not config.get(key)]
        if missing:
            names = ", ".join(f"{ENV_PREFIX}_{key}" for key in missing)
            raise ConfigError(f"Production mode needs these settings, which are missing: {names}.")
        _check_secret_key(config["SECRET_KEY"])
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _demo_secret_key(Path(app.instance_path))
    if not production and not config.get("AUTH_TOTP_KEY"):
        config["AUTH_TOTP_KEY"] = _demo_secret_key(Path(app.instance_path), "totp_key", _fernet_key)
    _check_fernet_key("AUTH_TOTP_KEY", config["AUTH_TOTP_KEY"])
    _check_default_department(config.get("HELPDESK_DEFAULT_DEPARTMENT"))
    _apply_public_url(config, config.get("PUBLIC_URL") or DEMO_PUBLIC_URL)
    config.setdefault("SQLALCHEMY_DATABASE_URI", config["DATABASE_URL"] or _demo_database(app))
    config.setdefault("RATELIMIT_STORAGE_URI", config["REDIS_URL"] or "memory://")
    if config["TASKS_BACKEND"] is None:
        config["TASKS_BACKEND"] = "redis" if production else "sqlite"
    if config["MAIL_BACKEND"] is None:
        config["MAIL_BACKEND"] = "smtp" if production else "outbox"
    config["SESSION_COOKIE_SECURE"] = production
    config["SESSION_PERMANENT"] = False
    config["IS_DEMO"] = not production


def _check_default_department(name: Any) -> None:
    """Refuse a default department that could not name a department."""
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 100:
        raise ConfigError(
            f"{ENV_PREFIX}_HELPDESK_DEFAULT_DEPARTMENT must name a department (1 to 100 "
            f"characters), such as 'Customer Service'; it receives requests nothing else routes."
        )


def _check_secret_key(key: str | bytes) -> None:
    """Refuse a production secret key too short to resist guessing."""
    size = len(key if isinstance(key, bytes) else str(key).encode("utf-8"))
    if size < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"{ENV_PREFIX}_SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes long "
            f"(this one is {size}); generate one with: python -c "
            '"import secrets; print(secrets.token_hex(32))"'
        )


def follow_demo_address(config: Any, host: str, port: int) -> str:
    """Point the demo's links at the address it serves on, unless PUBLIC_URL names one.

    Returns the address the links now use.
    """
    if not config.get("PUBLIC_URL"):
        _apply_public_url(config, _demo_url(host, port))
    return f"{config['PREFERRED_URL_SCHEME']}://{config['SERVER_NAME']}{config['APPLICATION_ROOT']}"


def _demo_url(host: str, port: int) -> str:
    """Turn the address the demo listens on into one a browser on this machine can open."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"
    if ip.is_unspecified:
        # Listening everywhere: this machine reaches it on loopback.
        ip = ipaddress.ip_address("127.0.0.1" if ip.version == 4 else "::1")
    return f"http://{ip}:{port}" if ip.version == 4 else f"http://[{ip}]:{port}"


def _apply_public_url(config: Any, public_url: str) -> None:
    """Build external URLs (in mail, in workers) from the configured public address."""
    url = urlsplit(public_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ConfigError(f"{ENV_PREFIX}_PUBLIC_URL must look like https://rec.example.ca")
    config["SERVER_NAME"] = url.netloc
    config["PREFERRED_URL_SCHEME"] = url.scheme
    config["APPLICATION_ROOT"] = url.path or "/"


def _demo_database(app: Flask) -> str:
    """Keep the demo database in the instance folder so a fresh clone needs no server."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'jasperrec.db'}"


def _demo_secret_key(
    instance: Path,
    name: str = "secret_key",
    make: Callable[[], str] = lambda: secrets.token_hex(32),
) -> str:
    """Make one random key per demo instance and keep it, so restarts keep what it opens."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / name
    if not key_file.exists():
        key_file.write_text(make())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _fernet_key() -> str:
    """Make a Fernet key the way `cryptography`'s Fernet.generate_key does."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _check_fernet_key(name: str, value: Any) -> None:
    """Refuse keys Fernet cannot use, at start-up rather than at the first sign-in."""
    try:
        sizes = {len(base64.urlsafe_b64decode(key.strip())) for key in str(value).split(",")}
    except ValueError:
        sizes = set()
    if sizes != {32}:
        raise ConfigError(
            f"{ENV_PREFIX}_{name} must be 32 random bytes in URL-safe base64 (44 characters),"
            " or several such keys separated by commas, the current one first;"
            ' make one with: python -c "import base64, os;'
            ' print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
        )


def demo_webhook_secret(instance: Path) -> str:
    """Make the fake payment backend's signing secret, one per demo instance, and keep it."""
    return _demo_secret_key(instance, "webhook_secret", lambda: f"whsec_{secrets.token_hex(32)}")
