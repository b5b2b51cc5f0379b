"""Contact stores: the protocol, the Notion store and the local SQLite contact book."""
