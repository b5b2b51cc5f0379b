"""`namecard doctor`: which mode each dependency runs in, where the bot listens and keeps data."""

from __future__ import annotations

from namecard.bootstrap.settings import Settings


def doctor(settings: Settings) -> int:
    for dependency, mode in settings.describe_modes().items():
        print(f"{dependency:10} {mode}")
    print(f"{'listen':10} {settings.host}:{settings.port} (workers: {settings.workers})")
    print(f"{'data dir':10} {settings.data_dir.resolve()}")
    return 0
