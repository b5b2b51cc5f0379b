"""The Hypercorn target: `hypercorn namecard.asgi:app` (this import is the process's start).

Settings that do not validate (a production start without LINE credentials, say) stop the
process with the sentence naming the variables and exit code 2, not an import traceback."""

import sys

from pydantic import ValidationError

from namecard.api.app import create_app
from namecard.bootstrap.logging_setup import configure_from
from namecard.bootstrap.settings import describe_errors, load_settings

try:
    settings = load_settings()
except ValidationError as exc:
    print(f"namecard: {describe_errors(exc)}", file=sys.stderr)
    raise SystemExit(2) from None
configure_from(settings)
app = create_app(settings)
