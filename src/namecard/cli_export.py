"""`namecard export --format csv`: the local contact book, readable by Excel and Numbers."""

from __future__ import annotations

import sys
from pathlib import Path

from namecard.settings import Settings
from namecard.store.local import LocalContactStore

UTF8_BOM = "\ufeff"  # Excel needs it to open Chinese text in a CSV correctly


def export(settings: Settings, fmt: str, output: str | None) -> int:
    store = LocalContactStore(settings.data_dir)
    if output is None:
        count = store.export_csv(sys.stdout)
    else:
        with Path(output).open("w", encoding="utf-8", newline="") as handle:
            handle.write(UTF8_BOM)
            count = store.export_csv(handle)
    print(f"{count} contact(s) exported", file=sys.stderr)
    return 0
