"""`namecard line-setup`: create (or bring up to date) the bot's rich menu and make it the
default, printing what it did; a second run with nothing changed changes nothing."""

from __future__ import annotations

import sys

from namecard.bootstrap.settings import Settings
from namecard.domain.errors import NamecardError
from namecard.line.rich_menu import RichMenus, plan

_NOT_CONFIGURED = (
    "namecard: LINE is not configured: set LINE_CHANNEL_ACCESS_TOKEN (and LINE_API_BASE_URL / "
    "LINE_DATA_API_BASE_URL for another host) to set up the rich menu."
)


async def line_setup(settings: Settings) -> int:
    """The exit code: 0 done (or nothing to do), 1 LINE refused, 2 not configured."""
    if settings.line_channel_access_token is None:
        print(_NOT_CONFIGURED, file=sys.stderr)
        return 2
    wanted = plan(settings.reply_language)
    menus = RichMenus(
        settings.line_channel_access_token,
        api_base_url=settings.line_api_base_url,
        data_api_base_url=settings.line_data_api_base_url,
    )
    try:
        report = await menus.setup(wanted)
    except NamecardError as exc:
        print(f"namecard: the rich menu was not set up: {exc}", file=sys.stderr)
        return 1
    finally:
        await menus.aclose()
    for action in report.actions:
        print(action)
    if not report.changed:
        print(f"rich menu {report.menu_id} is up to date and the default: nothing changed")
    return 0
