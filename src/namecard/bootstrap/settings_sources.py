"""Where settings come from: the environment (or a mapping tests inject) and GOOGLE_API_KEY_n."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource

_NUMBERED_KEY = re.compile(r"^GOOGLE_API_KEY_(\d+)$")


class Environment(EnvSettingsSource):
    """The settings' own names from the process environment, or from a mapping tests inject."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {
            name if self.case_sensitive else name.lower(): value
            for name, value in self._environ.items()
            if not (self.env_ignore_empty and value == "")
        }


class NumberedGoogleKeys(PydanticBaseSettingsSource):
    """GOOGLE_API_KEY_1..N, in number order (gaps allowed, empty ones skipped), as one tuple."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self._environ = environ

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # __call__ reads the one field it fills

    def __call__(self) -> dict[str, Any]:
        numbered = sorted(
            (int(m.group(1)), value)
            for name, value in self._environ.items()
            if (m := _NUMBERED_KEY.match(name)) and value
        )
        return {"google_api_keys_numbered": tuple(SecretStr(value) for _, value in numbered)}
