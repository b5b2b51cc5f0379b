"""Photos small in bytes and huge in pixels, made in memory (never committed as files)."""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw

GREY = (240, 240, 240)
# The photos of issue 12: each passed the old 60 Mpx cap and was decoded whole.
WEBP_SIDE = 7700  # ~106 KB
PNG_SIDE = 7740  # RGBA, ~250 KB
JPEG_SIDE = 10_000  # baseline: decodable at 1/8 scale


def _canvas(side: int, mode: str) -> Image.Image:
    image = Image.new(mode, (side, side), GREY if mode == "RGB" else (*GREY, 255))
    ImageDraw.Draw(image).text((10, 10), "hostile", fill="black")
    return image


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


@functools.cache
def huge_webp(side: int = WEBP_SIDE) -> bytes:
    return _encode(_canvas(side, "RGB"), "WEBP", quality=50)


@functools.cache
def huge_png(side: int = PNG_SIDE) -> bytes:
    return _encode(_canvas(side, "RGBA"), "PNG", compress_level=9)


@functools.cache
def huge_jpeg(side: int = JPEG_SIDE, *, progressive: bool = False) -> bytes:
    return _encode(_canvas(side, "RGB"), "JPEG", quality=30, progressive=progressive)
