"""The bot's rich menu (批次 / 結束批次 / 查詢 / 最近 / 說明): its definition, its image, and an
idempotent set-up through the Messaging API (`namecard line-setup`).

A menu is named "namecard <digest>", the digest taken over its definition and image: a set-up
finds the menu of the same digest (and leaves it) or creates it, uploads its image, makes it
the default, and deletes the bot's older menus (other "namecard …" names); menus made by hand
under other names are left alone. A second run with nothing changed changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from linebot.v3.messaging import (  # type: ignore[import-untyped, unused-ignore]
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    RichMenuRequest,
)
from PIL import Image, ImageDraw, ImageFont
from pydantic import SecretStr

from namecard.domain import catalogue
from namecard.domain.catalogue import Language, Sentence
from namecard.domain.errors import NamecardError
from namecard.line import texts
from namecard.line.client import DEFAULT_API_BASE_URL, DEFAULT_DATA_API_BASE_URL, _api_error

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 2500, 843  # LINE's compact size
NAME_PREFIX = "namecard "
CHAT_BAR = Sentence("選單", "Menu")
BUTTONS: tuple[tuple[Sentence, Sentence], ...] = (
    (catalogue.BUTTON_BATCH, catalogue.COMMAND_BATCH),
    (catalogue.BUTTON_END_BATCH, catalogue.COMMAND_END_BATCH),
    (catalogue.BUTTON_SEARCH, catalogue.COMMAND_SEARCH),
    (catalogue.BUTTON_RECENT, catalogue.COMMAND_RECENT),
    (catalogue.BUTTON_HELP, catalogue.COMMAND_HELP),
)
BACKGROUND, DIVIDER, INK = (0xF4, 0xF6, 0xF8), (0xC8, 0xCE, 0xD6), (0x1F, 0x2A, 0x37)
FONT_SIZE = 110
# CJK fonts tried in order (Debian's Noto CJK and WenQuanYi); without one, English labels.
FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


@dataclass(frozen=True, slots=True)
class MenuPlan:
    definition: dict[str, Any]  # the rich menu object, named with its digest
    image: bytes  # PNG, WIDTH × HEIGHT


@dataclass
class SetupReport:
    menu_id: str = ""
    actions: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.actions)


def plan(language: Language = "zh-TW") -> MenuPlan:
    """The menu in `language` ("both" shows the Chinese labels) and its image."""
    chosen: Language = "zh-TW" if language == "both" else language
    font, chosen = _font(chosen)
    labels = [texts.short(label, chosen) for label, _ in BUTTONS]
    image = _image(labels, font)
    width = WIDTH // len(BUTTONS)
    areas = [
        {"bounds": {"x": i * width, "y": 0, "width": width if i < len(BUTTONS) - 1
                    else WIDTH - i * width, "height": HEIGHT},
         "action": {"type": "message", "label": labels[i],
                    "text": texts.short(command, chosen)}}
        for i, (_, command) in enumerate(BUTTONS)
    ]  # fmt: skip
    body = {"size": {"width": WIDTH, "height": HEIGHT}, "selected": True,
            "chatBarText": texts.short(CHAT_BAR, chosen), "areas": areas}  # fmt: skip
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode() + image).hexdigest()
    return MenuPlan({**body, "name": NAME_PREFIX + digest[:16]}, image)


def _font(language: Language) -> tuple[Any, Language]:
    for path in FONTS:
        try:
            return ImageFont.truetype(path, FONT_SIZE), language
        except OSError:
            continue
    return ImageFont.load_default(FONT_SIZE), "en"


def _image(labels: list[str], font: Any) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = WIDTH // len(labels)
    for i, label in enumerate(labels):
        if i:
            draw.line([(i * width, 60), (i * width, HEIGHT - 60)], fill=DIVIDER, width=6)
        centre = (i * width + width // 2, HEIGHT // 2)
        draw.text(centre, label, font=font, fill=INK, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class RichMenus:
    """The Messaging API's rich-menu endpoints, for the set-up command (a short-lived client)."""

    def __init__(
        self,
        access_token: SecretStr,
        *,
        api_base_url: str = DEFAULT_API_BASE_URL,
        data_api_base_url: str = DEFAULT_DATA_API_BASE_URL,
        timeout: float = 10.0,
    ) -> None:
        token = access_token.get_secret_value()
        self._api_client = AsyncApiClient(
            Configuration(access_token=token, host=api_base_url.rstrip("/"))
        )
        self._blob_client = AsyncApiClient(
            Configuration(access_token=token, host=data_api_base_url.rstrip("/"))
        )
        self._api = AsyncMessagingApi(self._api_client)
        self._blob = AsyncMessagingApiBlob(self._blob_client)
        self._timeout = timeout

    async def aclose(self) -> None:
        await self._api_client.close()
        await self._blob_client.close()

    async def setup(self, wanted: MenuPlan) -> SetupReport:
        report = SetupReport()
        menus = await self._call("list rich menus", self._api.get_rich_menu_list)
        ours = [m for m in menus.richmenus if m.name.startswith(NAME_PREFIX)]
        same = next((m for m in ours if m.name == wanted.definition["name"]), None)
        if same is None:
            request = RichMenuRequest.from_dict(
                {k: v for k, v in wanted.definition.items() if k != "richMenuId"}
            )
            created = await self._call("create the rich menu", self._api.create_rich_menu, request)
            menu_id = str(created.rich_menu_id)
            await self._call("upload the menu image", self._blob.set_rich_menu_image, menu_id,
                             wanted.image, _headers={"Content-Type": "image/png"})  # fmt: skip
            report.actions.append(f"created rich menu {menu_id} ({wanted.definition['name']})")
        else:
            menu_id = str(same.rich_menu_id)
        report.menu_id = menu_id
        if await self._default_id() != menu_id:
            await self._call("set the default menu", self._api.set_default_rich_menu, menu_id)
            report.actions.append(f"set {menu_id} as every user's default menu")
        for old in ours:
            if old.rich_menu_id != menu_id:
                await self._call("delete an old menu", self._api.delete_rich_menu, old.rich_menu_id)
                report.actions.append(f"deleted the older menu {old.rich_menu_id} ({old.name})")
        return report

    async def _default_id(self) -> str | None:
        try:
            found = await self._api.get_default_rich_menu_id(_request_timeout=self._timeout)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise _api_error("read the default menu", exc) from exc
        return str(found.rich_menu_id)

    async def _call(self, action: str, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(*args, _request_timeout=self._timeout, **kwargs)
        except ApiException as exc:
            error: NamecardError = _api_error(action, exc)
            raise error from exc
