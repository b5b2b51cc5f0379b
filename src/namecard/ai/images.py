"""Image checks and downscaling before a photo goes to the model (pure and synchronous)."""

from __future__ import annotations

import io
import logging

from PIL import Image, ImageOps

from namecard.errors import ContentRejected

logger = logging.getLogger(__name__)

# A phone photo is 12-50 Mpx; anything far above is a decompression bomb, not a business card.
MAX_IMAGE_PIXELS = 60_000_000
JPEG_QUALITY = 90
RESIZED_MIME_TYPE = "image/jpeg"
_MIME_BY_FORMAT = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# Transparent areas of a PNG/WebP become white in the JPEG sent to the model.
_BACKGROUND = (255, 255, 255)
# Decoding a JPEG at 1/8 scale still reads its whole data stream, so truncation shows, cheaply.
_JPEG_DRAFT_SCALE = 8
DECODE_ERRORS = (OSError, SyntaxError, ValueError, Image.DecompressionBombError)


def _too_large(image: Image.Image) -> bool:
    width, height = image.size
    return width * height > MAX_IMAGE_PIXELS


def _check_jpeg_complete(data: bytes) -> None:
    """`verify` does not notice a truncated JPEG; decoding a small draft does (raises OSError)."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (image.width // _JPEG_DRAFT_SCALE, image.height // _JPEG_DRAFT_SCALE))
        image.load()


def sniff_image(data: bytes) -> str | None:
    """The MIME type of a decodable JPEG, PNG or WebP image; None for anything else."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            mime_type = _MIME_BY_FORMAT.get(image.format or "")
            if mime_type is None or _too_large(image):
                return None
            image.verify()
        if mime_type == "image/jpeg":
            _check_jpeg_complete(data)
    except DECODE_ERRORS:
        return None
    return mime_type


def flatten(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (what a scanner would see)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, _BACKGROUND)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _scaled_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    width, height = size
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def prepare_for_model(data: bytes, mime_type: str, max_side: int) -> tuple[bytes, str]:
    """The photo as sent to the model: untouched when small enough, else an upright smaller JPEG."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if _too_large(image):
                raise ContentRejected(f"image of {image.width}x{image.height} px is too large")
            if max(image.size) <= max_side:
                return data, mime_type
            upright = ImageOps.exif_transpose(image)
            resized = flatten(upright).resize(
                _scaled_size(upright.size, max_side), Image.Resampling.LANCZOS
            )
    except DECODE_ERRORS as exc:
        raise ContentRejected("image cannot be decoded") from exc
    out = io.BytesIO()
    resized.save(out, format="JPEG", quality=JPEG_QUALITY)
    logger.debug("image downscaled to %sx%s for the model", *resized.size)
    return out.getvalue(), RESIZED_MIME_TYPE
