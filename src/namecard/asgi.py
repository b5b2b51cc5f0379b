"""The Hypercorn target: `hypercorn namecard.asgi:app` (this import is the process's start)."""

from namecard.app import create_app
from namecard.logging_setup import configure_logging
from namecard.settings import load_settings

settings = load_settings()
configure_logging(settings.log_level)
app = create_app(settings)
