"""`ContactMessages`' replies as domain `Reply` values, for the conversation (no LINE types)."""

from __future__ import annotations

from collections.abc import Sequence

from namecard.cards.edits import CardField
from namecard.cards.model import StoredContact
from namecard.domain.catalogue import Language
from namecard.domain.replies import Reply
from namecard.line.contact_messages import ContactMessages
from namecard.line.replies import reply_of


class ContactReplies:
    """Each method is `ContactMessages`' of the same name, as a `Reply`."""

    def __init__(self, language: Language = "zh-TW") -> None:
        self.builder = ContactMessages(language)

    def label(self, contact: StoredContact) -> str:
        return self.builder.label(contact)

    def found(self, query: str, contacts: Sequence[StoredContact], *, store_name: str) -> Reply:
        return reply_of(self.builder.found(query, contacts, store_name=store_name))

    def ask_query(self) -> Reply:
        return reply_of(self.builder.ask_query())

    def recent(self, contacts: Sequence[StoredContact], *, store_name: str) -> Reply:
        return reply_of(self.builder.recent(contacts, store_name=store_name))

    def note_added(self, contact: StoredContact) -> Reply:
        return reply_of(self.builder.note_added(contact))

    def note_ask(self, label: str) -> Reply:
        return reply_of(self.builder.note_ask(label))

    def note_empty(self) -> Reply:
        return reply_of(self.builder.note_empty())

    def note_no_card(self) -> Reply:
        return reply_of(self.builder.note_no_card())

    def choose_field(self, contact: StoredContact) -> Reply:
        return reply_of(self.builder.choose_field(contact))

    def ask_value(self, label: str, field: CardField, old: str | None) -> Reply:
        return reply_of(self.builder.ask_value(label, field, old))

    def corrected(
        self, contact: StoredContact, field: CardField, value: str, *, store_name: str
    ) -> Reply:
        return reply_of(self.builder.corrected(contact, field, value, store_name=store_name))

    def confirm_delete(self, contact: StoredContact) -> Reply:
        return reply_of(self.builder.confirm_delete(contact))

    def delete_which(
        self, query: str, contacts: Sequence[StoredContact], *, store_name: str
    ) -> Reply:
        return reply_of(self.builder.delete_which(query, contacts, store_name=store_name))

    def delete_ask(self) -> Reply:
        return reply_of(self.builder.delete_ask())

    def deleted(self, label: str, *, store_name: str) -> Reply:
        return reply_of(self.builder.deleted(label, store_name=store_name))

    def delete_expired(self) -> Reply:
        return reply_of(self.builder.delete_expired())

    def gone(self) -> Reply:
        return reply_of(self.builder.gone())

    def pending_cancelled(self) -> Reply:
        return reply_of(self.builder.pending_cancelled())

    def forgotten(self, links: int, *, store_name: str) -> Reply:
        return reply_of(self.builder.forgotten(links, store_name=store_name))

    def failed(self) -> Reply:
        return reply_of(self.builder.failed())
