"""LINE: webhook signature and events, the LINE client, message builders and conversation."""
