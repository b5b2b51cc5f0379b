"""The LINE emulator's rich menus: create, image upload, default, list, get, delete.

Validation follows the Messaging API reference: width 2500 (800–2500), height 250 to 1686 and
a ratio of at least 1.45; name ≤ 300 characters; chatBarText ≤ 14; 1 to 20 areas inside the
menu, each with an action; an image (JPEG or PNG, ≤ 1 MB, the menu's size) uploaded once;
a menu becomes a default only once it has its image. At most 1,000 menus per channel.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

from namecard.sim.line_validation import Json, detail

MAX_MENUS = 1000
MAX_IMAGE_BYTES = 1024 * 1024
MAX_AREAS = 20
MAX_NAME = 300
MAX_CHAT_BAR = 14
MIN_WIDTH, MAX_WIDTH, MIN_HEIGHT, MAX_HEIGHT = 800, 2500, 250, 1686
MIN_RATIO = 1.45
IMAGE_TYPES = ("image/png", "image/jpeg")


@dataclass
class _Menu:
    body: Json
    image: bytes | None = None


class RichMenuState:
    """Rich menus of one channel; callers hold the simulator's lock. Each method answers
    (status, body)."""

    def __init__(self) -> None:
        self.menus: dict[str, _Menu] = {}
        self.default: str | None = None

    def create(self, body: Any) -> tuple[int, Json]:
        errors = _menu_errors(body)
        if errors:
            return 400, {"message": "The request body has errors", "details": errors}
        if len(self.menus) >= MAX_MENUS:
            return 400, {"message": "The number of rich menus exceeds the limit"}
        menu_id = f"richmenu-{uuid.uuid4().hex}"
        self.menus[menu_id] = _Menu({**body, "richMenuId": menu_id})
        return 200, {"richMenuId": menu_id}

    def upload(self, menu_id: str, data: bytes, content_type: str) -> tuple[int, Json]:
        menu = self.menus.get(menu_id)
        if menu is None:
            return 404, {"message": "Not found"}
        if menu.image is not None:
            return 400, {"message": "An image has already been uploaded to the richmenu"}
        if content_type.split(";")[0].strip() not in IMAGE_TYPES or len(data) > MAX_IMAGE_BYTES:
            return 400, {"message": "Invalid image: JPEG or PNG of at most 1 MB"}
        try:
            size = Image.open(io.BytesIO(data)).size
        except (UnidentifiedImageError, OSError):
            return 400, {"message": "Invalid image"}
        wanted = menu.body["size"]
        if size != (wanted["width"], wanted["height"]):
            return 400, {"message": "The image size does not match the rich menu's size"}
        menu.image = data
        return 200, {}

    def set_default(self, menu_id: str) -> tuple[int, Json]:
        menu = self.menus.get(menu_id)
        if menu is None:
            return 404, {"message": "Not found"}
        if menu.image is None:
            return 400, {"message": "must upload richmenu image before applying it to user"}
        self.default = menu_id
        return 200, {}

    def get_default(self) -> tuple[int, Json]:
        if self.default is None:
            return 404, {"message": "no default richmenu"}
        return 200, {"richMenuId": self.default}

    def listing(self) -> tuple[int, Json]:
        return 200, {"richmenus": [menu.body for menu in self.menus.values()]}

    def get(self, menu_id: str) -> tuple[int, Json]:
        menu = self.menus.get(menu_id)
        return (200, menu.body) if menu else (404, {"message": "Not found"})

    def delete(self, menu_id: str) -> tuple[int, Json]:
        if self.menus.pop(menu_id, None) is None:
            return 404, {"message": "Not found"}
        if self.default == menu_id:
            self.default = None
        return 200, {}

    def image(self, menu_id: str) -> bytes | None:
        menu = self.menus.get(menu_id)
        return menu.image if menu else None


def _menu_errors(body: Any) -> list[Json]:
    if not isinstance(body, dict):
        return [detail("must be a JSON object", "body")]
    errors: list[Json] = []
    found = body.get("size")
    size: dict[str, Any] = found if isinstance(found, dict) else {}
    width, height = size.get("width"), size.get("height")
    if not (isinstance(width, int) and MIN_WIDTH <= width <= MAX_WIDTH):
        errors.append(detail(f"must be between {MIN_WIDTH} and {MAX_WIDTH}", "size.width"))
    if not (isinstance(height, int) and MIN_HEIGHT <= height <= MAX_HEIGHT):
        errors.append(detail(f"must be between {MIN_HEIGHT} and {MAX_HEIGHT}", "size.height"))
    elif isinstance(width, int) and width / height < MIN_RATIO:
        errors.append(detail(f"width / height must be at least {MIN_RATIO}", "size"))
    if not isinstance(body.get("selected"), bool):
        errors.append(detail("must be specified", "selected"))
    name, bar = body.get("name"), body.get("chatBarText")
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
        errors.append(detail(f"Length must be between 1 and {MAX_NAME}", "name"))
    if not isinstance(bar, str) or not 0 < len(bar) <= MAX_CHAT_BAR:
        errors.append(detail(f"Length must be between 1 and {MAX_CHAT_BAR}", "chatBarText"))
    errors += _area_errors(body.get("areas"), width, height)
    return errors


def _area_errors(areas: Any, width: Any, height: Any) -> list[Json]:
    if not isinstance(areas, list) or not 1 <= len(areas) <= MAX_AREAS:
        return [detail(f"Size must be between 1 and {MAX_AREAS}", "areas")]
    errors: list[Json] = []
    for i, area in enumerate(areas):
        bounds = area.get("bounds") if isinstance(area, dict) else None
        values = [bounds.get(k) for k in ("x", "y", "width", "height")] if bounds else []
        if len(values) != 4 or not all(isinstance(v, int) and v >= 0 for v in values):
            errors.append(detail("must be specified", f"areas[{i}].bounds"))
            continue
        x, y, w, h = values
        if isinstance(width, int) and isinstance(height, int) and (x + w > width or y + h > height):
            errors.append(detail("must be inside the rich menu", f"areas[{i}].bounds"))
        if not isinstance(area.get("action"), dict):
            errors.append(detail("must be specified", f"areas[{i}].action"))
    return errors
