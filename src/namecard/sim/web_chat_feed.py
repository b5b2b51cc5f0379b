"""The web chat's transcript of one LINE user: what they sent, what the bot sent, the loading dots.

The LINE simulator already records every reply and push (`LineSimulator.deliveries`) and every
loading-animation call (`LineSimulator.calls`); the chat page adds what the user sent. A feed
read merges the two by time: items stamped after the page's cursor, oldest first, and whether the
bot's "typing" dots are showing (a loading call for this user, not yet followed by a delivery
and not yet expired, as LINE shows them).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from namecard.sim.line import LineSimulator

Json = dict[str, Any]
SentKind = Literal["text", "image", "postback"]

MAX_SENT_ITEMS = 2000  # what the page's users sent, every user together; the oldest dropped
LOADING_ENDPOINT = "loading"
LOADING_ACCEPTED = 202
DEFAULT_LOADING_SECONDS = 20


@dataclass(frozen=True)
class Sent:
    """One message the page's user sent: a text, a photo (by its simulator content id) or the
    display text of a postback button."""

    user_id: str
    kind: SentKind
    at: float
    text: str = ""
    message_id: str = ""
    image_set: str = ""

    def to_json(self) -> Json:
        item: Json = {"from": "user", "kind": self.kind, "at": self.at}
        if self.kind == "image":
            item.update(messageId=self.message_id, imageSet=self.image_set)
        else:
            item["text"] = self.text
        return item


@dataclass(frozen=True)
class FeedPage:
    items: list[Json]
    cursor: float
    loading: bool

    def to_json(self) -> Json:
        return {"items": self.items, "cursor": self.cursor, "loading": self.loading}


class ChatFeed:
    """Thread-safe: the page's requests add to it, feed reads merge it with the simulator's."""

    def __init__(self, sim: LineSimulator, clock: Callable[[], float] = time.time) -> None:
        self._sim = sim
        self._clock = clock
        self._lock = threading.Lock()
        self._sent: deque[Sent] = deque(maxlen=MAX_SENT_ITEMS)

    def now(self) -> float:
        return self._clock()

    def record(self, sent: Sent) -> None:
        with self._lock:
            self._sent.append(sent)

    def read(self, user_id: str, after: float) -> FeedPage:
        """Everything for `user_id` stamped after `after`, oldest first."""
        with self._lock:
            mine = [s.to_json() for s in self._sent if s.user_id == user_id and s.at > after]
        deliveries = self._sim.deliveries(user_id)
        bot = [
            {"from": "bot", "at": d.at, "messages": d.messages} for d in deliveries if d.at > after
        ]
        items = sorted(mine + bot, key=lambda item: float(item["at"]))
        cursor = max([after, *(float(item["at"]) for item in items)])
        last_delivery = max((d.at for d in deliveries), default=0.0)
        return FeedPage(items, cursor, self._loading(user_id, last_delivery))

    def _loading(self, user_id: str, last_delivery: float) -> bool:
        """LINE shows the dots from the call until the next message or the seconds asked."""
        now = self._clock()
        for call in reversed(self._sim.calls):
            body = call.body if isinstance(call.body, dict) else {}
            if call.endpoint != LOADING_ENDPOINT or body.get("chatId") != user_id:
                continue
            if call.status != LOADING_ACCEPTED or call.at <= last_delivery:
                return False
            seconds = body.get("loadingSeconds", DEFAULT_LOADING_SECONDS)
            return now < call.at + (seconds if isinstance(seconds, int) else 0)
        return False
