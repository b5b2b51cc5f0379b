"""`namecard doctor`: checks every configured dependency for real, one line each.

Redis (PING and its version), LINE (the bot's info with the channel access token), Gemini (the
model, with each key, shown by its last four characters), Notion (the database, its data source
and the properties the bot writes). Exit code 1 when any check fails, 0 when all pass; no line
ever carries a secret (each is also scrubbed of every configured secret before printing)."""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import Awaitable
from dataclasses import dataclass

import httpx
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types
from notion_client.errors import HTTPResponseError, RequestTimeoutError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from namecard.bootstrap.settings import Mode, Settings
from namecard.domain.errors import NamecardError
from namecard.line.client import LineClient
from namecard.state.refusal import refusal_sentence, refuses_us
from namecard.store.notion.client import Database, DataSource, open_client
from namecard.store.notion.schema import plan

CHECK_TIMEOUT_SECONDS = 10.0
MASK = "****"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAIL':5} {self.name:13} {self.detail}"


def doctor(settings: Settings) -> int:
    checks = asyncio.run(run_checks(settings))
    secrets = _secret_values(settings)
    for check in checks:
        print(scrub(check.line(), secrets))
    print(f"{'info':5} {'listen':13} {settings.host}:{settings.port} (workers: {settings.workers})")
    print(f"{'info':5} {'data dir':13} {settings.data_dir.resolve()}")
    failed = [check.name for check in checks if not check.ok]
    if failed:
        print(
            f"namecard doctor: {len(failed)} check(s) failed: {', '.join(failed)}", file=sys.stderr
        )
        return 1
    return 0


async def run_checks(settings: Settings) -> list[Check]:
    """Every check, each bounded by CHECK_TIMEOUT_SECONDS, in the order of a photo's path."""
    gemini = [
        _bounded(
            f"gemini {_hint(key.get_secret_value())}", _gemini_key(settings, key.get_secret_value())
        )
        for key in settings.gemini_keys
    ]
    return list(
        await asyncio.gather(
            _bounded("redis", _redis(settings)),
            _bounded("line", _line(settings)),
            *(gemini or [_bounded("reader", _reader(settings))]),
            _bounded("contacts", _contacts(settings)),
        )
    )


async def _bounded(name: str, check: Awaitable[tuple[bool, str]]) -> Check:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            ok, detail = await check
    except TimeoutError:
        ok, detail = False, f"no answer within {CHECK_TIMEOUT_SECONDS:.0f} s"
    return Check(name, ok, detail)


# ---- Redis ---------------------------------------------------------------------------------
async def _redis(settings: Settings) -> tuple[bool, str]:
    if settings.redis_url is None:
        return True, "not configured: state in this process (REDIS_URL unset; one worker)"
    client: Redis = Redis.from_url(
        settings.redis_url, socket_timeout=5.0, socket_connect_timeout=5.0
    )
    where = redis_location(client)
    try:
        await client.ping()
        info = await client.info("server")
    except (RedisError, OSError) as exc:
        if refuses_us(exc):
            return False, f"{where}: {refusal_sentence(exc)}"
        return False, f"{where} unreachable ({type(exc).__name__}: {exc}): check REDIS_URL"
    finally:
        await client.aclose()
    return True, f"{where} answers PING, Redis {info.get('redis_version', '?')}"


def redis_location(client: Redis) -> str:
    """Host, port and database of a client, never its user or password."""
    kwargs = client.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix:{kwargs['path']} db {kwargs.get('db', 0)}"
    return f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')} db {kwargs.get('db', 0)}"


