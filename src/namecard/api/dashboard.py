"""/dashboard: the performance report as one self-contained page (its CSS and JS are the app's
own, inlined; the charts are SVG drawn by that JS), for an operator's browser.

A browser cannot send `Authorization: Bearer`, so this page also takes STATS_TOKEN as the
password of HTTP Basic authentication (the browser asks for it once and repeats it).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from functools import cache
from importlib import resources
from typing import Any

from quart import request
from werkzeug.datastructures import MIMEAccept

from namecard.bootstrap.settings import Settings

BROWSER_ROUTES = frozenset({"/dashboard", "/performance-report"})
BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="namecard operators", charset="UTF-8"'}
# Nothing but what the page carries inline may load: no external script, style, font or image.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
TITLE = "namecard · performance"


def wants_html(accept: MIMEAccept) -> bool:
    """A browser asking for the report (Accept prefers text/html over JSON)."""
    return accept.quality("text/html") > accept.quality("application/json")


def presents_password(settings: Settings) -> bool:
    """HTTP Basic credentials whose password is STATS_TOKEN (any user name)."""
    token = settings.stats_token
    header = request.headers.get("Authorization", "")
    if token is None or not header.startswith("Basic "):
        return False
    try:
        decoded = base64.b64decode(header.removeprefix("Basic "), validate=True)
    except (binascii.Error, ValueError):
        return False
    password = decoded.partition(b":")[2]
    return hmac.compare_digest(password, token.get_secret_value().encode())


def render_page(figures: dict[str, Any], stats: dict[str, Any]) -> str:
    data = json.dumps(
        {"report": figures, "stats": _page_stats(stats)}, ensure_ascii=False, default=str
    ).replace("</", "<\\/")  # the JSON cannot close its script element
    style, script = _asset("dashboard.css"), _asset("dashboard.js")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{TITLE}'
        f"</title><style>{style}</style></head><body>"
        '<header><h1>namecard · performance</h1><p id="period"></p></header><main>'
        '<section id="kpis" class="tiles"></section>'
        '<section id="figures" class="tiles small"></section>'
        '<section class="charts"><figure><figcaption>Photo-to-reply per hour (s)</figcaption>'
        '<div id="latency-chart" class="chart"></div></figure>'
        "<figure><figcaption>Photos per hour (errors in red)</figcaption>"
        '<div id="throughput-chart" class="chart"></div></figure></section>'
        '<section class="charts"><figure><figcaption>Where the time goes: p50 / p95 per step (s)'
        '</figcaption><div id="steps-chart" class="chart"></div></figure>'
        '<figure><figcaption>Who read the cards</figcaption><div id="readers"></div></figure>'
        "</section>"
        '<section><h2>Recommendations</h2><ul id="recommendations"></ul></section>'
        '<section><h2>Gemini keys</h2><table id="quota"></table></section>'
        '<section><h2>Instances</h2><table id="instances"></table></section>'
        f'</main><script type="application/json" id="data">{data}</script>'
        f"<script>{script}</script></body></html>"
    )


def _page_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of /stats: the key quota and the instances."""
    ai = stats.get("ai_processor_stats", {})
    return {
        "quota": ai.get("api_quota_status", {}),
        "instances": stats.get("instances", {}),
        "processed": ai.get("instances", {}),
    }


@cache
def _asset(name: str) -> str:
    return resources.files("namecard.api").joinpath("assets", name).read_text(encoding="utf-8")
