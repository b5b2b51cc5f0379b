"""Operator endpoints: /health (no outbound calls), /stats, /performance-report (and its
page, /dashboard), /metrics."""

from __future__ import annotations

import hmac
from typing import Any

from quart import Blueprint, Response, jsonify, request

from namecard.api import dashboard, limits
from namecard.api.context import get_services
from namecard.bootstrap.services import Services
from namecard.bootstrap.settings import Settings
from namecard.metrics import prometheus, report

blueprint = Blueprint("ops", __name__)

# "/": the home page (api/home.py) says what /health says, and links; public like it.
PUBLIC_ROUTES = frozenset({"/health", "/callback", "/"})
DEFAULT_REPORT_HOURS = 24.0
BEARER_PREFIX = "Bearer "


@blueprint.get("/health")
async def health() -> tuple[Response, int]:
    services = get_services()
    if services is None:
        return jsonify(status="starting"), 503
    if not services.accepting:
        return jsonify(status="shutting_down", queue_depth=await services.queue_depth()), 503
    problems = services.problems()
    return jsonify(
        status="degraded" if problems else "healthy",
        problems=[problem.public() for problem in problems],
        uptime_seconds=round(services.metrics.uptime(), 1),
        queue_depth=await services.queue_depth(),
        active_tasks=services.metrics.active_tasks,
        modes=services.settings.modes(),
    ), 200


@blueprint.before_request
async def _guard_operator_endpoints() -> tuple[Response, int] | None:
    """/stats, /performance-report and /metrics need STATS_TOKEN when one is configured;
    without it, each client IP has IP_RATE_PER_HOUR of them."""
    services = get_services()
    if request.path in PUBLIC_ROUTES or services is None:
        return None
    if presents_operator_token(services.settings):
        return None
    browser = request.path in dashboard.BROWSER_ROUTES
    if browser and dashboard.presents_password(services.settings):
        return None
    if (limited := await limits.over_limit(services)) is not None:
        return limited
    if services.settings.stats_token is None:
        return None
    refused = jsonify(error="operator token required (Authorization: Bearer <STATS_TOKEN>)")
    if browser:  # a browser asks for the token as a password
        refused.headers.update(dashboard.BASIC_CHALLENGE)
    return refused, 401


def presents_operator_token(settings: Settings) -> bool:
    """The request carries exactly `Authorization: Bearer <STATS_TOKEN>` (RFC 6750's scheme;
    a bare token or another scheme is refused), compared in constant time."""
    token = settings.stats_token
    if token is None:
        return False
    expected = (BEARER_PREFIX + token.get_secret_value()).encode()
    return hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected)


@blueprint.get("/stats")
async def stats() -> tuple[Response, int]:
    services = get_services()
    if services is None:
        return jsonify(status="starting"), 503
    return jsonify(await services.stats()), 200


@blueprint.get("/performance-report")
async def performance_report() -> tuple[Response, int] | Response:
    services = get_services()
    if services is None:
        return jsonify(status="starting"), 503
    raw = request.args.get("hours", str(DEFAULT_REPORT_HOURS))
    try:
        hours = float(raw)
    except ValueError:
        return jsonify(error="hours must be a number, e.g. ?hours=24"), 400
    if not 0 < hours <= report.REPORT_MAX_HOURS:
        return jsonify(error=f"hours must be between 0 and {report.REPORT_MAX_HOURS}"), 400
    figures = await services.performance_report(hours)
    if dashboard.wants_html(request.accept_mimetypes):
        return await _dashboard_page(services, figures)
    return jsonify(figures), 200


@blueprint.get("/dashboard")
async def dashboard_page() -> tuple[Response, int] | Response:
    """The report as a page: KPI tiles, charts, key quota, instances (no external assets)."""
    services = get_services()
    if services is None:
        return jsonify(status="starting"), 503
    hours = request.args.get("hours", str(DEFAULT_REPORT_HOURS))
    try:
        period = min(max(float(hours), 1.0), float(report.REPORT_MAX_HOURS))
    except ValueError:
        period = DEFAULT_REPORT_HOURS
    return await _dashboard_page(services, await services.performance_report(period))


async def _dashboard_page(services: Services, figures: dict[str, Any]) -> Response:
    stats = await services.stats()
    page = dashboard.render_page(figures, stats)
    return Response(page, mimetype="text/html", headers=dashboard.PAGE_HEADERS)


@blueprint.get("/metrics")
async def metrics() -> Response:
    services = get_services()
    if services is None:
        return Response("starting\n", status=503, mimetype="text/plain")
    if services.metrics.prom is not None and (depth := await services.queue_depth()) is not None:
        services.metrics.prom.queue_depth.set(depth)
    body = prometheus.render(services.prometheus_registry)
    return Response(body, mimetype="text/plain; version=0.0.4")
