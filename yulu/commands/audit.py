"""`yulu audit list` and the named operator every command on personal data records.

Every command that reads or changes personal data takes `--operator NAME` (or YULU_OPERATOR /
config `operator`): that name is the actor in `audit_log`. With `env: production` such a command
refuses to run without one, so no full view or export is ever anonymous.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from yulu.commands.common import ConfigOption, console, emit_table, run_with_runtime, settings_for
from yulu.core.config import Settings
from yulu.core.i18n import get_translator
from yulu.services.context import Runtime
from yulu.storage.people import audit_query

AUDIT_COLUMNS = ("at", "actor", "action", "subject", "detail")
audit_app = typer.Typer(help="The audit log (审计日志): who saw or changed what, and when.")

OperatorOption = Annotated[
    str | None,
    typer.Option(
        "--operator",
        help="Your name, recorded in the audit log (default: $YULU_OPERATOR / config operator); "
        "required when env is production.",
    ),
]


def operator_actor(settings: Settings, given: str | None) -> str:
    """The audit actor for this command run: `operator:NAME`; refused in production without one."""
    name = (given or settings.operator or "").strip()
    if name:
        return f"operator:{name}"
    if settings.env == "production":
        console.print(f"[red]{get_translator()('audit-operator-required')}[/]")
        raise typer.Exit(2)
    return "operator:(unnamed)"


def _since(text: str | None, tz: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        console.print(f"[red]--since: YYYY-MM-DD or 'YYYY-MM-DD HH:MM' ({text})[/]")
        raise typer.Exit(2) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="From this local date or time (YYYY-MM-DD [HH:MM]).")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only entries whose actor contains this.")
    ] = None,
    subject: Annotated[
        str | None, typer.Option(help="Only entries about this subject, e.g. graduate:12.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 200,
    config: ConfigOption = None,
) -> None:
    """Show the audit log, newest first: when, who, what, about whom, details."""
    settings = settings_for(ctx, config)
    t = get_translator()
    tz = ZoneInfo(settings.timezone)
    query = audit_query(since=_since(since, settings.timezone), actor=actor, subject=subject)

    async def work(runtime: Runtime) -> list[list[str]]:
        async with runtime.session_factory() as session:
            entries = (await session.scalars(query.limit(limit))).all()
        return [
            [
                e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.action,
                e.subject or "",
                json.dumps(e.detail, ensure_ascii=False) if e.detail else "",
            ]
            for e in entries
        ]

    emit_table(
        [t(f"audit-column-{c}") for c in AUDIT_COLUMNS],
        run_with_runtime(settings, work),
        empty=t("audit-none"),
    )
