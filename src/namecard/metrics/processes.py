"""Resident memory of every process of the instance: its master, each worker, its OCR process.

The memory a container is charged for is the instance's, not one worker's: `/stats` shows
each process and their sum, so an operator can see what WORKERS and the offline reader cost.
RSS counts a page shared by several processes once in each: the workers share the modules the
master imported before forking them (cli/workers.py), so the RSS total overstates the instance.
PSS divides each shared page among its sharers: `total_pss_mb` is what the container is charged
with, and what to compare with its memory limit.
"""

from __future__ import annotations

from typing import Any

import psutil

MB = 1024 * 1024
_HELPER_MARKS = ("resource_tracker", "forkserver")  # multiprocessing's own helpers


def _role(process: psutil.Process, instance: int, ocr_pid: int | None) -> str:
    if process.pid == ocr_pid:
        return "ocr"
    if process.pid == instance:
        return "master"
    command = " ".join(process.cmdline())
    return "helper" if any(mark in command for mark in _HELPER_MARKS) else "worker"


def _row(process: psutil.Process, role: str, me: int) -> dict[str, Any]:
    try:
        full = process.memory_full_info()  # /proc/<pid>/smaps_rollup: the PSS
        rss, pss_mb = full.rss, round(full.pss / MB, 1)
    except psutil.AccessDenied:  # another user's process (a container's PID 1 may be)
        rss, pss_mb = process.memory_info().rss, None
    return {
        "role": role,
        "pid": process.pid,
        "rss_mb": round(rss / MB, 1),
        "pss_mb": pss_mb,
        "this": process.pid == me,
    }


def instance_processes(instance: int, ocr_pid: int | None, me: int) -> dict[str, Any]:
    """Each process of the instance (`instance`: the master's pid, or the single server's) with
    its RSS and PSS, and their totals. A single-process server is reported as `server`."""
    try:
        root = psutil.Process(instance)
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return {"total_rss_mb": None, "total_pss_mb": None, "each": []}
    rows = []
    for process in tree:
        try:
            with process.oneshot():
                role = _role(process, instance, ocr_pid)
                if role == "master" and instance == me:
                    role = "server"
                rows.append(_row(process, role, me))
        except psutil.Error:  # it exited while we looked
            continue
    pss = [row["pss_mb"] for row in rows]
    return {
        "total_rss_mb": round(sum(row["rss_mb"] for row in rows), 1),
        "total_pss_mb": round(sum(pss), 1) if None not in pss else None,
        "each": rows,
    }
