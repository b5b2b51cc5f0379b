"""The offline card reader: PP-OCRv5 on ONNX Runtime, card finding in photos, field rules."""
