"""Who may use the web chat: a browser on this machine, talking to this machine by name.

The chat page carries no token (a person opens it by typing the address), and through it one
can speak as any LINE user and read what the bot answered them. So every request must come
from a loopback peer, whatever HOST and SIM_ALLOW_REMOTE say; its Host header must name a
loopback address (a web page whose domain was re-pointed at 127.0.0.1, "DNS rebinding", is
refused); and a request that changes something must be same-origin (no `Origin` from another
site) with a JSON or image body, which no other site can send without a CORS preflight this
app never approves.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost"})
WRITE_TYPES = ("application/json", "image/")
SAFE_METHODS = frozenset({"GET", "HEAD"})


def is_loopback_address(address: str | None) -> bool:
    if not address:
        return False
    host = address.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name of a Host header, without its port (`[::1]:8080` → `::1`)."""
    return urlsplit(f"//{host_header}").hostname or ""


def refusal(
    *, method: str, peer: str | None, host: str, origin: str | None, content_type: str
) -> str | None:
    """Why a request is refused, or None when it may go on."""
    if not is_loopback_address(peer):
        return "the web chat answers this machine only"
    if not is_loopback_address(host_name(host)):
        return "open the web chat as http://127.0.0.1 or http://localhost"
    if method in SAFE_METHODS:
        return None
    if origin is not None and urlsplit(origin).netloc != host:
        return "requests from other sites are refused"
    if not content_type.lower().startswith(WRITE_TYPES):
        return "send JSON or an image"
    return None
