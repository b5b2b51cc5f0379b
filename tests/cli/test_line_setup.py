"""`namecard line-setup` against the LINE emulator's rich-menu endpoints, through the SDK."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from namecard.cli.main import main
from namecard.sim.line import LineSimulator
from namecard.sim.server import EmulatorServer

TOKEN = "line-setup-access-token"


@pytest.fixture
def line() -> LineSimulator:
    return LineSimulator(access_tokens={TOKEN})


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, line: LineSimulator) -> Iterator[LineSimulator]:
    with EmulatorServer(line.create_app()) as server:
        monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("LINE_CHANNEL_SECRET", "line-setup-channel-secret")
        monkeypatch.setenv("LINE_API_BASE_URL", server.url)
        monkeypatch.setenv("LINE_DATA_API_BASE_URL", server.url)
        yield line


def menus(line: LineSimulator) -> list[dict[str, object]]:
    return [menu.body for menu in line.rich_menus.menus.values()]


def test_the_menu_is_created_with_its_image_and_made_the_default(
    configured: LineSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["line-setup"]) == 0

    out = capsys.readouterr().out
    [menu] = menus(configured)
    assert configured.rich_menus.default == menu["richMenuId"]
    assert "created rich menu" in out and "default" in out
    areas = menu["areas"]
    assert isinstance(areas, list)
    sent = [area["action"]["text"] for area in areas]
    assert sent == ["批次", "結束批次", "查詢", "最近", "說明"]
    image = configured.rich_menus.image(str(menu["richMenuId"]))
    assert image is not None
    assert Image.open(io.BytesIO(image)).size == (2500, 843)


def test_a_second_run_changes_nothing(
    configured: LineSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["line-setup"])
    before = (menus(configured), configured.rich_menus.default)
    capsys.readouterr()
    calls = len(configured.calls)

    assert main(["line-setup"]) == 0

    assert (menus(configured), configured.rich_menus.default) == before
    assert "nothing changed" in capsys.readouterr().out
    changing = [c for c in configured.calls[calls:] if c.method in ("POST", "DELETE")]
    assert changing == []


def test_an_older_menu_of_the_bot_is_replaced_and_others_are_left_alone(
    configured: LineSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    size = {"width": 2500, "height": 843}
    area = {"bounds": {"x": 0, "y": 0, "width": 2500, "height": 843},
            "action": {"type": "message", "text": "hi"}}  # fmt: skip
    old = {"size": size, "selected": False, "name": "namecard 0000", "chatBarText": "舊選單",
           "areas": [area]}  # fmt: skip
    _, created = configured.rich_menus.create(old)
    configured.rich_menus.create({**old, "name": "campaign menu"})

    assert main(["line-setup"]) == 0

    names = sorted(str(menu["name"]) for menu in menus(configured))
    assert "namecard 0000" not in names and "campaign menu" in names and len(names) == 2
    assert f"deleted the older menu {created['richMenuId']}" in capsys.readouterr().out


def test_without_a_channel_token_it_says_what_to_set(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LINE_CHANNEL_ACCESS_TOKEN", "LINE_CHANNEL_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(["line-setup"]) == 2
    assert "LINE_CHANNEL_ACCESS_TOKEN" in capsys.readouterr().err
