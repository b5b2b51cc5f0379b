"""The `namecard` command: serve, send, scan, export, doctor, notion-init."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from namecard.bootstrap.settings import Settings, describe_errors, load_settings
from namecard.cli.jobs import add_jobs_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="namecard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the bot (Hypercorn)")
    serve.add_argument("--port", type=int, help="listen on this port (default: PORT or 8080)")
    serve.add_argument(
        "--host", help="listen on this address (default: HOST; 127.0.0.1 with the simulator)"
    )
    send = commands.add_parser("send", help="send a photo to the running bot as a LINE user")
    send.add_argument("photo", help="path of a card photo (JPEG, PNG or WebP)")
    send.add_argument("--user", help="LINE user id to send as (default: a fixed demo user)")
    send.add_argument("--url", help="base URL of the running bot (default: http://127.0.0.1:PORT)")
    send.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the answer")
    scan = commands.add_parser("scan", help="read card photos with the configured reader")
    scan.add_argument("photos", nargs="+", metavar="PHOTO", help="card photos (JPEG, PNG, WebP)")
    scan.add_argument("--json", action="store_true", help="one JSON document instead of a table")
    export = commands.add_parser("export", help="print the local contact book")
    export.add_argument("--format", choices=["csv", "vcf"], default="csv")
    export.add_argument("--output", help="write to this file instead of standard output")
    commands.add_parser("doctor", help="print the mode of each dependency (never a secret)")
    commands.add_parser(
        "notion-init", help="add the properties the bot writes to the Notion database"
    )
    add_jobs_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    overrides = {k: v for k, v in (("port", getattr(args, "port", None)),
                                   ("host", getattr(args, "host", None))) if v}  # fmt: skip
    try:
        settings = load_settings(**overrides)
    except ValidationError as exc:
        print(f"namecard: {describe_errors(exc)}", file=sys.stderr)
        return 2
    return _run(args, settings)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        from namecard.cli.serve import serve

        return serve(settings)
    if args.command == "send":
        from namecard.cli.send import send

        return send(settings, args.photo, user=args.user, url=args.url, timeout=args.timeout)
    if args.command == "scan":
        from namecard.cli.scan import scan

        return scan(settings, args.photos, as_json=args.json)
    if args.command == "export":
        from namecard.cli.export import export

        return export(settings, args.format, args.output)
    if args.command == "notion-init":
        from namecard.cli.notion_init import notion_init

        return asyncio.run(notion_init(settings))
    if args.command == "jobs":
        from namecard.cli.jobs import jobs

        return jobs(settings, args)
    from namecard.cli.doctor import doctor

    return doctor(settings)


if __name__ == "__main__":
    sys.exit(main())
