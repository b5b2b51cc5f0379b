"""`namecard export --format csv|vcf`: the local contact book for Excel or an address book."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from namecard.bootstrap.settings import Settings
from namecard.store.local.book import DB_FILENAME, LocalContactStore

UTF8_BOM = "\ufeff"  # Excel needs it to open Chinese text in a CSV correctly
# Format → whether a file of it starts with the BOM; vCard readers expect plain UTF-8.
WITH_BOM: Mapping[str, bool] = {"csv": True, "vcf": False}


def export(settings: Settings, fmt: str, output: str | None) -> int:
    book = settings.data_dir.resolve() / DB_FILENAME
    if not book.is_file():
        # Opening the store would create the book (and DATA_DIR): say there is nothing instead.
        print(
            f"no contacts: there is no contact book at {book} (the bot makes it when it first "
            "starts with this DATA_DIR; with Notion configured, contacts are in Notion)",
            file=sys.stderr,
        )
        return 0
    store = LocalContactStore(settings.data_dir)
    write = _writer(store, fmt)
    if output is None:
        count = write(sys.stdout)
    else:
        # newline="": the csv module and vCard both write their own CRLF line ends.
        with Path(output).open("w", encoding="utf-8", newline="") as handle:
            if WITH_BOM[fmt]:
                handle.write(UTF8_BOM)
            count = write(handle)
    print(f"{count} contact(s) exported", file=sys.stderr)
    return 0


def _writer(store: LocalContactStore, fmt: str) -> Callable[[TextIO], int]:
    if fmt not in WITH_BOM:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(WITH_BOM)}")
    return store.export_vcf if fmt == "vcf" else store.export_csv
