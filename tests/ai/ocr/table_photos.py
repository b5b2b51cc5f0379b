"""Photos of cards lying on a table, composed for tests: a grained wooden top, cards at angles."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CARD_SIZE = (560, 320)


@dataclass(frozen=True)
class Placed:
    """A card image laid on the table: its centre and its turn in degrees (counter-clockwise)."""

    card: Image.Image
    centre: tuple[int, int]
    degrees: float

    def corners(self) -> list[tuple[float, float]]:
        """Where the card's corners land on the photo."""
        width, height = self.card.size
        cos, sin = math.cos(math.radians(self.degrees)), math.sin(math.radians(self.degrees))
        half = [(-width / 2, -height / 2), (width / 2, -height / 2), (width / 2, height / 2),
                (-width / 2, height / 2)]  # fmt: skip
        cx, cy = self.centre
        return [(cx + x * cos + y * sin, cy - x * sin + y * cos) for x, y in half]


def table(size: tuple[int, int], seed: int = 7) -> Image.Image:
    """A wooden table top: stripes of grain and blotchy noise."""
    rng = np.random.default_rng(seed)
    width, height = size
    grain = rng.normal(0, 1, (height // 8 + 1, width // 8 + 1)).repeat(8, 0).repeat(8, 1)
    grain = grain[:height, :width]
    stripes = np.sin(np.linspace(0, 40, width))[None, :] * 12
    rgb = np.stack([150 + stripes + grain * 10, 110 + stripes + grain * 8,
                    70 + stripes + grain * 6], axis=-1)  # fmt: skip
    image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    return image.filter(ImageFilter.GaussianBlur(1.5))


def plain_card(seed: int) -> Image.Image:
    """A card without real text: a pale face with a coloured band and dark lines of 'print'."""
    rng = np.random.default_rng(seed)
    card = Image.new("RGB", CARD_SIZE, (246, 245, 240))
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, CARD_SIZE[0], 60), fill=(30, 60, 120))
    for row in range(6):
        left = 40 + int(rng.integers(0, 80))
        draw.rectangle((left, 100 + row * 32, left + int(rng.integers(120, 380)), 116 + row * 32),
                       fill=(40, 40, 40))  # fmt: skip
    return card


def lay(cards: Sequence[Placed], size: tuple[int, int] = (1800, 1300)) -> Image.Image:
    photo = table(size)
    for placed in cards:
        turned = placed.card.convert("RGBA").rotate(
            placed.degrees, expand=True, resample=Image.Resampling.BICUBIC
        )
        x = placed.centre[0] - turned.width // 2
        y = placed.centre[1] - turned.height // 2
        photo.paste(turned, (x, y), turned)
    return photo


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=88)
    return out.getvalue()
