"""The card model and its normalisation."""
