"""Notion as the contact store: the writer, the property mapping, merge and schema."""
