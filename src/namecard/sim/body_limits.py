"""Request-body limits per path (Quart sizes a body's limit before routing, from the config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quart.wrappers import Request


def request_class_with_limits(limits: Mapping[str, int]) -> type[Request]:
    """A request class whose body limit is `limits[path]` on those paths and the app's
    `MAX_CONTENT_LENGTH` everywhere else, so one upload route can take large bodies without
    every route taking them."""
    own = dict(limits)

    class LimitedRequest(Request):
        def __init__(self, method: str, scheme: str, path: str, *args: Any, **kwargs: Any) -> None:
            if path in own:
                kwargs["max_content_length"] = own[path]
            super().__init__(method, scheme, path, *args, **kwargs)
            if path in own:
                self.max_content_length = own[path]

    return LimitedRequest
