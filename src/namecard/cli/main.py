"""The `namecard` command: serve, send, scan, export, doctor, notion-init, line-setup, jobs."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from namecard.bootstrap.settings import Settings, describe_errors, load_settings
from namecard.cli.help_format import HelpWithDefaults
from namecard.cli.jobs import add_jobs_parser

DEFAULT_SEND_TIMEOUT = 60.0
EPILOG = (
    "Settings come from the environment (README: Configuration). "
    "`namecard COMMAND --help` shows a command's options and their defaults."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="namecard", description=__doc__, epilog=EPILOG, formatter_class=HelpWithDefaults
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=text, description=text, formatter_class=HelpWithDefaults
        )

    serve = command("serve", "start the bot (Hypercorn)")
    serve.add_argument("--port", type=int, help="listen on this port (default: PORT, else 8080)")
    serve.add_argument(
        "--host", help="listen on this address (default: HOST; 127.0.0.1 with the simulator)"
    )
    serve.add_argument(
        "--check", action="store_true",
        help="only check the settings and that the port is free, then exit (0: ready to serve)",
    )  # fmt: skip
    _add_send(command("send", "play a LINE user against the running bot: a photo, text or tap"))
    scan = command("scan", "read card photos with the configured reader, without LINE")
    scan.add_argument("photos", nargs="+", metavar="PHOTO", help="card photos (JPEG, PNG, WebP)")
    scan.add_argument("--json", action="store_true", help="one JSON document instead of a table")
    export = command("export", "print the local contact book (DATA_DIR/contacts.sqlite3)")
    export.add_argument("--format", choices=["csv", "vcf"], default="csv", help="output format")
    export.add_argument(
        "--output", help="write to this file instead of standard output (default: stdout)"
    )
    command("doctor", "check every configured dependency (Redis, LINE, Gemini, Notion)")
    command("notion-init", "add the properties the bot writes to the Notion database")
    command("line-setup", "create or update the bot's rich menu and make it the default")
    add_jobs_parser(commands)
    return parser


def _add_send(send: argparse.ArgumentParser) -> None:
    send.add_argument(
        "photo", nargs="?", metavar="PHOTO", help="path of a card photo (JPEG, PNG or WebP)"
    )
    send.add_argument("--text", help="send this text instead, e.g. 批次, 結束批次, help")
    send.add_argument("--postback", metavar="DATA", help="send a button's postback data instead")
    send.add_argument("--user", help="LINE user id to send as (default: a fixed demo user)")
    send.add_argument(
        "--url", help="base URL of the running bot (default: http://127.0.0.1:PORT, PORT=8080)"
    )
    send.add_argument(
        "--timeout", type=float, default=DEFAULT_SEND_TIMEOUT, help="seconds to wait for the answer"
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`namecard export | head`): stop quietly, as a pipe expects.
        # Python's own advice: point stdout at devnull so the flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    overrides = {k: v for k, v in (("port", getattr(args, "port", None)),
                                   ("host", getattr(args, "host", None))) if v}  # fmt: skip
    try:
        settings = load_settings(**overrides)
    except ValidationError as exc:
        print(f"namecard: {describe_errors(exc)}", file=sys.stderr)
        return 2
    code = _run(args, settings)
    sys.stdout.flush()  # a closed pipe shows here, inside the BrokenPipeError handler
    return code


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        from namecard.cli.serve import check, serve

        return check(settings) if args.check else serve(settings)
    if args.command == "send":
        from namecard.cli.send import send

        return send(
            settings, args.photo, text=args.text, postback=args.postback,
            user=args.user, url=args.url, timeout=args.timeout,
        )  # fmt: skip
    if args.command == "scan":
        from namecard.cli.scan import scan

        return scan(settings, args.photos, as_json=args.json)
    if args.command == "export":
        from namecard.cli.export import export

        return export(settings, args.format, args.output)
    if args.command == "notion-init":
        from namecard.cli.notion_init import notion_init

        return asyncio.run(notion_init(settings))
    if args.command == "line-setup":
        from namecard.cli.line_setup import line_setup

        return asyncio.run(line_setup(settings))
    if args.command == "jobs":
        from namecard.cli.jobs import jobs

        return jobs(settings, args)
    from namecard.cli.doctor import doctor

    return doctor(settings)


if __name__ == "__main__":
    sys.exit(main())