# ---- LINE ----------------------------------------------------------------------------------
async def _line(settings: Settings) -> tuple[bool, str]:
    if settings.line_mode is Mode.EMBEDDED:
        return True, "built-in simulator (development only; set LINE_CHANNEL_* for real LINE)"
    assert settings.line_channel_access_token is not None
    client = LineClient(
        access_token=settings.line_channel_access_token,
        api_base_url=settings.line_api_base_url,
        data_api_base_url=settings.line_data_api_base_url,
        timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        user_id = await client.bot_user_id()
    except NamecardError as exc:
        return False, f"{settings.line_api_base_url}: {exc}: check LINE_CHANNEL_ACCESS_TOKEN"
    finally:
        await client.aclose()
    return True, f"{settings.line_api_base_url}: bot info answered (bot user {user_id[:9]}…)"


# ---- Gemini --------------------------------------------------------------------------------
async def _gemini_key(settings: Settings, key: str) -> tuple[bool, str]:
    options = genai_types.HttpOptions(
        base_url=settings.gemini_base_url,
        api_version=settings.gemini_api_version,
        timeout=math.ceil(CHECK_TIMEOUT_SECONDS * 1000),
        retry_options=genai_types.HttpRetryOptions(attempts=1),
    )
    client = genai.Client(api_key=key, http_options=options)
    model = settings.gemini_model
    try:
        found = await client.aio.models.get(model=model)
    except genai_errors.APIError as exc:
        return False, f"model {model}: Gemini answered {exc.code} {exc.status}: {_gemini_hint(exc)}"
    except (httpx.HTTPError, OSError) as exc:
        return False, f"model {model}: no answer ({type(exc).__name__}): check GEMINI_BASE_URL"
    finally:
        await client.aio.aclose()
        client.close()
    methods = found.supported_actions or []
    usable = not methods or "generateContent" in methods
    detail = f"model {model} reachable ({found.display_name or found.name})"
    return usable, detail if usable else f"{detail} but cannot generateContent: check GEMINI_MODEL"


def _gemini_hint(exc: genai_errors.APIError) -> str:
    if exc.code == 404:
        return "check GEMINI_MODEL and GEMINI_API_VERSION"
    if exc.code in (400, 401, 403):
        return "the key is refused: check it (or remove it from the GOOGLE_API_KEY* variables)"
    return str(exc.message or "")


async def _reader(settings: Settings) -> tuple[bool, str]:
    if settings.offline_reader:
        return True, "offline reader (RapidOCR): no GOOGLE_API_KEY set"
    return False, "no card reader: set GOOGLE_API_KEY, or OFFLINE_READER=true"


# ---- Notion / local contact book -----------------------------------------------------------
async def _contacts(settings: Settings) -> tuple[bool, str]:
    if settings.store_mode is Mode.EMBEDDED:
        book = settings.data_dir.resolve() / "contacts.sqlite3"
        state = "exists" if book.exists() else "made at first start"
        return True, f"local contact book {book} ({state}); set NOTION_* to save to Notion"
    assert settings.notion_api_key is not None and settings.notion_database_id is not None
    client = open_client(
        settings.notion_api_key,
        base_url=settings.notion_base_url,
        timeout_seconds=CHECK_TIMEOUT_SECONDS,
        logger_name=f"{__name__}.notion",
    )
    try:
        database = Database.model_validate(
            await client.databases.retrieve(database_id=settings.notion_database_id)
        )
        if not database.data_sources:
            return False, f"database {settings.notion_database_id} has no data source"
        source_id = database.data_sources[0].id
        source = DataSource.model_validate(
            await client.data_sources.retrieve(data_source_id=source_id)
        )
    except HTTPResponseError as exc:
        return (
            False,
            f"Notion answered {exc.status} {exc.code}: {_NOTION_HINTS.get(exc.status, exc)}",
        )
    except (RequestTimeoutError, httpx.HTTPError) as exc:
        return False, f"Notion did not answer ({type(exc).__name__}): check NOTION_BASE_URL"
    finally:
        await client.aclose()
    schema = plan({name: config.type for name, config in source.properties.items()})
    if schema.create:
        missing = ", ".join(schema.create)
        return False, f"data source {source_id} lacks {missing}: run `namecard notion-init`"
    kept = f"; {len(schema.mismatches)} of another type (kept)" if schema.mismatches else ""
    return True, f"data source {source_id}: every property the bot writes is there{kept}"


_NOTION_HINTS: dict[int, str] = {
    401: "check NOTION_API_KEY",
    403: "give the integration access to the database (… menu → Connections)",
    404: "check NOTION_DATABASE_ID and share the database with the integration",
}


# ---- secrets -------------------------------------------------------------------------------
def _hint(key: str) -> str:
    return f"…{key[-4:]}"


def _secret_values(settings: Settings) -> list[str]:
    values = [key.get_secret_value() for key in settings.gemini_keys]
    for secret in (
        settings.line_channel_secret,
        settings.line_channel_access_token,
        settings.notion_api_key,
        settings.stats_token,
        settings.google_api_keys,
    ):
        if secret is not None:
            values.append(secret.get_secret_value())
    if settings.redis_url:
        password = Redis.from_url(settings.redis_url).connection_pool.connection_kwargs.get(
            "password"
        )
        values += [str(password)] if password else []
    return [value for value in values if len(value) >= 4]


def scrub(text: str, secrets: list[str]) -> str:
    """Any configured secret that an upstream echoed, replaced (longest first)."""
    for value in sorted(secrets, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text
