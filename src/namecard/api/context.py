"""Where routes find the running services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quart import current_app

if TYPE_CHECKING:
    from namecard.bootstrap.services import Services

SERVICES_KEY = "namecard.bootstrap.services"


def get_services() -> Services | None:
    """The services of the running app, or None before start-up finished."""
    services: Services | None = current_app.extensions.get(SERVICES_KEY)
    return services
