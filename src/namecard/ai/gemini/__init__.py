"""Gemini: the extractor, its error mapping, the key pool and the quota clock."""
