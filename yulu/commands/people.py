"""`yulu import`, `yulu export`, `yulu cadre`, `yulu graduates`: the administrator's tools."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from yulu.commands.audit import OperatorOption, operator_actor
from yulu.commands.common import (
    ConfigOption,
    console,
    emit_table,
    import_with_progress,
    out,
    row_reason,
    run_with_runtime,
    settings_for,
)
from yulu.core.errors import InvalidInput
from yulu.core.i18n import get_translator
from yulu.services import cadres, graduates, roster
from yulu.services.context import Runtime
from yulu.services.privacy import mask_phone
from yulu.storage.models import CadreRole

import_app = typer.Typer(
    help="Import rosters (学籍/帮扶名单) from CSV or Excel.", no_args_is_help=True
)
export_app = typer.Typer(help="Export the ledger (台账) to CSV or Excel.", no_args_is_help=True)
cadre_app = typer.Typer(
    help="Cadres (帮扶干部): add them and issue one-time invite codes.", no_args_is_help=True
)
graduates_app = typer.Typer(
    help="Graduates who signed up: list, show a full record.", no_args_is_help=True
)

FileArg = Annotated[Path, typer.Argument(help="A .csv (UTF-8 or GBK) or .xlsx file.")]


@import_app.command("roster")
def import_roster(
    ctx: typer.Context,
    file: FileArg,
    kind: Annotated[
        str | None,
        typer.Option(
            help="student (雨露计划学生/毕业生) or new-labour (新成长劳动力: 初中/高中 leavers); "
            "default: each row's 人员类别 column, else 初中/高中 rows are new labour."
        ),
    ] = None,
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """Import a roster: columns 姓名, 身份证号, 手机号, 学校, 专业, 学历层次, 毕业年份, 户籍地,
    家庭类型, 易地搬迁, 帮扶干部手机号 (English aliases accepted); new labour also 入读意愿.
    Good rows go in; every bad row is reported with its row number; importing the same file
    again changes nothing."""
    settings = settings_for(ctx, config)
    operator_actor(settings, operator)
    if not file.exists():
        console.print(f"[red]文件不存在 / no such file:[/] {file}")
        raise typer.Exit(2)
    if kind is not None and kind not in roster.KINDS:
        console.print(f"[red]--kind: {' / '.join(roster.KINDS)}[/]")
        raise typer.Exit(2)
    t = get_translator()

    async def run(runtime: Runtime, on_rows: Callable[[int], None]) -> roster.ImportReport:
        return await roster.import_roster(
            runtime.session_factory, runtime.cipher, file, kind=kind, on_rows=on_rows
        )

    report = import_with_progress(settings, file, run)
    out.print(
        t(
            "import-summary",
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            errors=len(report.errors),
        )
    )
    if report.new_labour:
        out.print(t("import-summary-new-labour", count=report.new_labour))
    if report.verified_graduates:
        out.print(t("import-summary-verified", count=report.verified_graduates))


@export_app.command("graduates")
def export_graduates(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Output .csv or .xlsx file.")],
    full: Annotated[
        bool, typer.Option(help="Unmasked phones and ID numbers (audit-logged).")
    ] = False,
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """Export every graduate with Chinese headers; phones and IDs masked unless --full."""
    settings = settings_for(ctx, config)
    actor = operator_actor(settings, operator)
    t = get_translator()

    async def work(runtime: Runtime) -> int:
        async with runtime.session_factory.begin() as session:
            return await graduates.export_graduates(
                session, runtime.cipher, t, file, full=full, actor=actor
            )

    count = run_with_runtime(settings, work)
    if full:
        console.print(f"[yellow]{t('export-full-warning')}[/]")
    out.print(t("export-done", count=count, path=str(file)))


@cadre_app.command("add")
def cadre_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="The cadre's real name.")],
    phone: Annotated[str, typer.Option(help="Mobile number (the cadre's key).")],
    region: Annotated[
        str, typer.Option(help="Region served, e.g. 隆回县桃洪镇, 隆回, 邵阳市 or 湖南省.")
    ],
    supervisor: Annotated[
        str | None, typer.Option(help="Supervisor's phone (village → township → …).")
    ] = None,
    admin: Annotated[
        bool,
        typer.Option(
            help="An administrator: of a county, city or province, as --region names "
            "(gets cases with no cadre, and escalations)."
        ),
    ] = False,
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """Add a cadre (or update the one with this phone). The level follows from --region:
    a township or village below the county (隆回县桃洪镇) for a 帮扶干部; a county, city or
    province for an administrator."""
    settings = settings_for(ctx, config)
    actor = operator_actor(settings, operator)
    t = get_translator()
    role = CadreRole.ADMIN if admin else CadreRole.CADRE

    async def work(runtime: Runtime) -> tuple[int, str]:
        async with runtime.session_factory.begin() as session:
            cadre = await cadres.add_cadre(
                session,
                runtime.cipher,
                name=name,
                phone=phone,
                region=region,
                supervisor_phone=supervisor,
                role=role,
                actor=actor,
            )
            return cadre.id, cadre.region.full_name + (cadre.area or "")

    try:
        cadre_id, region_name = run_with_runtime(settings, work)
    except InvalidInput as exc:
        console.print(f"[red]{row_reason(exc.reason)}[/]")
        raise typer.Exit(2) from exc
    out.print(t("cadre-added", name=name, phone=mask_phone(phone), region=region_name, id=cadre_id))


@cadre_app.command("invite")
def cadre_invite(
    ctx: typer.Context,
    phone: Annotated[str, typer.Argument(help="The cadre's mobile number.")],
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """Print a one-time invite code and deep link; the cadre sends /start CODE to bind."""
    settings = settings_for(ctx, config)
    actor = operator_actor(settings, operator)
    t = get_translator()

    async def work(runtime: Runtime) -> cadres.Invite:
        async with runtime.session_factory.begin() as session:
            return await cadres.invite(
                session,
                runtime.cipher,
                phone=phone,
                ttl_hours=settings.invite_ttl_hours,
                actor=actor,
            )

    invite = run_with_runtime(settings, work)
    link = f"https://t.me/{settings.telegram.bot_username}?start={invite.code}"
    expires = invite.expires_at.astimezone(_tz(settings.timezone)).strftime("%Y-%m-%d %H:%M")
    out.print(t("cadre-invite", code=invite.code, link=link, expires=expires))


@graduates_app.command("list")
def graduates_list(
    ctx: typer.Context,
    unverified: Annotated[
        bool, typer.Option(help="Only sign-ups not matched to the roster.")
    ] = False,
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """List graduates (masked); --unverified for the county's follow-up list."""
    settings = settings_for(ctx, config)
    operator_actor(settings, operator)
    t = get_translator()
    columns = (
        "id",
        "name",
        "phone",
        "school",
        "major",
        "graduation_year",
        "hukou",
        "status",
        "verified",
    )

    async def work(runtime: Runtime) -> list[list[str]]:
        rows = []
        async with runtime.session_factory() as session:
            async for graduate in graduates.iter_graduates(session, unverified_only=unverified):
                row = graduates.row_for(graduate, runtime.cipher, t, full=False)
                rows.append([row[c] for c in columns])
        return rows

    emit_table(
        [t(f"column-{c}") for c in columns],
        run_with_runtime(settings, work),
        empty=t("graduates-none"),
    )


@graduates_app.command("show")
def graduates_show(
    ctx: typer.Context,
    graduate_id: Annotated[int, typer.Argument(help="The graduate's number (编号).")],
    operator: OperatorOption = None,
    config: ConfigOption = None,
) -> None:
    """Show one graduate's full, unmasked record (the view is audit-logged)."""
    settings = settings_for(ctx, config)
    actor = operator_actor(settings, operator)
    t = get_translator()

    async def work(runtime: Runtime) -> dict[str, str]:
        async with runtime.session_factory.begin() as session:
            return await graduates.full_record(session, runtime.cipher, t, graduate_id, actor=actor)

    record = run_with_runtime(settings, work)
    for key, value in record.items():
        out.print(f"{t(f'column-{key}')}: {value}")


def _tz(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
