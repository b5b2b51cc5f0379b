"""Settings are validated at boot with sentences an operator can act on, and never leak secrets."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from namecard.bootstrap.settings import Mode, Settings, describe_errors, load_settings
from namecard.cli.main import main
from namecard.sim.server import free_port

SECRET_WORDS = ("secret", "token", "api_key", "api_keys")


def test_every_secret_setting_is_a_secret_str() -> None:
    for name, field in Settings.model_fields.items():
        if any(word in name for word in SECRET_WORDS):
            assert "SecretStr" in str(field.annotation), name


def test_nothing_configured_means_every_embedded_mode() -> None:
    settings = load_settings({})
    assert (settings.line_mode, settings.ai_mode, settings.store_mode, settings.state_mode) == (
        Mode.EMBEDDED, Mode.EMBEDDED, Mode.EMBEDDED, Mode.EMBEDDED,
    )  # fmt: skip
    assert settings.port == 8080


def test_line_secret_without_token_is_explained_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings({"LINE_CHANNEL_SECRET": "s3cr3t-value"})
    message = describe_errors(caught.value)
    assert "LINE_CHANNEL_ACCESS_TOKEN is missing" in message
    assert "s3cr3t-value" not in message


def test_notion_key_without_database_is_explained() -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings({"NOTION_API_KEY": "ntn_x"})
    assert "NOTION_DATABASE_ID is missing" in describe_errors(caught.value)


def test_gemini_keys_are_collected_in_order_without_duplicates() -> None:
    settings = load_settings({
        "GOOGLE_API_KEY": "k-main", "GOOGLE_API_KEY_FALLBACK": "k-fallback",
        "GOOGLE_API_KEY_2": "k-two", "GOOGLE_API_KEY_1": "k-main", "GOOGLE_API_KEY_10": "k-ten",
    })  # fmt: skip
    keys = [key.get_secret_value() for key in settings.gemini_keys]
    assert keys == ["k-main", "k-fallback", "k-two", "k-ten"]
    assert all(isinstance(key, SecretStr) for key in settings.gemini_keys)


def test_doctor_fails_unreachable_services_and_prints_no_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("GOOGLE_API_KEY", "AIza-very-secret-key")
    monkeypatch.setenv("GEMINI_BASE_URL", nobody)
    monkeypatch.setenv("NOTION_API_KEY", "ntn_secret_token")
    monkeypatch.setenv("NOTION_DATABASE_ID", "db123")
    monkeypatch.setenv("NOTION_BASE_URL", nobody)
    assert main(["doctor"]) == 1
    out, err = capsys.readouterr()
    assert "FAIL  gemini …-key" in out and "FAIL  contacts" in out
    assert any(
        row.split()[:2] == ["ok", "line"] and "built-in simulator" in row
        for row in out.splitlines()
    )
    for secret in ("AIza-very-secret-key", "ntn_secret_token"):
        assert secret not in out and secret not in err


def test_bad_configuration_stops_the_cli_with_a_sentence(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "tok-abc")
    assert main(["doctor"]) == 2
    err = capsys.readouterr().err
    assert "LINE_CHANNEL_SECRET is missing" in err and "tok-abc" not in err
