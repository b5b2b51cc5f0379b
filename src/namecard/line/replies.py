"""The answers the rest of the bot asks for, as domain `Reply` values: LINE's types stay in line/.

`MessageBuilder` builds the SDK messages; `Replies` hands them out as plain JSON, which
`LineClient` sends as it is; `sdk_messages` turns a `Reply` back into SDK messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from linebot.v3.messaging import Message  # type: ignore[import-untyped, unused-ignore]

from namecard.cards.model import Card, SavedContact
from namecard.domain.catalogue import Language, Sentence
from namecard.domain.conversation import PhotoOutcome
from namecard.domain.replies import Reply
from namecard.line.messages import MAX_MESSAGES, MessageBuilder, combine

QUICK_REPLY = "quickReply"  # the JSON name of `Message.quick_reply`


def reply_of(messages: Sequence[Message]) -> Reply:
    return Reply(tuple(message.to_dict() for message in messages))


def sdk_messages(reply: Reply) -> list[Message]:
    return [Message.from_dict(payload) for payload in reply.payloads]


def _quick_reply_on_last(payloads: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    """The last quick reply offered moves to the last message, the only one LINE shows."""
    offered = [p[QUICK_REPLY] for p in payloads if p.get(QUICK_REPLY) is not None]
    moved = tuple({k: v for k, v in p.items() if k != QUICK_REPLY} for p in payloads)
    if moved and offered:
        moved[-1][QUICK_REPLY] = offered[-1]
    return moved


class Replies:
    """Each method is `MessageBuilder`'s of the same name, as a `Reply`."""

    def __init__(self, language: Language = "zh-TW") -> None:
        self.builder = MessageBuilder(language)

    @staticmethod
    def combine(*replies: Reply) -> Reply:
        """One reply of several parts (see `line.messages.combine`). Within LINE's five
        messages only the quick reply moves, done on the JSON: rebuilding every message as an
        SDK model and back cost more CPU than the rest of a cached photo's reply (issue 15)."""
        payloads = [payload for reply in replies for payload in reply.payloads]
        if len(payloads) > MAX_MESSAGES:  # texts to merge: the builder's own rules
            return reply_of(combine(*(sdk_messages(reply) for reply in replies)))
        return Reply(_quick_reply_on_last(payloads))

    def cards(
        self,
        cards: Sequence[Card],
        saved: Sequence[SavedContact | None],
        *,
        store_name: str,
        pending_save: bool = False,
        fallback_reader: bool = False,
    ) -> Reply:
        built = self.builder.card_payloads(
            cards,
            saved,
            store_name=store_name,
            pending_save=pending_save,
            fallback_reader=fallback_reader,
        )
        return Reply(tuple(built))

    def batch_summary(
        self, photos: Sequence[PhotoOutcome], *, store_name: str, ended_by_idle: bool = False
    ) -> Reply:
        built = self.builder.batch_summary(
            photos, store_name=store_name, ended_by_idle=ended_by_idle
        )
        return reply_of(built)

    def image_set(self, photos: Sequence[PhotoOutcome], *, store_name: str) -> Reply:
        return reply_of(self.builder.image_set(photos, store_name=store_name))

    def batch_status(self, photos: Sequence[PhotoOutcome]) -> Reply:
        return reply_of(self.builder.batch_status(photos))

    def batch_started(self, already_open: bool) -> Reply:
        return reply_of(self.builder.batch_started(already_open))

    def cancelled(self, had_batch: bool) -> Reply:
        return reply_of(self.builder.cancelled(had_batch))

    def batch_not_open(self) -> Reply:
        return reply_of(self.builder.batch_not_open())

    def help(self, *, batch_open: bool = False) -> Reply:
        return reply_of(self.builder.help(batch_open=batch_open))

    def hint(self, *, batch_open: bool = False) -> Reply:
        return reply_of(self.builder.hint(batch_open=batch_open))

    def welcome(self) -> Reply:
        return reply_of(self.builder.welcome())

    def external_photo(self) -> Reply:
        return reply_of(self.builder.external_photo())

    def no_card(self) -> Reply:
        return reply_of(self.builder.no_card())

    def failure(self, sentence: Sentence) -> Reply:
        return reply_of(self.builder.failure(sentence))

    def save_failed(self) -> Reply:
        return reply_of(self.builder.save_failed())

    def dead_letter(self) -> Reply:
        return reply_of(self.builder.dead_letter())

    def deferred(self, when_hhmm: str) -> Reply:
        return reply_of(self.builder.deferred(when_hhmm))

    def waiting_notice(self, waiting: int, minutes: int) -> Reply:
        return reply_of(self.builder.waiting_notice(waiting, minutes))

    def paused_notice(self, until_hhmm: str) -> Reply:
        return reply_of(self.builder.paused_notice(until_hhmm))
