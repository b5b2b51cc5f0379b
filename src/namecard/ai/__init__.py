"""Card readers: the extractor protocol, the Gemini extractor and its output schema."""
