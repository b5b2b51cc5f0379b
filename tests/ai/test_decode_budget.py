"""Decodes share one memory budget: a large one waits for room, small ones run side by side."""

from __future__ import annotations

import threading

from namecard.ai.decode_budget import DecodeBudget

WAIT = 5.0
BLOCKED_CHECK = 0.2


def test_a_decode_waits_while_the_others_hold_the_budget() -> None:
    budget = DecodeBudget(100)
    order: list[str] = []
    small_in, small_may_leave = threading.Event(), threading.Event()

    def small() -> None:
        with budget.reserve(60):
            order.append("small in")
            small_in.set()
            small_may_leave.wait(WAIT)
            order.append("small out")

    def large() -> None:
        small_in.wait(WAIT)
        with budget.reserve(80):
            order.append("large in")

    threads = [threading.Thread(target=small), threading.Thread(target=large)]
    for thread in threads:
        thread.start()
    threads[1].join(BLOCKED_CHECK)
    waiting = threads[1].is_alive()
    small_may_leave.set()
    for thread in threads:
        thread.join(WAIT)

    assert waiting
    assert order == ["small in", "small out", "large in"]
    assert budget.held == 0


def test_small_decodes_run_side_by_side() -> None:
    budget = DecodeBudget(100)

    with budget.reserve(40), budget.reserve(40):
        assert budget.held == 80


def test_a_decode_costlier_than_the_whole_budget_still_runs_alone() -> None:
    budget = DecodeBudget(100)

    with budget.reserve(500):
        assert budget.held == 100
    assert budget.held == 0
