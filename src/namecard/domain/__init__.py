"""The domain: jobs and their typed notices and outcomes, errors, the catalogue of sentences."""
