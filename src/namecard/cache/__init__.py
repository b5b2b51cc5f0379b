"""Result cache: memory, Redis and disk tiers behind a tiered read-through cache."""
