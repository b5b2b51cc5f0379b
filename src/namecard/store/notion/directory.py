"""Keeps the person index true to the Notion data source: read whole once (in the background,
at start), then every `refresh_seconds` only the pages edited since the last look
(`last_edited_time`), while the store's own creates and updates write it at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from namecard.domain.errors import NamecardError, StateUnavailable
from namecard.store.notion.merge import page_identities
from namecard.store.notion.person_index import IndexState, PersonIndex

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
RETRY_SECONDS = 30.0  # after a failed read of the data source
RESYNC_SECONDS = 2.0  # at least this long between reads asked for by lost index writes
EDITED = "last_edited_time"
CLOCK_MARGIN = timedelta(minutes=5)  # our clock may run ahead of Notion's
Query = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class PersonDirectory:
    """`query(body)` runs one data source query through the store (its rate limit and error
    translation). `ready` turns true once the whole data source has been read into the index
    (by this or another instance); until then, and while the index's Redis fails, `find`
    answers that it cannot, and the store asks Notion itself.

    A write to the index that failed (a page created or updated while Redis refused) would leave
    the index answering "nobody" for that person, and the next photo of them would become a
    second page: `ready` turns false at once, and this instance reads the pages edited since the
    watermark again itself (not trusting another instance's refresh) before it is true again."""

    def __init__(
        self, index: PersonIndex, query: Query, *, region: str, refresh_seconds: float
    ) -> None:
        self._index = index
        self._query = query
        self._region = region
        self._refresh_seconds = refresh_seconds
        self.ready = False
        self.pages_read = 0
        self.refreshes = 0
        self._losses = 0  # index writes (or look-ups) that failed so far
        self._covered = 0  # of them, those a completed read of the edits came after
        self._wake = asyncio.Event()

    async def find(self, identities: Sequence[str]) -> tuple[bool, str | None]:
        """(answered, page id): whether the index can answer (ready and reachable), and the
        page it holds for one of `identities` (None: nobody with them in Notion)."""
        if not self.ready:
            return False, None
        try:
            return True, await self._index.lookup(identities)
        except StateUnavailable as exc:
            self._lost(exc)
            return False, None

    async def learned(self, page: dict[str, Any]) -> None:
        """A page as Notion answered a create, update or retrieve: index what it holds now."""
        page_id = page.get("id")
        if not isinstance(page_id, str):
            return
        gone = bool(page.get("in_trash") or page.get("archived"))
        identities = [] if gone else page_identities(page, self._region)
        try:
            await self._index.put(page_id, identities)
        except StateUnavailable as exc:
            self._lost(exc)

    async def run(self) -> None:
        """Build (unless another instance did), then refresh forever; the store cancels it."""
        while True:
            try:
                await self._sync()
            except (NamecardError, StateUnavailable) as exc:
                logger.warning("person index not synchronised (%s); retrying later", exc)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            synced = time.monotonic()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._refresh_seconds):
                    await self._wake.wait()  # a lost write asks for a read soon
            self._wake.clear()
            # Not more often than this, whatever keeps failing: each read is a query.
            await asyncio.sleep(max(0.0, synced + RESYNC_SECONDS - time.monotonic()))

    async def _sync(self) -> None:
        losses = self._losses  # a loss from here on needs a read that starts after it
        state = await self._index.state()
        if not state.built:
            await self._read({}, state)
            logger.info("person index built: %d pages read", self.pages_read)
        else:
            missed = losses > self._covered
            if missed or await self._index.claim_refresh(self._refresh_seconds * 0.9):
                since = {"timestamp": EDITED, EDITED: {"on_or_after": state.watermark}}
                await self._read({"filter": since} if state.watermark else {}, state)
                self.refreshes += 1
        self._covered = losses
        self.ready = self._losses == self._covered

    async def _read(self, extra: dict[str, Any], state: IndexState) -> None:
        """Every page matching `extra`, oldest edit first; the watermark follows each batch
        (minute-rounded timestamps are why `on_or_after`: the last minute is read again)."""
        # Nothing read yet (an empty database): later edits are those after this read began.
        watermark = state.watermark or _iso(datetime.now(UTC) - CLOCK_MARGIN)
        oldest_first = [{"timestamp": EDITED, "direction": "ascending"}]
        body: dict[str, Any] = {**extra, "page_size": PAGE_SIZE, "sorts": oldest_first}
        while True:
            answer = await self._query(body)
            for page in answer.get("results") or []:
                if isinstance(page, dict):
                    await self.learned(page)
                    self.pages_read += 1
                    watermark = max(watermark, str(page.get(EDITED) or ""))
            await self._index.mark(IndexState(built=state.built, watermark=watermark))
            cursor = answer.get("next_cursor")
            if not answer.get("has_more") or not cursor:
                break
            body = {**body, "start_cursor": cursor}
        await self._index.mark(IndexState(built=True, watermark=watermark))

    def _lost(self, exc: StateUnavailable) -> None:
        logger.warning("person index unavailable (%s): duplicate checks query Notion", exc.fault)
        self.ready = False
        self._losses += 1
        self._wake.set()

    def stats(self) -> dict[str, Any]:
        return {"ready": self.ready, "pages_read": self.pages_read, "refreshes": self.refreshes}


def _iso(moment: datetime) -> str:
    """As Notion writes timestamps: "2026-01-02T03:04:00.000Z"."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
