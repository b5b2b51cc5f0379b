"""What the bot sent, as the plain text a user reads in LINE (tests and `namecard send`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

URI_SCHEMES = ("tel:", "mailto:", "http://", "https://")
BUBBLE_BLOCKS = ("header", "hero", "body", "footer")


def render_delivery_text(delivery: Mapping[str, Any]) -> str:
    return "\n\n".join(render_message_text(message) for message in delivery.get("messages", []))


def render_message_text(message: Mapping[str, Any]) -> str:
    """Readable text of a LINE message: text as is; flex as altText then every text and action."""
    kind = message.get("type")
    if kind in ("text", "textV2"):
        lines = [str(message.get("text", ""))]
    elif "altText" in message:
        lines = [str(message["altText"]), *_walk(message.get("contents"))]
    else:
        lines = [f"[{kind}]"]
    labels = [_action_label(item.get("action")) for item in _quick_reply_items(message)]
    if labels:
        lines.append("選項: " + " | ".join(label for label in labels if label))
    return "\n".join(line for line in lines if line)


def _quick_reply_items(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    quick_reply = message.get("quickReply")
    items = quick_reply.get("items") if isinstance(quick_reply, Mapping) else None
    return [item for item in items or [] if isinstance(item, Mapping)]


def _walk(node: Any) -> Iterator[str]:
    """Texts and actions of flex components in document order (bubble blocks in render order)."""
    if isinstance(node, list):
        for child in node:
            yield from _walk(child)
        return
    if not isinstance(node, Mapping):
        return
    text = node.get("text")
    if node.get("type") in ("text", "span") and isinstance(text, str):
        yield text
    action = node.get("action")
    if isinstance(action, Mapping) and (node.get("type") == "button" or _uri(action)):
        yield _action_line(action)
    for key in (*BUBBLE_BLOCKS, "contents"):
        if key in node and not (key == "contents" and isinstance(text, str)):
            yield from _walk(node[key])


def _uri(action: Mapping[str, Any]) -> str:
    uri = action.get("uri")
    return uri if isinstance(uri, str) and uri.startswith(URI_SCHEMES) else ""


def _action_label(action: Any) -> str:
    if not isinstance(action, Mapping):
        return ""
    return str(action.get("label") or action.get("text") or "")


def _action_line(action: Mapping[str, Any]) -> str:
    label, uri = _action_label(action), _uri(action)
    if label and uri:
        return f"{label}: {uri}"
    return label or uri
