"""Which requests count against their client IP's hourly limit, and the 429 over it.

Counted: webhooks refused before a valid signature (forged, unsigned, oversized) and operator
requests without the operator token. Never counted: signed webhooks (LINE's own traffic),
requests with the operator token, and /health (platform probes and uptime monitors must never
be refused; it makes no outbound call).
"""

from __future__ import annotations

import math

from quart import Response, jsonify, request

from namecard.bootstrap.services import Services
from namecard.line.webhook import WebhookRejected
from namecard.metrics.counters import Count

FORWARDED_FOR = "X-Forwarded-For"
# Refused before the signature was found valid: nobody vouches for these.
UNSIGNED_REJECTIONS = frozenset(
    {Count.WEBHOOK_REJECTED_SIGNATURE, Count.WEBHOOK_REJECTED_TOO_LARGE}
)
LIMITED_COUNTER = Count.REQUESTS_IP_LIMITED


def client_ip(remote_addr: str, forwarded_for: list[str], *, trusted: int) -> str:
    """The address the outermost of our `trusted` proxies saw: the `trusted`-th entry from the
    right of X-Forwarded-For (each proxy appends the address it was reached from; entries to
    the left of ours are whatever the client wrote). The peer itself without enough entries."""
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    if trusted <= 0 or len(hops) < trusted:
        return remote_addr
    return hops[-trusted]


def request_ip(services: Services) -> str:
    return client_ip(
        request.remote_addr or "",
        request.headers.getlist(FORWARDED_FOR),
        trusted=services.settings.trusted_proxy_count,
    )


async def over_limit(services: Services) -> tuple[Response, int] | None:
    """Counts this request against its client's limit: None when allowed, else the 429."""
    if services.ip_limiter is None:
        return None
    wait = await services.ip_limiter.retry_after(request_ip(services))
    if wait <= 0:
        return None
    services.metrics.incr(LIMITED_COUNTER)
    response = jsonify(error="too many requests from this address; retry after the delay given")
    response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return response, 429


async def unsigned_over_limit(
    services: Services, rejected: WebhookRejected
) -> tuple[Response, int] | None:
    """A webhook refused before its signature was verified counts; a signed one never does."""
    if rejected.counter not in UNSIGNED_REJECTIONS:
        return None
    return await over_limit(services)
