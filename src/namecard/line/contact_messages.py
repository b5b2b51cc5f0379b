"""Replies about contacts found again: search results, recent cards, notes, corrections, delete.

Contacts are shown in the same bubbles as a card just read (without the "saved to …" line),
with their 修正 / 加備註 / 刪除 buttons. Quick replies that act on one contact are postbacks
(`domain/postbacks.py`): the field to correct (`a=field&c=<id>&f=<field>`) and the delete
confirmation (`a=confirm-delete&c=<id>`); 取消, 最近 and 說明 send their command text.
"""

from __future__ import annotations

from collections.abc import Sequence

from linebot.v3.messaging import (  # type: ignore[import-untyped, unused-ignore]
    FlexContainer,
    FlexMessage,
    Message,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from namecard.cards.edits import CardField
from namecard.cards.model import StoredContact
from namecard.domain import catalogue
from namecard.domain.catalogue import Language, Sentence, compose
from namecard.domain.postbacks import Postback
from namecard.domain.postbacks import PostbackAction as Tap
from namecard.line import texts
from namecard.line.flex_buttons import MAX_BUTTON_LABEL, STORE_NOTION
from namecard.line.flex_card import MAX_BUBBLES, Style, alt_text, card_label, flex_contents
from namecard.line.messages import MAX_ACTION_TEXT, MAX_TEXT_UTF16

MAX_QUERY_SHOWN = 40
MAX_VALUE_SHOWN = 60
_Item = tuple[str, MessageAction | PostbackAction]


class ContactMessages:
    """Every reply about a stored contact, in `language`."""

    def __init__(self, language: Language = "zh-TW") -> None:
        self.language: Language = language

    # ---- search and recent -----------------------------------------------------------------
    def found(
        self, query: str, contacts: Sequence[StoredContact], *, store_name: str
    ) -> list[Message]:
        if not contacts:
            return [self._text(catalogue.SEARCH_NONE.format(query=_shown(query)),
                               self._recent(), self._help())]  # fmt: skip
        head = catalogue.SEARCH_FOUND.format(query=_shown(query), count=len(contacts))
        return [self._text(head), self._flex(contacts, store_name)]

    def ask_query(self) -> list[Message]:
        return [self._text(catalogue.SEARCH_ASK, self._recent(), self._help())]

    def recent(self, contacts: Sequence[StoredContact], *, store_name: str) -> list[Message]:
        if not contacts:
            return [self._text(catalogue.RECENT_NONE, self._help())]
        head = catalogue.RECENT_FOUND.format(count=len(contacts))
        return [self._text(head), self._flex(contacts, store_name)]

    # ---- notes --------------------------------------------------------------------------------
    def note_added(self, contact: StoredContact) -> list[Message]:
        return [self._text(catalogue.NOTE_ADDED.format(label=self.label(contact)), self._recent())]

    def note_ask(self, label: str) -> list[Message]:
        return [self._text(catalogue.NOTE_ASK.format(label=label), self._cancel())]

    def note_empty(self) -> list[Message]:
        return [self._text(catalogue.NOTE_EMPTY, self._help())]

    def note_no_card(self) -> list[Message]:
        return [self._text(catalogue.NOTE_NO_CARD, self._help())]

    # ---- corrections --------------------------------------------------------------------------
    def choose_field(self, contact: StoredContact) -> list[Message]:
        sentence = catalogue.CORRECT_WHICH.format(label=self.label(contact))
        contact_id = contact.saved.contact_id
        items = [
            self._postback(catalogue.CARD_FIELD_LABELS[field.value],
                           Postback(Tap.FIELD, contact_id, field))
            for field in CardField
        ]  # fmt: skip
        return [self._text(sentence, *items, self._cancel())]

    def ask_value(self, label: str, field: CardField, old: str | None) -> list[Message]:
        shown = texts.clip(old, MAX_VALUE_SHOWN) if old else catalogue.CORRECT_EMPTY_VALUE
        sentence = compose(catalogue.CORRECT_ASK, label=label, old=shown,
                           field=catalogue.CARD_FIELD_LABELS[field.value])  # fmt: skip
        return [self._text(sentence, self._cancel())]

    def corrected(
        self, contact: StoredContact, field: CardField, value: str, *, store_name: str
    ) -> list[Message]:
        sentence = compose(catalogue.CORRECTED, label=self.label(contact),
                           field=catalogue.CARD_FIELD_LABELS[field.value],
                           value=texts.clip(value, MAX_VALUE_SHOWN))  # fmt: skip
        return [self._text(sentence), self._flex([contact], store_name)]

    # ---- delete --------------------------------------------------------------------------------
    def confirm_delete(self, contact: StoredContact) -> list[Message]:
        sentence = catalogue.DELETE_CONFIRM.format(label=self.label(contact))
        confirm = Postback(Tap.CONFIRM_DELETE, contact.saved.contact_id)
        return [self._text(sentence, self._postback(catalogue.BUTTON_CONFIRM_DELETE, confirm),
                           self._cancel())]  # fmt: skip

    def delete_which(
        self, query: str, contacts: Sequence[StoredContact], *, store_name: str
    ) -> list[Message]:
        head = catalogue.DELETE_WHICH.format(query=_shown(query), count=len(contacts))
        return [self._text(head, self._cancel()), self._flex(contacts, store_name)]

    def delete_ask(self) -> list[Message]:
        return [self._text(catalogue.DELETE_ASK, self._recent())]

    def deleted(self, label: str, *, store_name: str) -> list[Message]:
        template = (
            catalogue.DELETED_NOTION if store_name == STORE_NOTION else catalogue.DELETED_LOCAL
        )
        return [self._text(template.format(label=label), self._recent())]

    def delete_expired(self) -> list[Message]:
        return [self._text(catalogue.DELETE_EXPIRED, self._recent())]

    # ---- the rest ------------------------------------------------------------------------------
    def gone(self) -> list[Message]:
        return [self._text(catalogue.CONTACT_GONE, self._recent(), self._help())]

    def pending_cancelled(self) -> list[Message]:
        return [self._text(catalogue.PENDING_CANCELLED, self._recent(), self._help())]

    def forgotten(self, links: int, *, store_name: str) -> list[Message]:
        store = (
            catalogue.STORE_NOTION_NAME
            if store_name == STORE_NOTION
            else catalogue.STORE_LOCAL_NAME
        )
        return [self._text(compose(catalogue.FORGOTTEN, links=links, store=store), self._help())]

    def failed(self) -> list[Message]:
        return [self._text(catalogue.CONTACT_ACTION_FAILED, self._help())]

    def label(self, contact: StoredContact) -> str:
        return card_label(contact.card, self.language)

    # ---- parts ---------------------------------------------------------------------------------
    def _flex(self, contacts: Sequence[StoredContact], store_name: str) -> FlexMessage:
        shown = contacts[:MAX_BUBBLES]
        cards = [c.card for c in shown]
        style = Style(store_name, False, self.language, listing=True)
        contents = flex_contents(cards, [c.saved for c in shown], style)
        return FlexMessage(alt_text=alt_text(cards, self.language),
                           contents=FlexContainer.from_dict(contents))  # fmt: skip

    def _text(self, sentence: Sentence, *items: _Item) -> TextMessage:
        body = texts.truncate_utf16(texts.say(sentence, self.language), MAX_TEXT_UTF16)
        quick = QuickReply(items=[QuickReplyItem(action=action) for _, action in items])
        return TextMessage(text=body, quick_reply=quick if items else None)

    def _command(self, label: Sentence, command: Sentence) -> _Item:
        shown = texts.truncate_utf16(texts.short(label, self.language), MAX_BUTTON_LABEL)
        sent = texts.truncate_utf16(texts.short(command, self.language), MAX_ACTION_TEXT)
        return shown, MessageAction(label=shown, text=sent)

    def _postback(self, label: Sentence, postback: Postback) -> _Item:
        shown = texts.truncate_utf16(texts.short(label, self.language), MAX_BUTTON_LABEL)
        action = PostbackAction(label=shown, data=postback.encode(), display_text=shown)
        return shown, action

    def _cancel(self) -> _Item:
        return self._command(catalogue.BUTTON_CANCEL, catalogue.COMMAND_CANCEL)

    def _recent(self) -> _Item:
        return self._command(catalogue.BUTTON_RECENT, catalogue.COMMAND_RECENT)

    def _help(self) -> _Item:
        return self._command(catalogue.BUTTON_HELP, catalogue.COMMAND_HELP)


def _shown(query: str) -> str:
    return texts.clip(" ".join(query.split()), MAX_QUERY_SHOWN)
