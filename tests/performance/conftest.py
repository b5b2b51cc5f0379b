"""Prints the deployment guide's performance suite's figures and KPI verdicts after its run."""

from __future__ import annotations

import sys

import pytest

GUIDE_SUITE = "tests.performance.test_concurrent_performance"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    suite = sys.modules.get(GUIDE_SUITE)
    if suite is None or not suite.VERDICTS:
        return
    terminalreporter.section("deployment guide: performance")
    for line in suite.closing_table():
        terminalreporter.write_line(line)
