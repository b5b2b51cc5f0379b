"""Pure builders of the LINE messages the bot sends, in the reply language, within LINE's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from linebot.v3.messaging import (  # type: ignore[import-untyped, unused-ignore]
    FlexMessage,
    Message,
    MessageAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from namecard.cards.model import Card, SavedContact
from namecard.domain import catalogue
from namecard.domain.catalogue import Language, Sentence, compose
from namecard.domain.conversation import PhotoOutcome
from namecard.line import summary, texts
from namecard.line.flex_buttons import MAX_BUTTON_LABEL
from namecard.line.flex_card import (
    MAX_BUBBLES,
    Style,
    alt_text,
    flex_contents,
    saved_entry,
    saved_note,
    saving_note,
)

# LINE Messaging API limits (external-apis.md §A.8).
MAX_MESSAGES = 5
MAX_TEXT_UTF16 = 5000
MAX_QUICK_REPLIES = 13
MAX_ACTION_TEXT = 300
MAX_CAROUSELS = MAX_MESSAGES - 1  # an image set keeps one message for its summary text
MERGED_TEXT_SEPARATOR = "\n\n"

Button = tuple[Sentence, Sentence]  # the label shown, the command text it sends
HELP = (catalogue.BUTTON_HELP, catalogue.COMMAND_HELP)
BATCH = (catalogue.BUTTON_BATCH, catalogue.COMMAND_BATCH)
END_BATCH = (catalogue.BUTTON_END_BATCH, catalogue.COMMAND_END_BATCH)
STATUS = (catalogue.BUTTON_STATUS, catalogue.COMMAND_STATUS)
CANCEL = (catalogue.BUTTON_CANCEL, catalogue.COMMAND_CANCEL)


def text_message(text: str, *, quick_replies: Sequence[tuple[str, str]] = ()) -> TextMessage:
    """A text cut to LINE's 5,000 UTF-16 units, with optional (label, text) quick replies."""
    if not text.strip():
        raise ValueError("LINE rejects an empty text message")
    body = texts.truncate_utf16(texts.without_surrogates(text), MAX_TEXT_UTF16)
    return TextMessage(text=body, quick_reply=_quick_reply(quick_replies))


def combine(*groups: list[Message]) -> list[Message]:
    """One reply of several parts: ≤ 5 messages by merging trailing texts (never a Flex); the
    last quick reply offered moves to the last message, the only one LINE shows."""
    messages = [message for group in groups for message in group]
    while len(messages) > MAX_MESSAGES:
        messages = _merge_last_texts(messages)
    offered = [m.quick_reply for m in messages if m.quick_reply is not None]
    return [
        message.copy(update={"quick_reply": offered[-1] if last and offered else None})
        for last, message in zip(_last_flags(len(messages)), messages, strict=True)
    ]


