"""The offline reader's name and version, importable without loading the OCR stack."""

from __future__ import annotations

SOURCE = "offline"
RECOGNITION_MODEL = "PP-OCRv6-small"  # engine.MODEL (a test keeps the two equal)
MODEL = f"rapidocr-onnxruntime/{RECOGNITION_MODEL}"
READER_VERSION = "fields-10"  # bump when the models or field rules change: cached readings expire
VERSION = f"{MODEL}.{READER_VERSION}"
