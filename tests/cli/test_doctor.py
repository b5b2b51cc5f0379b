"""`namecard doctor` checks each dependency for real against the emulators: one line each,
pass or fail with the reason, exit code 1 on any failure, and never a secret."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from namecard.bootstrap.settings import load_settings
from namecard.cli.doctor import doctor
from namecard.sim.server import free_port
from tests.harness import (
    ACCESS_TOKEN,
    CHANNEL_SECRET,
    GEMINI_KEYS,
    NOTION_TOKEN,
    Emulators,
    running_emulators,
)

NOBODY = "http://127.0.0.1:{port}"  # a port nothing listens on: an emulator that is down


@pytest.fixture(scope="module")
def emulators() -> Iterator[Emulators]:
    with running_emulators() as running:
        yield running


def environment(emulators: Emulators, redis_url: str, data_dir: Path) -> dict[str, str]:
    return {
        "DATA_DIR": str(data_dir),
        "REDIS_URL": redis_url,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": emulators.line_url,
        "LINE_DATA_API_BASE_URL": emulators.line_url,
        "GOOGLE_API_KEY": GEMINI_KEYS[0],
        "GOOGLE_API_KEY_FALLBACK": GEMINI_KEYS[1],
        "GEMINI_BASE_URL": emulators.gemini_url,
        "NOTION_API_KEY": NOTION_TOKEN,
        "NOTION_DATABASE_ID": emulators.database_id,
        "NOTION_BASE_URL": emulators.notion_url,
    }


def run_doctor(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = doctor(load_settings(env))
    out = capsys.readouterr()
    secrets = (CHANNEL_SECRET, ACCESS_TOKEN, NOTION_TOKEN, *GEMINI_KEYS)
    assert not [s for s in secrets if s in out.out or s in out.err], "doctor printed a secret"
    return code, out.out.splitlines()


def lines_of(lines: list[str], name: str) -> list[str]:
    return [line for line in lines if line.split()[1:2] == [name]]


def test_everything_reachable_passes_with_one_line_per_dependency(
    emulators: Emulators, redis_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run_doctor(environment(emulators, redis_url, tmp_path), capsys)

    assert code == 0, lines
    checks = [line for line in lines if not line.startswith("info")]
    assert all(line.startswith("ok") for line in checks), lines
    assert "answers PING, Redis" in lines_of(lines, "redis")[0]
    assert "bot info answered" in lines_of(lines, "line")[0]
    gemini = [line for line in lines if line.split()[1] == "gemini"]
    # one line per key, each named by its last four characters only
    assert [line.split()[2] for line in gemini] == ["…AbCd", "…EfGh"]
    assert "every property the bot writes is there" in lines_of(lines, "contacts")[0]


@pytest.mark.parametrize("down", ["redis", "line", "gemini", "notion"])
def test_one_dependency_down_fails_that_line_and_the_exit_code(
    down: str,
    emulators: Emulators,
    redis_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = environment(emulators, redis_url, tmp_path)
    nobody = NOBODY.format(port=free_port())
    variable = {"redis": "REDIS_URL", "line": "LINE_API_BASE_URL",
                "gemini": "GEMINI_BASE_URL", "notion": "NOTION_BASE_URL"}[down]  # fmt: skip
    env[variable] = nobody.replace("http", "redis") if down == "redis" else nobody

    code, lines = run_doctor(env, capsys)

    assert code == 1
    failed = [line for line in lines if line.startswith("FAIL")]
    expected = {"notion": "contacts"}.get(down, down)
    assert failed and all(line.split()[1] == expected for line in failed), lines
    passed = [line for line in lines if line.startswith("ok")]
    assert len(passed) + len(failed) == 5  # redis, line, two gemini keys, contacts
    assert all(len(line.split()) > 3 for line in failed), "each failure says why"


def test_a_refused_gemini_key_and_missing_notion_properties_are_named(
    emulators: Emulators, redis_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = environment(emulators, redis_url, tmp_path)
    env["GOOGLE_API_KEY_FALLBACK"] = "not-a-key-the-emulator-knows-WxYz"
    database_id, _ = emulators.notion.contact_database()  # without `Card ID`: never initialised
    env["NOTION_DATABASE_ID"] = database_id

    code, lines = run_doctor(env, capsys)

    assert code == 1
    refused = [line for line in lines if "…WxYz" in line]
    assert refused and refused[0].startswith("FAIL") and "refused" in refused[0]
    assert "not-a-key" not in "\n".join(lines)
    contacts = lines_of(lines, "contacts")[0]
    assert contacts.startswith("FAIL") and "Card ID" in contacts and "notion-init" in contacts


def test_embedded_modes_pass_and_say_what_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run_doctor({"DATA_DIR": str(tmp_path)}, capsys)

    assert code == 0
    assert "built-in simulator" in lines_of(lines, "line")[0]
    assert "offline reader" in lines_of(lines, "reader")[0]
