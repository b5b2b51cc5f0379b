"""Contacts in the chat: search, recent cards, notes, corrections, delete, and forget-me.

Questions that take two messages (which field → its new value; 加備註 → the note; 刪除 →
confirm) are remembered per user in the conversation store (`domain/pending.py`), so any
worker answers the next message. The plain-text rule: a text that is no command and answers no
pending question is searched for when `commands.looks_like_contact` says it is clearly a
name, phone or e-mail fragment and the user is not in batch mode; otherwise it gets the hint.
A user's search results are cached for SEARCH_CACHE_SECONDS; any change they make drops them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date

from namecard.cards.edits import CardField, field_value
from namecard.cards.folding import fold
from namecard.cards.model import StoredContact
from namecard.conversation.commands import looks_like_contact, normalise
from namecard.conversation.state import ConversationStore
from namecard.domain import catalogue
from namecard.domain.codec import contacts_from_json, contacts_to_json
from namecard.domain.errors import NamecardError, StateUnavailable
from namecard.domain.jobs import Job, JobKind
from namecard.domain.pending import Pending, PendingKind
from namecard.domain.postbacks import Postback, PostbackAction, decode
from namecard.domain.replies import Reply
from namecard.line.contact_replies import ContactReplies
from namecard.line.push_budget import PushBudget
from namecard.store.base import ContactStore

logger = logging.getLogger(__name__)

Answer = tuple[Reply, bool]  # the reply, and whether it is worth a push when the token is gone
# A field named in words while the bot waits for a tap on one (職稱 typed instead of tapped).
FIELD_WORDS = {
    normalise(word): field
    for field in CardField
    for word in (catalogue.CARD_FIELD_LABELS[field.value].zh,
                 catalogue.CARD_FIELD_LABELS[field.value].en, field.value)
}  # fmt: skip


class ContactJobs:
    def __init__(
        self,
        *,
        store: ContactStore,
        state: ConversationStore,
        replies: ContactReplies,
        push_budget: PushBudget | None = None,
        today: Callable[[], date] = date.today,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.state = state
        self.replies = replies
        self.push_budget = push_budget
        self.today = today
        self.clock = clock

    async def answer(self, job: Job) -> Answer | None:
        """The answer to a contact job, or to a plain text that is one; None for anything else
        (the caller gives its usual answer). Raises StateUnavailable like the rest."""
        try:
            return await self._answer(job)
        except StateUnavailable:
            raise  # the conversation answers that one as it answers every Redis fault
        except NamecardError as exc:
            logger.warning("contact job %s of user %s failed: %s", job.event_id, job.user_hash,
                           exc)  # fmt: skip
            return self.replies.failed(), True

    async def cancel(self, job: Job) -> bool:
        """取消: drop the pending question; whether there was one."""
        return await self.state.take_pending(job.user_hash) is not None

    async def _answer(self, job: Job) -> Answer | None:
        text = (job.text or "").strip()
        kind = job.kind
        if kind is JobKind.SEARCH:
            return await self._search(job, text) if text else (self.replies.ask_query(), False)
        if kind is JobKind.RECENT:
            found = await self.store.recent(job.user_hash)
            return self.replies.recent(found, store_name=self.store.name), True
        if kind is JobKind.NOTE:
            return await self._note(job, text)
        if kind is JobKind.DELETE:
            return (
                await self._delete_named(job, text) if text else (self.replies.delete_ask(), False)
            )
        if kind is JobKind.FORGET_ME:
            return await self._forget(job)
        if kind is JobKind.POSTBACK:
            postback = decode(job.postback)
            return await self._tapped(job, postback) if postback else None
        if kind is JobKind.HINT and text:
            return await self._plain_text(job, text)
        return None

    # ---- search ---------------------------------------------------------------------------------
    async def _search(self, job: Job, query: str) -> Answer:
        found = await self._found(job.user_hash, query)
        return self.replies.found(query, found, store_name=self.store.name), True

    async def _found(self, user: str, query: str) -> list[StoredContact]:
        key = fold(query)
        cached = await self.state.cached_search(user, key)
        found = contacts_from_json(cached) if cached else None
        if found is None:
            found = await self.store.search(query)
            await self.state.cache_search(user, key, contacts_to_json(found))
        return found

    async def _plain_text(self, job: Job, text: str) -> Answer | None:
        pending = await self.state.pending(job.user_hash)
        if pending is not None:
            answered = await self._pending_answer(job, pending, text)
            if answered is not None:
                return answered
        if not looks_like_contact(text) or await self.state.current_batch(job.user_hash):
            return None
        return await self._search(job, text)

    async def _pending_answer(self, job: Job, pending: Pending, text: str) -> Answer | None:
        if pending.kind is PendingKind.VALUE and pending.field is not None:
            await self.state.take_pending(job.user_hash)
            return await self._correct(job, pending.contact_id, pending.field, text)
        if pending.kind is PendingKind.NOTE:
            await self.state.take_pending(job.user_hash)
            return await self._add_note(job, pending.contact_id, text)
        field = FIELD_WORDS.get(normalise(text))
        if pending.kind is PendingKind.FIELD and field is not None:
            return await self._ask_value(job, pending.contact_id, field)
        return None  # a delete to confirm (or a field to tap) waits; the text is read as usual

    # ---- taps -----------------------------------------------------------------------------------
    async def _tapped(self, job: Job, postback: Postback) -> Answer:
        action, contact_id = postback.action, postback.contact_id
        if action is PostbackAction.CONFIRM_DELETE:
            return await self._confirmed_delete(job, contact_id)
        if action is PostbackAction.FIELD and postback.field is not None:
            return await self._ask_value(job, contact_id, postback.field)
        contact = await self.store.get(contact_id)
        if contact is None:
            return self.replies.gone(), True
        label = self.replies.label(contact)
        if action is PostbackAction.CORRECT:
            await self._ask(job, PendingKind.FIELD, contact_id, label)
            return self.replies.choose_field(contact), True
        if action is PostbackAction.NOTE:
            await self._ask(job, PendingKind.NOTE, contact_id, label)
            return self.replies.note_ask(label), True
        await self._ask(job, PendingKind.DELETE, contact_id, label)
        return self.replies.confirm_delete(contact), True

    async def _ask(
        self, job: Job, kind: PendingKind, contact_id: str, label: str,
        field: CardField | None = None,
    ) -> None:  # fmt: skip
        await self.state.set_pending(job.user_hash, Pending(kind, contact_id, label, field))

    # ---- corrections ----------------------------------------------------------------------------
    async def _ask_value(self, job: Job, contact_id: str, field: CardField) -> Answer:
        contact = await self.store.get(contact_id)
        if contact is None:
            await self.state.take_pending(job.user_hash)
            return self.replies.gone(), True
        label = self.replies.label(contact)
        await self._ask(job, PendingKind.VALUE, contact_id, label, field)
        return self.replies.ask_value(label, field, field_value(contact.card, field)), True

    async def _correct(self, job: Job, contact_id: str, field: CardField, value: str) -> Answer:
        stamp = self.today().isoformat()
        updated = await self.store.update_field(contact_id, field, value, stamp=stamp)
        if updated is None:
            return self.replies.gone(), True
        await self.state.forget_searches(job.user_hash)
        logger.info("user %s corrected %s of contact %s", job.user_hash, field, contact_id)
        shown = field_value(updated.card, field) or value
        return self.replies.corrected(updated, field, shown, store_name=self.store.name), True

    # ---- notes ----------------------------------------------------------------------------------
    async def _note(self, job: Job, text: str) -> Answer:
        pending = await self.state.pending(job.user_hash)
        target = pending.contact_id if pending and pending.kind is PendingKind.NOTE else None
        if not text:
            if target is not None and pending is not None:
                return self.replies.note_ask(pending.label), False
            return self.replies.note_empty(), False
        if target is not None:
            await self.state.take_pending(job.user_hash)
        else:
            last = await self.store.recent(job.user_hash, limit=1)
            if not last:
                return self.replies.note_no_card(), False
            target = last[0].saved.contact_id
        return await self._add_note(job, target, text)

    async def _add_note(self, job: Job, contact_id: str, note: str) -> Answer:
        updated = await self.store.append_note(contact_id, note, stamp=self.today().isoformat())
        if updated is None:
            return self.replies.gone(), True
        await self.state.forget_searches(job.user_hash)
        logger.info("user %s added a note to contact %s", job.user_hash, contact_id)
        return self.replies.note_added(updated), True

    # ---- delete ---------------------------------------------------------------------------------
    async def _delete_named(self, job: Job, name: str) -> Answer:
        found = await self._found(job.user_hash, name)
        if len(found) != 1:
            if not found:
                return self.replies.found(name, found, store_name=self.store.name), True
            return self.replies.delete_which(name, found, store_name=self.store.name), True
        contact = found[0]
        label = self.replies.label(contact)
        await self._ask(job, PendingKind.DELETE, contact.saved.contact_id, label)
        return self.replies.confirm_delete(contact), True

    async def _confirmed_delete(self, job: Job, contact_id: str) -> Answer:
        pending = await self.state.pending(job.user_hash)
        if (
            pending is None
            or pending.kind is not PendingKind.DELETE
            or (pending.contact_id != contact_id)
        ):
            return self.replies.delete_expired(), True
        await self.state.take_pending(job.user_hash)
        if not await self.store.archive(contact_id):
            return self.replies.gone(), True
        await self.state.forget_searches(job.user_hash)
        logger.info("user %s deleted contact %s", job.user_hash, contact_id)
        return self.replies.deleted(pending.label, store_name=self.store.name), True

    # ---- forget me ------------------------------------------------------------------------------
    async def _forget(self, job: Job) -> Answer:
        user = job.user_hash
        kinds = await self.state.forget_user(user)
        links = await self.store.forget_user(user)
        pushes = False
        if self.push_budget is not None:
            pushes = await self.push_budget.forget_user(user, self.clock())
        logger.info("user %s asked to be forgotten: %s, %d links, pushes %s", user,
                    ",".join(kinds) or "no state", links, pushes)  # fmt: skip
        return self.replies.forgotten(links, store_name=self.store.name), True
