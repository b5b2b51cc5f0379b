"""The embedded LINE simulator mounted on the app when LINE is not configured, with its web chat."""

from __future__ import annotations

import logging
from collections.abc import Callable

from quart import Quart

from namecard.bootstrap.clients import SIMULATOR_PREFIX, simulator_url
from namecard.bootstrap.settings import Settings
from namecard.sim.body_limits import request_class_with_limits
from namecard.sim.dev_channel import load_dev_channel

logger = logging.getLogger(__name__)


def mount_simulator(
    app: Quart, settings: Settings, *, stopping: Callable[[], bool] = lambda: False
) -> None:
    """The simulator plays LINE for the bot: it wants the development channel's token, as
    LINE wants the real one, on its API and on its control routes alike. The web chat at
    `/sim/chat` plays a LINE user against both; it answers this machine only, and
    `stopping` (the app is draining) ends its open feed polls."""
    from namecard.sim.line import MAX_UPLOAD_BYTES, LineSimulator
    from namecard.sim.line_control import UPLOAD_RULE
    from namecard.sim.web_chat import CHAT_PREFIX, MAX_PHOTO_BYTES, PHOTO_RULE, WebChat

    channel = load_dev_channel(settings.data_dir)
    token = channel.access_token.get_secret_value()
    simulator = LineSimulator(access_tokens={token}, control_token=token)
    app.register_blueprint(simulator.blueprint(), url_prefix=SIMULATOR_PREFIX)
    secret = channel.secret.get_secret_value()
    chat = WebChat(simulator, callback_url(settings), secret, stopping=stopping)
    app.register_blueprint(chat.blueprint(), url_prefix=CHAT_PREFIX)
    chat_url = callback_url(settings).removesuffix("/callback") + CHAT_PREFIX
    logger.info("try the bot in a browser on this machine: %s", chat_url)
    app.request_class = request_class_with_limits(
        {
            f"{SIMULATOR_PREFIX}{UPLOAD_RULE}": MAX_UPLOAD_BYTES,
            f"{CHAT_PREFIX}{PHOTO_RULE}": MAX_PHOTO_BYTES,
        }
    )


def callback_url(settings: Settings) -> str:
    """Where the web chat posts its webhooks: this app's own `/callback`, on loopback."""
    return simulator_url(settings).removesuffix(SIMULATOR_PREFIX) + "/callback"
