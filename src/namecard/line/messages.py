"""Pure builders of the LINE messages the bot sends: the contact card, texts, quick replies."""

from __future__ import annotations

from collections.abc import Sequence

from linebot.v3.messaging import (  # type: ignore[import-untyped, unused-ignore]
    FlexContainer,
    FlexMessage,
    Message,
    MessageAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from namecard.cards.model import Card, SavedContact
from namecard.line import texts
from namecard.line.flex_card import (
    MAX_BUBBLES,
    MAX_BUTTON_LABEL,
    alt_text,
    flex_contents,
    saved_entry,
)

# LINE Messaging API limits (external-apis.md §A.8).
MAX_MESSAGES = 5
MAX_TEXT_UTF16 = 5000
MAX_QUICK_REPLIES = 13
MAX_ACTION_TEXT = 300


def text_message(text: str, *, quick_replies: Sequence[tuple[str, str]] = ()) -> TextMessage:
    """A text cut to LINE's 5,000 UTF-16 units, with optional (label, text) quick replies."""
    if not text.strip():
        raise ValueError("LINE rejects an empty text message")
    items = [
        QuickReplyItem(
            action=MessageAction(
                label=texts.truncate_utf16(label.strip(), MAX_BUTTON_LABEL),
                text=texts.truncate_utf16(reply.strip(), MAX_ACTION_TEXT),
            )
        )
        for label, reply in quick_replies
        if label.strip() and reply.strip()
    ][:MAX_QUICK_REPLIES]
    quick_reply = QuickReply(items=items) if items else None
    body = texts.truncate_utf16(texts.without_surrogates(text), MAX_TEXT_UTF16)
    return TextMessage(text=body, quick_reply=quick_reply)


def help_messages() -> list[Message]:
    return [_with_help_button(texts.HELP)]


def welcome_messages() -> list[Message]:
    return [_with_help_button(texts.WELCOME)]


def hint_messages() -> list[Message]:
    return [_with_help_button(texts.HINT)]


def no_card_messages() -> list[Message]:
    return [text_message(texts.NO_CARD)]


def failure_messages(user_sentence: str) -> list[Message]:
    """The friendly sentence of a NamecardError (never exception text); a generic one if blank."""
    return [text_message(user_sentence if user_sentence.strip() else texts.GENERIC_FAILURE)]


def card_messages(
    cards: Sequence[Card],
    saved: Sequence[SavedContact | None],
    *,
    store_name: str,
    pending_save: bool = False,
) -> list[Message]:
    """One Flex message (a bubble, or a carousel of up to 12) plus a note for any cards beyond 12.

    `saved[i]` is where `cards[i]` went; None (or a missing entry) means the save failed, unless
    `pending_save` says it has not finished yet. No cards at all gives the "no card" sentence.
    """
    if not cards:
        return no_card_messages()
    contents = flex_contents(cards, saved, store_name, pending_save)
    flex = FlexMessage(alt_text=alt_text(cards), contents=FlexContainer.from_dict(contents))
    messages: list[Message] = [flex]
    hidden = range(MAX_BUBBLES, len(cards))
    if hidden:
        saved_hidden = sum(saved_entry(saved, i) is not None for i in hidden)
        note = texts.overflow_note(
            len(hidden), saved_hidden, store_name=store_name, pending=pending_save
        )
        messages.append(text_message(note))
    return messages[:MAX_MESSAGES]


def _with_help_button(text: str) -> TextMessage:
    return text_message(text, quick_replies=[(texts.HELP_BUTTON_LABEL, texts.HELP_BUTTON_TEXT)])
