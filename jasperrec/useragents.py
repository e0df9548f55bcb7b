"""What a User-Agent tells, cut to families: one parser for sessions and the request log."""

from __future__ import annotations

import dataclasses
import enum
import functools

from ua_parser import parse

# Parsing a long header is slow and nothing useful is past the first few hundred bytes;
# cutting before the cache also stops distinct 100 KB headers from pinning memory in it.
MAX_CHARS = 512


class DeviceClass(enum.StrEnum):
    """What kind of device sent a request, as far as its User-Agent tells."""

    DESKTOP = "desktop"
    MOBILE = "mobile"
    TABLET = "tablet"
    BOT = "bot"


@dataclasses.dataclass(frozen=True)
class Agent:
    """Browser and system families, never the header itself; None where the parser found none."""

    browser: str | None
    major: str
    os: str | None
    device: DeviceClass


def describe(user_agent: str) -> Agent:
    """Reduce a User-Agent to browser family and major version, OS family and device class."""
    return _describe(user_agent[:MAX_CHARS])


@functools.lru_cache(maxsize=1024)
def _describe(header: str) -> Agent:
    """Parse each shortened header once; most requests repeat a few hundred browsers."""
    parsed = parse(header)
    agent, system, device = parsed.user_agent, parsed.os, parsed.device
    os_family = system.family if system else None
    if device and device.family == "Spider":
        kind = DeviceClass.BOT
    elif device and ("Tablet" in (device.brand or "") or device.family in ("iPad", "Kindle")):
        kind = DeviceClass.TABLET
    elif os_family in ("iOS", "Android", "Windows Phone", "KaiOS") or "Mobi" in header:
        mobile = "Mobi" in header or os_family != "Android"
        kind = DeviceClass.MOBILE if mobile else DeviceClass.TABLET
    else:
        kind = DeviceClass.DESKTOP
    return Agent(
        browser=agent.family[:60] if agent else None,
        major=((agent.major or "") if agent else "")[:20],
        os=os_family[:60] if os_family else None,
        device=kind,
    )
