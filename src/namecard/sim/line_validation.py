"""LINE Messaging API message validation: the `details` LINE answers for a bad `messages` array."""

from __future__ import annotations

import json
from typing import Any

MAX_MESSAGES = 5
MAX_TEXT_UTF16_UNITS = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_ALT_TEXT_CHARS = 1500
MAX_CAROUSEL_BUBBLES = 12
MAX_BUBBLE_BYTES = 30 * 1024
MAX_CAROUSEL_BYTES = 50 * 1024
MAX_ACTION_LABEL = 20  # quick-reply and button labels (LINE counts characters)
MAX_POSTBACK_DATA = 300
MAX_ACTION_TEXT = 300
MAX_URI = 1000
ACTION_TYPES = ("postback", "message", "uri", "datetimepicker", "camera", "cameraRoll",
                "location", "richmenuswitch", "clipboard")  # fmt: skip
MESSAGE_TYPES = ("text", "textV2", "image", "video", "audio", "location", "sticker",
                 "template", "imagemap", "flex")  # fmt: skip

Json = dict[str, Any]


def detail(message: str, prop: str) -> Json:
    return {"message": message, "property": prop}


def _json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def validate_messages(messages: Any) -> list[Json]:
    """LINE's `details` for a reply/push `messages` array; empty when it would be accepted."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES:
        return [detail(f"Size must be between 1 and {MAX_MESSAGES}", "messages")]
    errors: list[Json] = []
    for index, message in enumerate(messages):
        errors.extend(_validate_message(message, f"messages[{index}]"))
    return errors


def _validate_message(message: Any, prop: str) -> list[Json]:
    if not isinstance(message, dict) or message.get("type") not in MESSAGE_TYPES:
        allowed = ", ".join(MESSAGE_TYPES)
        return [detail(f"must be one of the following values: [{allowed}]", f"{prop}.type")]
    errors = _validate_quick_reply(message.get("quickReply"), prop)
    errors += _validate_actions(message, prop)
    if message["type"] == "text":
        errors += _validate_text(message.get("text"), prop)
    elif message["type"] == "flex":
        errors += _validate_flex(message, prop)
    return errors


def _validate_quick_reply(quick_reply: Any, prop: str) -> list[Json]:
    if quick_reply is None:
        return []
    items = quick_reply.get("items") if isinstance(quick_reply, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_QUICK_REPLY_ITEMS:
        limit = f"Size must be between 1 and {MAX_QUICK_REPLY_ITEMS}"
        return [detail(limit, f"{prop}.quickReply.items")]
    return []


def _actions(node: Any, prop: str) -> list[tuple[Json, str]]:
    """Every `action` object inside a message (quick replies, Flex buttons and boxes)."""
    found: list[tuple[Json, str]] = []
    if isinstance(node, dict):
        for key, child in node.items():
            if key == "action" and isinstance(child, dict):
                found.append((child, f"{prop}.action"))
            else:
                found += _actions(child, f"{prop}.{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _actions(child, f"{prop}[{index}]")
    return found


def _validate_actions(message: Json, prop: str) -> list[Json]:
    """Actions LINE would refuse: unknown type, over-long label, data, text or URI."""
    errors: list[Json] = []
    for action, where in _actions(message, prop):
        kind = action.get("type")
        if kind not in ACTION_TYPES:
            errors.append(detail(f"must be one of {list(ACTION_TYPES)}", f"{where}.type"))
            continue
        label = action.get("label")
        if label is not None and (not isinstance(label, str) or len(label) > MAX_ACTION_LABEL):
            errors.append(detail(f"Length must be at most {MAX_ACTION_LABEL}", f"{where}.label"))
        limits = {"data": MAX_POSTBACK_DATA, "displayText": MAX_ACTION_TEXT,
                  "text": MAX_ACTION_TEXT, "uri": MAX_URI}  # fmt: skip
        for key, limit in limits.items():
            value = action.get(key)
            if value is not None and (not isinstance(value, str) or not 0 < len(value) <= limit):
                errors.append(detail(f"Length must be between 1 and {limit}", f"{where}.{key}"))
        required = {"postback": "data", "message": "text", "uri": "uri"}.get(str(kind))
        if required and not isinstance(action.get(required), str):
            errors.append(detail("must be specified", f"{where}.{required}"))
    return errors


def _validate_text(text: Any, prop: str) -> list[Json]:
    if not isinstance(text, str):
        return [detail("must be specified", f"{prop}.text")]
    if len(text.encode("utf-16-le")) // 2 > MAX_TEXT_UTF16_UNITS:
        return [detail(f"Length must be between 0 and {MAX_TEXT_UTF16_UNITS}", f"{prop}.text")]
    return []


def _validate_flex(message: Json, prop: str) -> list[Json]:
    errors: list[Json] = []
    alt_text = message.get("altText")
    if not isinstance(alt_text, str) or not 1 <= len(alt_text) <= MAX_ALT_TEXT_CHARS:
        limit = f"Length must be between 1 and {MAX_ALT_TEXT_CHARS}"
        errors.append(detail(limit, f"{prop}.altText"))
    contents = message.get("contents")
    kind = contents.get("type") if isinstance(contents, dict) else None
    if kind == "bubble":
        errors += _validate_size(contents, MAX_BUBBLE_BYTES, f"{prop}.contents")
    elif kind == "carousel" and isinstance(contents, dict):
        errors += _validate_carousel(contents, f"{prop}.contents")
    else:
        errors.append(detail("must be one of [bubble, carousel]", f"{prop}.contents.type"))
    return errors


def _validate_carousel(carousel: Json, prop: str) -> list[Json]:
    bubbles = carousel.get("contents")
    if not isinstance(bubbles, list) or not 1 <= len(bubbles) <= MAX_CAROUSEL_BUBBLES:
        limit = f"Size must be between 1 and {MAX_CAROUSEL_BUBBLES}"
        return [detail(limit, f"{prop}.contents")]
    errors = _validate_size(carousel, MAX_CAROUSEL_BYTES, prop)
    for index, bubble in enumerate(bubbles):
        errors += _validate_size(bubble, MAX_BUBBLE_BYTES, f"{prop}.contents[{index}]")
    return errors


def _validate_size(value: Any, limit: int, prop: str) -> list[Json]:
    if _json_size(value) > limit:
        return [detail(f"Size must be less than or equal to {limit // 1024} KB", prop)]
    return []
