"""The offline card reader: PP-OCRv6 small on ONNX Runtime, card finding in photos, field rules."""
