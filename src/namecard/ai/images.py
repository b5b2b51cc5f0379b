"""Photos checked from their header and decoded at bounded cost, before any reader sees them.

A decode's cost is decided before decoding (`Image.open` reads only the header): a JPEG is decoded
at 1/2 to 1/8 scale (`draft`) straight to what the reader needs; a PNG or WebP, which can only be
decoded whole, is refused above `MAX_IMAGE_PIXELS`; every decode reserves its cost from the
process's decode budget (`decode_budget`), whatever the number of photos in flight.
"""

from __future__ import annotations

import io
import logging
import math

from PIL import ExifTags, Image

from namecard.ai.decode_budget import DECODE_BUDGET, release_memory
from namecard.domain import catalogue
from namecard.domain.errors import ContentRejected

logger = logging.getLogger(__name__)

# The default of the MAX_IMAGE_PIXELS setting (see the module docstring for the arithmetic).
MAX_IMAGE_PIXELS = 12_000_000
# The most the setting accepts, and what the readers enforce by themselves (the pipeline has
# already applied the operator's cap by then): the old limit, above any phone camera.
PIXEL_CEILING = 60_000_000
JPEG_QUALITY = 90
RESIZED_MIME_TYPE = "image/jpeg"
_MIME_BY_FORMAT = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# Peak bytes per pixel while decoding (RSS over `load()`, Pillow 13): WebP 16 (libwebp's canvas
# and previous frame, the frame copied out, Pillow's image); PNG 4, 8 when a palette or 16-bit
# image is converted; JPEG 4 at its draft scale, 8 for CMYK, plus 6 per pixel at full size when
# progressive (libjpeg's coefficient buffer). The default cap makes the costliest admissible
# photo a 12 Mpx WebP: 12 M x 16 B = 192 MB, within the 200 MB decode budget, which runs it
# alone; two 12 Mpx PNGs (96 MB each) or many JPEGs decode side by side.
_BYTES_PER_PIXEL = {"JPEG": 8, "PNG": 8, "WEBP": 16}
_JPEG_COEFFICIENT_BYTES = 6
_JPEG_MIN_SCALE = 8
# Asking for 1 px makes a JPEG decode at 1/8 scale: enough to prove its data stream whole.
_SNIFF_SIDE = 1
# Transparent areas of a PNG/WebP become white, as a scanner would see them.
_BACKGROUND = (255, 255, 255)
_RESIZABLE_MODES = ("RGB", "RGBA", "L", "LA")
# Shrink by whole-pixel averaging (`Image.reduce`) down to twice the target, then Lanczos.
_REDUCING_GAP = 2.0
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}  # fmt: skip
DECODE_ERRORS = (OSError, SyntaxError, ValueError, Image.DecompressionBombError)


def _too_large(detail: str) -> ContentRejected:
    return ContentRejected(detail, user_message=catalogue.PHOTO_TOO_MANY_PIXELS)


def _progressive(image: Image.Image) -> bool:
    return image.format == "JPEG" and bool(image.info.get("progressive"))


def least_pixels(image: Image.Image) -> int:
    """The fewest pixels decoding this image can produce: a baseline JPEG at 1/8 scale, anything
    else whole (a progressive JPEG buffers every coefficient at full size)."""
    width, height = image.size
    if image.format == "JPEG" and not _progressive(image):
        return math.ceil(width / _JPEG_MIN_SCALE) * math.ceil(height / _JPEG_MIN_SCALE)
    return width * height


def _check_format(image: Image.Image) -> None:
    if image.format not in _MIME_BY_FORMAT:
        raise ContentRejected(f"unsupported image format {image.format}")


def _check_pixels(image: Image.Image, max_pixels: int) -> None:
    if least_pixels(image) > max_pixels:
        raise _too_large(f"image of {image.width}x{image.height} px is too large")


def _scaled_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _plan(image: Image.Image, max_side: int) -> int:
    """Sets a JPEG's draft scale for `max_side`; the bytes the decode will hold."""
    full = image.size
    image.draft("RGB", _scaled_size(full, max_side))  # no-op for other formats
    width, height = image.size
    cost = _BYTES_PER_PIXEL[str(image.format)] * width * height
    if _progressive(image):
        cost += _JPEG_COEFFICIENT_BYTES * full[0] * full[1]
    return cost


def flatten(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (what a scanner would see)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, _BACKGROUND)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _reduced(image: Image.Image, max_side: int) -> Image.Image:
    """Decodes `image` (at its draft scale) and shrinks it to `max_side`, upright, RGB."""
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    image.load()
    pixels: Image.Image = image
    if pixels.mode not in _RESIZABLE_MODES:
        pixels = pixels.convert("RGBA" if pixels.has_transparency_data else "RGB")
    size = _scaled_size(pixels.size, max_side)
    if size != pixels.size:
        pixels = pixels.resize(size, Image.Resampling.LANCZOS, reducing_gap=_REDUCING_GAP)
    if orientation in _TRANSPOSE:
        pixels = pixels.transpose(_TRANSPOSE[orientation])
    return flatten(pixels)


def decode(data: bytes, max_side: int, *, max_pixels: int = PIXEL_CEILING) -> Image.Image:
    """The photo upright, RGB on white, its longest side at most `max_side`. Refused from its
    header (ContentRejected with the "too large" sentence) above `max_pixels`; decoded within
    the process's decode budget, reduced as early as the format allows."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            _check_format(image)
            _check_pixels(image, max_pixels)
            cost = _plan(image, max_side)
            with DECODE_BUDGET.reserve(cost):
                reduced = _reduced(image, max_side)
    except Image.DecompressionBombError as exc:
        raise _too_large("image over Pillow's decompression-bomb limit") from exc
    except DECODE_ERRORS as exc:
        raise ContentRejected("image cannot be decoded") from exc
    release_memory(cost)
    return reduced


def sniff_image(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> str | None:
    """The MIME type of a whole JPEG, PNG or WebP image; None for anything else. Raises
    ContentRejected (the "too large" sentence) for an image over `max_pixels`."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            mime_type = _MIME_BY_FORMAT.get(image.format or "")
            if mime_type is None:
                return None
            _check_pixels(image, max_pixels)
            if mime_type != "image/jpeg":
                image.verify()
    except Image.DecompressionBombError as exc:
        raise _too_large("image over Pillow's decompression-bomb limit") from exc
    except DECODE_ERRORS:
        return None
    if mime_type == "image/jpeg" and not _whole_jpeg(data):
        return None
    return mime_type


def _whole_jpeg(data: bytes) -> bool:
    """`verify` does not notice a truncated JPEG; decoding a 1/8-scale draft does."""
    try:
        decode(data, _SNIFF_SIDE)
    except ContentRejected:
        return False
    return True


def prepare_for_model(
    data: bytes, mime_type: str, max_side: int, *, max_pixels: int = PIXEL_CEILING
) -> tuple[bytes, str]:
    """The photo as sent to the model: untouched when small enough, else an upright smaller JPEG."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if max(image.size) <= max_side:
                return data, mime_type
    except DECODE_ERRORS as exc:
        raise ContentRejected("image cannot be decoded") from exc
    resized = decode(data, max_side, max_pixels=max_pixels)
    out = io.BytesIO()
    resized.save(out, format="JPEG", quality=JPEG_QUALITY)
    logger.debug("image downscaled to %sx%s for the model", *resized.size)
    return out.getvalue(), RESIZED_MIME_TYPE
