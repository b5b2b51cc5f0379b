"""`GET /`: what runs here (service, version, modes) and where to go next, as a small page or as
JSON (`Accept: application/json`); the same links end `namecard serve`'s start-up log.

The links are the registered routes among `LINKS`: a page another part mounts (the web chat under
`/sim/chat`) appears once its route exists, and a new one is a line in `LINKS`."""

from __future__ import annotations

import html
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from quart import Blueprint, Quart, Response, current_app, jsonify, request

from namecard import __version__
from namecard.bootstrap.clients import SIMULATOR_PREFIX, simulator_url
from namecard.bootstrap.settings import Mode, Settings

blueprint = Blueprint("home", __name__)

SERVICE = "namecard"
SUMMARY = "LINE bot that turns photos of business cards into contacts"
# (path, what it is): listed when the app has a GET route at that path, in this order.
LINKS: tuple[tuple[str, str], ...] = (
    ("/sim/chat", "web chat"),
    ("/health", "health"),
    ("/stats", "statistics (operators)"),
    ("/performance-report", "performance report (operators)"),
    ("/metrics", "Prometheus metrics (operators)"),
)
WEBHOOK = ("/callback", "LINE webhook (POST, signed by LINE)")
EXAMPLE_PHOTO = Path("tests/fixtures/cards/tw_sales_manager.jpg")
SETTINGS_KEY = "namecard.home.settings"


def install(app: Quart, settings: Settings) -> None:
    app.extensions[SETTINGS_KEY] = settings
    app.register_blueprint(blueprint)


def service_version() -> str:
    try:
        return version(SERVICE)
    except PackageNotFoundError:  # run from a checkout without installing it
        return __version__


def links(app: Quart) -> list[tuple[str, str]]:
    """The `LINKS` whose path the app serves with GET, in `LINKS` order."""
    served = {rule.rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    return [(path, what) for path, what in LINKS if path in served]


def describe(app: Quart, settings: Settings) -> dict[str, Any]:
    """What `GET /` says: public facts only (no secret, no upstream URL)."""
    return {
        "service": SERVICE,
        "summary": SUMMARY,
        "version": service_version(),
        "modes": {name: str(mode) for name, mode in settings.modes().items()},
        "reader": settings.reader_name,
        "links": [{"path": path, "what": what} for path, what in links(app)]
        + [{"path": WEBHOOK[0], "what": WEBHOOK[1]}],
    }


@blueprint.get("/")
async def home() -> Response:
    settings: Settings = current_app.extensions[SETTINGS_KEY]
    about = describe(current_app, settings)
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if best == "application/json":
        return jsonify(about)
    return Response(render_page(about), mimetype="text/html")


def render_page(about: dict[str, Any]) -> str:
    esc = html.escape
    modes = "".join(f"<li>{esc(name)}: {esc(mode)}</li>" for name, mode in about["modes"].items())
    items = "".join(
        f'<li><a href="{esc(link["path"])}">{esc(link["path"])}</a> — {esc(link["what"])}</li>'
        if link["path"] != WEBHOOK[0]
        else f"<li><code>{esc(link['path'])}</code> — {esc(link['what'])}</li>"
        for link in about["links"]
    )
    title = f"{esc(about['service'])} {esc(about['version'])}"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>"
        f"<h1>{title}</h1><p>{esc(about['summary'])}.</p>"
        f"<h2>Modes</h2><ul>{modes}<li>card reader: {esc(about['reader'])}</li></ul>"
        f"<h2>Links</h2><ul>{items}</ul></body></html>"
    )


def base_url(settings: Settings) -> str:
    """Where this machine reaches the server (loopback when it listens on every address)."""
    return simulator_url(settings).removesuffix(SIMULATOR_PREFIX)


def next_steps(app: Quart, settings: Settings) -> list[str]:
    """The lines that end the start-up log: where to go next."""
    base = base_url(settings)
    lines = [f"namecard is ready: {base}/ says what runs here and links to the rest"]
    if settings.line_mode is Mode.EMBEDDED:
        command = _command_name()
        photo = str(EXAMPLE_PHOTO) if EXAMPLE_PHOTO.is_file() else "PHOTO"
        lines += [
            f"  send a card, from another shell here: {command} send {photo}",
            f"  chat commands: {command} send --text help   (批次, 結束批次, 狀態, 取消)",
        ]
    else:
        lines.append("  LINE webhook URL: https://<this host>/callback (LINE Developers console)")
    lines += [f"  {what}: {base}{path}" for path, what in links(app) if path == "/sim/chat"]
    lines.append(f"  health: curl {base}/health")
    return lines


def _command_name() -> str:
    """How to run `namecard` from here: the virtualenv's script when it is beside the Python
    running us (.venv/bin/namecard from the checkout), else the name on PATH."""
    script = Path(sys.executable).parent / "namecard"
    if not script.is_file():
        return "namecard"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)
