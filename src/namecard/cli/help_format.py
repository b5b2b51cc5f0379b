"""The help layout every `namecard` command uses: each option's default on its help line."""

from __future__ import annotations

import argparse


class HelpWithDefaults(argparse.RawDescriptionHelpFormatter):
    """Every option's default in its help line (unless the line already says it, or there is
    none to say); descriptions kept as written."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS):
            return text
        return f"{text} (default: %(default)s)"
