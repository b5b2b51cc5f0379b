"""Keeps the guide's `python3 -m src.namecard.api.async_app` working: same as `namecard serve`."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def main() -> int:
    # Run as `src.namecard.api.async_app` from the repository root, the package is importable
    # only as `src.namecard`; make `namecard` itself importable so no module loads twice.
    src = Path(__file__).resolve().parents[2]
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    # Run the `namecard` command as `python -m namecard serve` would: the api layer does not
    # import the cli layer above it.
    sys.argv = [sys.argv[0], "serve", *sys.argv[1:]]
    runpy.run_module("namecard", run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
