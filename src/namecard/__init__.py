"""namecard: a LINE bot backend that turns photos of business cards into contacts."""

__version__ = "0.1.0"
