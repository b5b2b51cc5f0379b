"""The Hypercorn target: `hypercorn namecard.asgi:app` (this import is the process's start)."""

from namecard.api.app import create_app
from namecard.bootstrap.logging_setup import configure_logging
from namecard.bootstrap.settings import load_settings

settings = load_settings()
configure_logging(settings.log_level)
app = create_app(settings)