class MessageBuilder:
    """Every reply the bot sends, rendered in `language` ("zh-TW", "en" or "both")."""

    def __init__(self, language: Language = "zh-TW") -> None:
        self.language: Language = language

    combine = staticmethod(combine)

    # ---- conversation ---------------------------------------------------------------------
    def help(self, *, batch_open: bool = False) -> list[Message]:
        return [self._text(catalogue.HELP, *self._next_steps(batch_open))]

    def welcome(self) -> list[Message]:
        return [self._text(catalogue.WELCOME, BATCH, HELP)]

    def hint(self, *, batch_open: bool = False) -> list[Message]:
        return [self._text(catalogue.HINT, *self._next_steps(batch_open))]

    def no_card(self) -> list[Message]:
        return [self._text(catalogue.NO_CARD, HELP)]

    def failure(self, sentence: Sentence) -> list[Message]:
        """The friendly sentence of a NamecardError (never exception text); generic if blank."""
        return [self._text(sentence if sentence.zh.strip() else catalogue.GENERIC_FAILURE, HELP)]

    # ---- cards ------------------------------------------------------------------------------
    def cards(
        self,
        cards: Sequence[Card],
        saved: Sequence[SavedContact | None],
        *,
        store_name: str,
        pending_save: bool = False,
        fallback_reader: bool = False,
    ) -> list[Message]:
        """One Flex message (a bubble, or a carousel of up to 12), a note for any cards beyond 12,
        and the offline-reader note. `saved[i]` is where `cards[i]` went (None: not saved, or
        not yet when `pending_save`). No cards at all gives the "no card" sentence."""
        payloads = self.card_payloads(
            cards, saved, store_name=store_name, pending_save=pending_save,
            fallback_reader=fallback_reader,
        )  # fmt: skip
        return [Message.from_dict(payload) for payload in payloads]

    def card_payloads(
        self,
        cards: Sequence[Card],
        saved: Sequence[SavedContact | None],
        *,
        store_name: str,
        pending_save: bool = False,
        fallback_reader: bool = False,
    ) -> list[dict[str, Any]]:
        """`cards` as the JSON LINE receives. The Flex message is written as JSON directly:
        validating it as SDK models and dumping it again was the largest CPU cost of a
        photo's reply (issue 15); `cards` (and the tests through it) still validates it."""
        if not cards:
            return [message.to_dict() for message in self.no_card()]
        style = Style(store_name, pending_save, self.language)
        payloads = [self._flex_payload(cards, saved, style)]
        hidden = range(MAX_BUBBLES, len(cards))
        if hidden:
            saved_hidden = sum(saved_entry(saved, i) is not None for i in hidden)
            payloads.append(self._text(_overflow_note(len(hidden), saved_hidden, style)).to_dict())
        if fallback_reader:
            payloads.append(self._text(catalogue.OFFLINE_READER).to_dict())
        return payloads

    def image_set(self, photos: Sequence[PhotoOutcome], *, store_name: str) -> list[Message]:
        """One reply for photos sent together: carousels of all their cards in photo order
        (12 a carousel, up to 4), then one summary line."""
        pairs = [(c, saved_entry(p.saved, i)) for p in photos for i, c in enumerate(p.cards)]
        shown = pairs[: MAX_CAROUSELS * MAX_BUBBLES]
        style = Style(store_name, False, self.language)
        messages: list[Message] = [
            self._flex([c for c, _ in chunk], [s for _, s in chunk], style)
            for chunk in (shown[i : i + MAX_BUBBLES] for i in range(0, len(shown), MAX_BUBBLES))
        ]
        hidden = len(pairs) - len(shown)
        line, failed = summary.image_set_line(photos, saved_note(store_name), hidden)
        messages.append(self._text(line, *((HELP,) if failed else ())))
        return messages

    # ---- batch mode --------------------------------------------------------------------------
    def batch_started(self, already_open: bool) -> list[Message]:
        sentence = catalogue.BATCH_ALREADY_OPEN if already_open else catalogue.BATCH_STARTED
        return [self._text(sentence, END_BATCH, STATUS, CANCEL)]

    def batch_status(self, photos: Sequence[PhotoOutcome]) -> list[Message]:
        """Done / failed / in progress, then the latest few photos on one line."""
        total = summary.counts(photos)
        head = catalogue.BATCH_STATUS.format(
            done=total.done, failed=total.failed, pending=total.pending
        )
        tail = summary.latest(photos) if photos else catalogue.BATCH_EMPTY
        return [self._text(_lines(head, tail), END_BATCH, CANCEL)]

    def batch_summary(
        self, photos: Sequence[PhotoOutcome], *, store_name: str, ended_by_idle: bool = False
    ) -> list[Message]:
        """Every photo in order (a line per card, a line per failure with its reason and what to
        do, a line per photo still in progress) under a header of totals; split into up to 5
        texts when longer than one may be."""
        total = summary.counts(photos)
        head = [self._say(catalogue.BATCH_IDLE_ENDED)] if ended_by_idle else []
        head.append(self._say(_summary_head(total, saved_note(store_name))))
        lines = [
            (self._say(line), success)
            for photo in sorted(photos, key=lambda p: p.seq)
            for line, success in summary.photo_lines(photo)
        ]
        parts = summary.pack(head, lines, catalogue.BATCH_MORE, self.language)
        marked = [parts[0]] + [
            f"{self._say(catalogue.BATCH_CONTINUED.format(part=i, parts=len(parts)))}\n{part}"
            for i, part in enumerate(parts[1:], start=2)
        ]
        return [text_message(part) for part in marked[:-1]] + [
            text_message(marked[-1], quick_replies=self._buttons(BATCH, HELP))
        ]

    def batch_not_open(self) -> list[Message]:
        return [self._text(catalogue.BATCH_NOT_OPEN, BATCH, HELP)]

    def cancelled(self, had_batch: bool) -> list[Message]:
        sentence = catalogue.CANCELLED_BATCH if had_batch else catalogue.CANCELLED_NOTHING
        return [self._text(sentence, BATCH, HELP)]

    # ---- notices -------------------------------------------------------------------------------
    def waiting_notice(self, waiting: int, minutes: int) -> list[Message]:
        return [self._text(catalogue.WAITING.format(waiting=waiting, minutes=max(1, minutes)))]

    def paused_notice(self, until_hhmm: str) -> list[Message]:
        return [self._text(catalogue.PAUSED.format(until=until_hhmm))]

    def deferred(self, when_hhmm: str) -> list[Message]:
        return [self._text(catalogue.DEFERRED.format(when=when_hhmm))]

    def timeout(self) -> list[Message]:
        return self.failure(catalogue.TIMEOUT)

    def save_failed(self) -> list[Message]:
        return self.failure(catalogue.STORE_FAILED)

    def dead_letter(self) -> list[Message]:
        return self.failure(catalogue.DEAD_LETTER)

    def external_photo(self) -> list[Message]:
        return self.failure(catalogue.EXTERNAL_PHOTO)

    # ---- parts ---------------------------------------------------------------------------------
    def _say(self, sentence: Sentence) -> str:
        return texts.say(sentence, self.language)

    def _text(self, sentence: Sentence, *buttons: Button) -> TextMessage:
        return text_message(self._say(sentence), quick_replies=self._buttons(*buttons))

    def _buttons(self, *buttons: Button) -> list[tuple[str, str]]:
        return [(texts.short(label, self.language), texts.short(text, self.language))
                for label, text in buttons]  # fmt: skip

    def _flex(
        self, cards: Sequence[Card], saved: Sequence[SavedContact | None], style: Style
    ) -> FlexMessage:
        return FlexMessage.from_dict(self._flex_payload(cards, saved, style))

    def _flex_payload(
        self, cards: Sequence[Card], saved: Sequence[SavedContact | None], style: Style
    ) -> dict[str, Any]:
        """The Flex message as LINE's JSON: `_flex` is this, validated as SDK models."""
        contents = flex_contents(cards, saved, style)
        return {"type": "flex", "altText": alt_text(cards, self.language), "contents": contents}

    @staticmethod
    def _next_steps(batch_open: bool) -> tuple[Button, ...]:
        return (END_BATCH, STATUS, HELP) if batch_open else (BATCH, HELP)


