"""The LINE simulator's `/_sim` control routes, to drive it over HTTP from another process."""

from __future__ import annotations

import functools
import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from quart import Response, request

from namecard.sim.line_control_input import (
    ContentQuery,
    DelayRequest,
    DeliveriesQuery,
    FaultRequest,
    ReplyTokenRequest,
    describe,
)
from namecard.sim.line_validation import Json

if TYPE_CHECKING:
    from namecard.sim.line import LineSimulator


View = Callable[[], Awaitable[Response]]
UPLOAD_RULE = "/_sim/content"


class ControlViews:
    """Views for the `/_sim/*` rules; they only use the simulator's public control API.

    With a `token` every one of them wants `Authorization: Bearer <token>` (the embedded
    simulator's: it shows every user's replies and photos)."""

    def __init__(
        self, sim: LineSimulator, endpoints: tuple[str, ...], token: str | None = None
    ) -> None:
        self._sim = sim
        self._endpoints = endpoints
        self._token = token

    def routes(self) -> list[tuple[str, Callable[..., Any], str]]:
        return [(rule, self._guarded(view), method) for rule, view, method in self._views()]

    def _guarded(self, view: View) -> View:
        @functools.wraps(view)
        async def guarded() -> Response:
            if not self._allowed(request.headers.get("Authorization", "")):
                return _control({"message": "a valid bearer token is required"}, 401)
            try:
                return await view()
            except ValidationError as exc:
                return _control({"message": describe(exc)}, 400)

        return guarded

    def _allowed(self, header: str) -> bool:
        if self._token is None:
            return True
        scheme, _, token = header.partition(" ")
        expected = self._token.encode()
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected)

    def _views(self) -> list[tuple[str, View, str]]:
        return [
            (UPLOAD_RULE, self._sim_content, "POST"),
            ("/_sim/reply-token", self._sim_reply_token, "POST"),
            ("/_sim/deliveries", self._sim_deliveries, "GET"),
            ("/_sim/calls", self._sim_calls, "GET"),
            ("/_sim/reset", self._sim_reset, "POST"),
            ("/_sim/fail-next", self._sim_fail_next, "POST"),
            ("/_sim/delay-next", self._sim_delay_next, "POST"),
        ]

    async def _sim_content(self) -> Response:
        query = ContentQuery.model_validate(request.args.to_dict())
        data = await request_body()
        content_type = request.headers.get("Content-Type", "application/octet-stream")
        try:
            message_id = self._sim.add_content(
                data, content_type, not_ready=query.not_ready, chunked=query.chunked
            )
        except ValueError as exc:
            return _control({"message": str(exc)}, 413)
        return _control({"messageId": message_id})

    async def _sim_reply_token(self) -> Response:
        asked = ReplyTokenRequest.model_validate(_json_object(await request_body()))
        return _control({"replyToken": self._sim.issue_reply_token(asked.user_id)})

    async def _sim_deliveries(self) -> Response:
        query = DeliveriesQuery.model_validate(request.args.to_dict())
        found = self._sim.deliveries(query.user_id or None)
        listed = [d.to_json() for d in found[query.after :]]
        return _control({"deliveries": listed, "total": len(found)})

    async def _sim_calls(self) -> Response:
        return _control({"calls": [asdict(call) for call in self._sim.calls]})

    async def _sim_reset(self) -> Response:
        self._sim.reset()
        return _control({})

    async def _sim_fail_next(self) -> Response:
        fault = FaultRequest.model_validate(_json_object(await request_body()))
        if fault.endpoint not in self._endpoints:
            return self._unknown_endpoint()
        self._sim.fail_next(fault.endpoint, fault.status, fault.body, fault.times)
        return _control({})

    async def _sim_delay_next(self) -> Response:
        delay = DelayRequest.model_validate(_json_object(await request_body()))
        if delay.endpoint not in self._endpoints:
            return self._unknown_endpoint()
        self._sim.delay_next(delay.endpoint, delay.seconds, delay.times)
        return _control({})

    def _unknown_endpoint(self) -> Response:
        return _control({"message": f"endpoint must be one of {self._endpoints}"}, 400)


async def request_body() -> bytes:
    return await request.get_data(cache=True, as_text=False, parse_form_data=False)


def _control(body: Json, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, content_type="application/json")


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _json_object(raw: bytes) -> Json:
    parsed = parse_json(raw)
    return parsed if isinstance(parsed, dict) else {}
