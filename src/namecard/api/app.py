"""The app factory: routes, the embedded LINE simulator when LINE is not configured, lifecycle."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import AsyncExitStack

from quart import Quart

from namecard.api import callback, home, ops
from namecard.api.context import SERVICES_KEY
from namecard.bootstrap.services import Services, open_services
from namecard.bootstrap.settings import Mode, Settings, load_settings
from namecard.bootstrap.simulator import mount_simulator

# /callback refuses bodies over MAX_WEBHOOK_BODY_KB itself (413, counted in /stats); the app's
# limit leaves it room to see a body somewhat over that, and Quart refuses anything larger.
MIN_BODY_BYTES = 1024 * 1024
WEBHOOK_BODY_ROOM = 2


def create_app(settings: Settings | None = None, services: Services | None = None) -> Quart:
    """Build the app. With `services` given the caller owns their lifecycle (tests)."""
    settings = settings or load_settings()
    app = Quart("namecard")
    app.config["MAX_CONTENT_LENGTH"] = body_limit(settings)
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.register_blueprint(callback.blueprint)
    app.register_blueprint(ops.blueprint)
    home.install(app, settings)  # GET /: what runs here and the links (issue 17)
    if settings.line_mode is Mode.EMBEDDED:
        mount_simulator(app, settings, stopping=lambda: _draining(app))

    @app.while_serving
    async def lifecycle() -> AsyncGenerator[None, None]:
        async with AsyncExitStack() as stack:
            app.extensions[SERVICES_KEY] = services or await open_services(settings, stack)
            yield
            app.extensions.pop(SERVICES_KEY, None)

    return app


def _draining(app: Quart) -> bool:
    services: Services | None = app.extensions.get(SERVICES_KEY)
    return services is not None and not services.accepting


def body_limit(settings: Settings) -> int:
    return max(MIN_BODY_BYTES, WEBHOOK_BODY_ROOM * settings.max_webhook_body_bytes)
