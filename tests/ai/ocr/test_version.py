"""The reader's name and version, known to every worker without the OCR stack."""

from __future__ import annotations

from namecard.ai.ocr import engine, version
from namecard.ai.ocr.offline import OfflineExtractor
from namecard.ai.ocr.shared import SharedOfflineReader


def test_the_shared_reader_caches_under_the_in_process_readers_version() -> None:
    assert version.RECOGNITION_MODEL == engine.MODEL
    assert SharedOfflineReader.version == OfflineExtractor.version
    assert SharedOfflineReader.name == OfflineExtractor.name == "offline"
