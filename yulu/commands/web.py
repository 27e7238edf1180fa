"""`yulu web`: serve the staff console alone; `yulu web login-link PHONE`: a one-time sign-in."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated

import typer

from yulu.commands.common import ConfigOption, console, out, run_with_runtime, settings_for
from yulu.core.errors import NotFound, YuluError
from yulu.core.i18n import get_translator
from yulu.services.context import Runtime

web_app = typer.Typer(
    help="The staff console (工作台): serve it, print one-time sign-in links.",
    invoke_without_command=True,
)


@web_app.callback()
def serve_console(
    ctx: typer.Context,
    config: ConfigOption = None,
    demo: Annotated[bool, typer.Option(help="Offer the demo administrator sign-in.")] = False,
) -> None:
    """Serve the console at web.host:web.port (no bot) until interrupted."""
    if ctx.invoked_subcommand is not None:
        return
    from yulu.runtime import prepare_database
    from yulu.services.context import cipher_for, open_runtime
    from yulu.web import WebConsole

    settings = settings_for(ctx, config)

    async def main() -> None:
        async with open_runtime(settings) as runtime:
            site = WebConsole(runtime, demo=demo)
            await site.start()
            console.print(f"[bold green]雨露工作台 staff console:[/] {site.url}/  (Ctrl-C to stop)")
            try:
                await asyncio.Event().wait()
            finally:
                await site.stop()

    try:
        cipher_for(settings)
        prepare_database(settings)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())
    except YuluError as exc:
        console.print(f"[red]无法启动 / cannot start:[/] {exc}")
        raise typer.Exit(1) from exc


@web_app.command("login-link")
def login_link(
    ctx: typer.Context,
    phone: Annotated[str, typer.Argument(help="The staff member's phone number.")],
    config: ConfigOption = None,
) -> None:
    """Print a one-time sign-in link (valid web.login_ttl_minutes, single use, stored hashed)."""
    from yulu.web import auth

    settings = settings_for(ctx, config)

    async def work(runtime: Runtime) -> tuple[str, str] | None:
        try:
            async with runtime.session_factory.begin() as session:
                token, cadre = await auth.issue_link(
                    session, runtime.cipher, phone=phone, web=settings.web, actor="cli"
                )
                return token, cadre.name
        except NotFound:
            return None

    issued = run_with_runtime(settings, work)
    if issued is None:
        console.print(f"[red]{get_translator()('web-unknown-phone')}[/]")
        raise typer.Exit(1)
    token, name = issued
    link = f"{settings.web.url}/login/link/{token}"
    text = get_translator()(
        "web-cli-login-link", name=name, link=link, minutes=settings.web.login_ttl_minutes
    )
    out.print(text, soft_wrap=True, markup=False, highlight=False)
