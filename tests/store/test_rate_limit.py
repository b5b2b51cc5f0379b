"""Notion calls are paced to its rate instead of being answered 429."""

from __future__ import annotations

import pytest

from namecard.store.rate_limit import TokenBucket
from tests.clock import ManualClock


class Clock(ManualClock):
    def __init__(self) -> None:
        super().__init__(0.0)


def test_a_burst_goes_at_once_then_callers_queue_at_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(3.0, 3, clock=clock)
    waits = [bucket.reserve() for _ in range(6)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:] == pytest.approx([1 / 3, 2 / 3, 1.0])


def test_tokens_refill_over_time_but_never_beyond_the_burst() -> None:
    clock = Clock()
    bucket = TokenBucket(2.0, 2, clock=clock)
    assert [bucket.reserve(), bucket.reserve()] == [0.0, 0.0]
    clock.now += 10
    assert [bucket.reserve(), bucket.reserve()] == [0.0, 0.0]
    assert bucket.reserve() == pytest.approx(0.5)


def test_invalid_rates_are_refused() -> None:
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(0, 1)
