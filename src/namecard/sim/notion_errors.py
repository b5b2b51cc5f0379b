"""Notion emulator error answers: the error object and the builders for its usual causes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

_NOT_SHARED = "Make sure the relevant pages and databases are shared with your integration."

JsonDict = dict[str, Any]


class NotionApiError(Exception):
    """An error answer: becomes `{"object": "error", ...}` with `status` and optional headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        additional_data: JsonDict | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})
        self.additional_data = additional_data

    def body(self, request_id: str) -> JsonDict:
        body: JsonDict = {"object": "error", "status": self.status, "code": self.code}
        body.update(message=self.message, request_id=request_id)
        if self.additional_data is not None:
            body["additional_data"] = self.additional_data
        return body


def validation_error(message: str) -> NotionApiError:
    return NotionApiError(400, "validation_error", message)


def not_found(kind: str, raw_id: str) -> NotionApiError:
    return NotionApiError(
        404, "object_not_found", f"Could not find {kind} with ID: {raw_id}. {_NOT_SHARED}"
    )


def parse_uuid(raw: str, where: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise validation_error(
            f'path failed validation: path.{where} should be a valid uuid, instead was `"{raw}"`.'
        ) from None


def shape_error(path: str, expected: str, got: Any) -> NotionApiError:
    shown = json.dumps(got, ensure_ascii=False) if got is not None else "undefined"
    return validation_error(
        f"body failed validation: {path} should be {expected}, instead was `{shown}`."
    )


def check_length(path: str, size: int, limit: int) -> None:
    if size > limit:
        raise validation_error(
            f"body failed validation: {path}.length should be ≤ `{limit}`, instead was `{size}`."
        )
