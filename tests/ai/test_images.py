"""Photos are checked and shrunk before they reach the model; small ones pass untouched."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from namecard.ai.images import MAX_IMAGE_PIXELS, prepare_for_model, sniff_image
from namecard.domain import catalogue
from namecard.domain.errors import ContentRejected

RED = (220, 20, 20)
BLUE = (20, 20, 220)
EXIF_ORIENTATION = 0x0112
ROTATE_90_CW = 6  # EXIF: the stored picture must be turned 90° clockwise to be upright


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def photo(size: tuple[int, int] = (320, 200), fmt: str = "JPEG") -> bytes:
    return encode(Image.new("RGB", size, BLUE), fmt)


def _is_red(pixel: object) -> bool:
    assert isinstance(pixel, tuple)
    red, _, blue = pixel
    return bool(red > 150 > blue)


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("fmt", "mime_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_small_photo_is_sent_untouched(fmt: str, mime_type: str) -> None:
    data = photo((640, 480), fmt)
    assert prepare_for_model(data, mime_type, 1024) == (data, mime_type)


def test_large_photo_is_downscaled_to_the_longest_side() -> None:
    data = photo((3000, 1200), "PNG")

    sent, mime_type = prepare_for_model(data, "image/png", 1000)

    assert mime_type == "image/jpeg"
    assert decode(sent).size == (1000, 400)
    assert decode(sent).format == "JPEG"


def test_large_photo_is_turned_upright_from_its_exif_orientation() -> None:
    stored = Image.new("RGB", (1200, 400), BLUE)
    stored.paste(RED, (0, 0, 200, 200))  # top-left as stored: top-right once turned clockwise
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_90_CW
    data = encode(stored, "JPEG", exif=exif.tobytes(), quality=95)

    sent, _ = prepare_for_model(data, "image/jpeg", 600)

    upright = decode(sent).convert("RGB")
    assert upright.size == (200, 600)
    assert _is_red(upright.getpixel((190, 10)))
    assert not _is_red(upright.getpixel((10, 10)))


def test_transparent_png_becomes_a_white_backed_jpeg() -> None:
    data = encode(Image.new("RGBA", (2000, 1000), (0, 0, 0, 0)), "PNG")

    sent, mime_type = prepare_for_model(data, "image/png", 500)

    assert mime_type == "image/jpeg"
    assert decode(sent).convert("RGB").getpixel((250, 125)) == pytest.approx((255, 255, 255), abs=3)


def test_undecodable_photo_is_rejected_when_prepared() -> None:
    with pytest.raises(ContentRejected):
        prepare_for_model(b"not an image at all", "image/jpeg", 1024)


@pytest.mark.parametrize(
    ("fmt", "mime_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_sniff_names_the_supported_formats(fmt: str, mime_type: str) -> None:
    assert sniff_image(photo(fmt=fmt)) == mime_type


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_sniff_refuses_a_truncated_upload(fmt: str) -> None:
    data = encode(Image.effect_noise((300, 200), 60).convert("RGB"), fmt)
    assert sniff_image(data[: len(data) // 2]) is None


@pytest.mark.parametrize("data", [b"", b"hello", b"\xff\xd8\xff\xe0garbage", b"\x89PNG\r\n\x1a\n"])
def test_sniff_refuses_garbage(data: bytes) -> None:
    assert sniff_image(data) is None


def test_sniff_refuses_a_gif() -> None:
    assert sniff_image(photo(fmt="GIF")) is None


def test_a_photo_over_the_pixel_cap_is_refused_as_too_large() -> None:
    side = int(MAX_IMAGE_PIXELS**0.5) + 100
    bomb = encode(Image.new("1", (side, side)), "PNG")

    with pytest.raises(ContentRejected) as refused:
        sniff_image(bomb)
    assert refused.value.user_message == catalogue.PHOTO_TOO_MANY_PIXELS
    with pytest.raises(ContentRejected):
        prepare_for_model(bomb, "image/png", 1024, max_pixels=MAX_IMAGE_PIXELS)


def test_a_jpeg_too_large_to_decode_whole_is_read_at_a_reduced_scale() -> None:
    big = encode(Image.new("RGB", (6000, 4500), BLUE), "JPEG")  # 27 Mpx, over the cap whole

    assert sniff_image(big) == "image/jpeg"
    sent, _ = prepare_for_model(big, "image/jpeg", 1024)
    assert decode(sent).size == (1024, 768)


def test_a_progressive_jpeg_over_the_cap_is_refused_as_too_large() -> None:
    big = encode(Image.new("RGB", (6000, 4500), BLUE), "JPEG", progressive=True)

    with pytest.raises(ContentRejected) as refused:
        sniff_image(big)
    assert refused.value.user_message == catalogue.PHOTO_TOO_MANY_PIXELS
