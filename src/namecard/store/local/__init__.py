"""The local contact book: a private JSON file per deployment and its notes merge."""
