"""The app factory: routes, the embedded LINE simulator when LINE is not configured, lifecycle."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import AsyncExitStack

from quart import Quart

from namecard.api import callback, ops
from namecard.api.context import SERVICES_KEY
from namecard.services import SIMULATOR_PREFIX, Services, open_services
from namecard.settings import Mode, Settings, load_settings
from namecard.sim.body_limits import request_class_with_limits
from namecard.sim.dev_channel import load_dev_channel

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
    if settings.line_mode is Mode.EMBEDDED:
        _mount_simulator(app, settings)

    @app.while_serving
    async def lifecycle() -> AsyncGenerator[None, None]:
        async with AsyncExitStack() as stack:
            app.extensions[SERVICES_KEY] = services or await open_services(settings, stack)
            yield
            app.extensions.pop(SERVICES_KEY, None)

    return app


def _mount_simulator(app: Quart, settings: Settings) -> None:
    """The simulator plays LINE for the bot: it wants the development channel's token, as
    LINE wants the real one, on its API and on its control routes alike."""
    from namecard.sim.line import MAX_UPLOAD_BYTES, LineSimulator
    from namecard.sim.line_control import UPLOAD_RULE

    token = load_dev_channel(settings.data_dir).access_token.get_secret_value()
    simulator = LineSimulator(access_tokens={token}, control_token=token)
    app.register_blueprint(simulator.blueprint(), url_prefix=SIMULATOR_PREFIX)
    upload = f"{SIMULATOR_PREFIX}{UPLOAD_RULE}"
    app.request_class = request_class_with_limits({upload: MAX_UPLOAD_BYTES})


def body_limit(settings: Settings) -> int:
    return max(MIN_BODY_BYTES, WEBHOOK_BODY_ROOM * settings.max_webhook_body_bytes)