def _summary_head(total: summary.Counts, note: Sentence) -> Sentence:
    return compose(
        catalogue.BATCH_SUMMARY_HEAD,
        photos=total.photos,
        cards=total.cards,
        note=note,
        failed=total.failed,
        pending=total.pending,
    )


def _lines(*sentences: Sentence) -> Sentence:
    return Sentence("\n".join(s.zh for s in sentences), "\n".join(s.en for s in sentences))


def _overflow_note(hidden: int, saved: int, style: Style) -> Sentence:
    """The sentence under a full carousel: how many more cards there were and where they went."""
    head = catalogue.OVERFLOW_HEAD.format(hidden=hidden)
    if style.pending:
        saving = saving_note(style.store_name)
        return compose(catalogue.OVERFLOW_PENDING, head=head, saving=saving)
    if saved == 0:
        return compose(catalogue.OVERFLOW_NONE_SAVED, head=head, failed=catalogue.CARD_SAVE_FAILED)
    failed = hidden - saved
    tail = catalogue.OVERFLOW_FAILED_TAIL.format(failed=failed) if failed else Sentence("", "")
    note = saved_note(style.store_name)
    return compose(catalogue.OVERFLOW_SAVED, head=head, saved=saved, note=note, tail=tail)


def _quick_reply(buttons: Sequence[tuple[str, str]]) -> QuickReply | None:
    items = [
        QuickReplyItem(
            action=MessageAction(
                label=texts.truncate_utf16(label.strip(), MAX_BUTTON_LABEL),
                text=texts.truncate_utf16(reply.strip(), MAX_ACTION_TEXT),
            )
        )
        for label, reply in buttons
        if label.strip() and reply.strip()
    ][:MAX_QUICK_REPLIES]
    return QuickReply(items=items) if items else None


def _last_flags(count: int) -> list[bool]:
    return [index == count - 1 for index in range(count)]


def _merge_last_texts(messages: list[Message]) -> list[Message]:
    """The last two neighbouring texts as one; a reply of more than 5 Flex messages is a bug."""
    for i in range(len(messages) - 1, 0, -1):
        first, second = messages[i - 1], messages[i]
        if isinstance(first, TextMessage) and isinstance(second, TextMessage):
            text = first.text + MERGED_TEXT_SEPARATOR + second.text
            merged = TextMessage(
                text=texts.truncate_utf16(text, MAX_TEXT_UTF16),
                quick_reply=second.quick_reply or first.quick_reply,
            )
            return [*messages[: i - 1], merged, *messages[i + 1 :]]
    raise ValueError("a reply cannot hold more than 5 Flex messages")
