"""The embedded LINE simulator mounted on the app when LINE is not configured."""

from __future__ import annotations

from quart import Quart

from namecard.bootstrap.clients import SIMULATOR_PREFIX
from namecard.bootstrap.settings import Settings
from namecard.sim.body_limits import request_class_with_limits
from namecard.sim.dev_channel import load_dev_channel


def mount_simulator(app: Quart, settings: Settings) -> None:
    """The simulator plays LINE for the bot: it wants the development channel's token, as
    LINE wants the real one, on its API and on its control routes alike."""
    from namecard.sim.line import MAX_UPLOAD_BYTES, LineSimulator
    from namecard.sim.line_control import UPLOAD_RULE

    token = load_dev_channel(settings.data_dir).access_token.get_secret_value()
    simulator = LineSimulator(access_tokens={token}, control_token=token)
    app.register_blueprint(simulator.blueprint(), url_prefix=SIMULATOR_PREFIX)
    upload = f"{SIMULATOR_PREFIX}{UPLOAD_RULE}"
    app.request_class = request_class_with_limits({upload: MAX_UPLOAD_BYTES})
