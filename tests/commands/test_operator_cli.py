"""Named operators in the audit log, `yulu audit list`, `yulu jobs list`, `yulu cases …`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from factories import graduate
from typer.testing import CliRunner

from yulu.cli import app
from yulu.core.config import Settings
from yulu.core.i18n import get_translator
from yulu.services import cases, places
from yulu.services.context import open_runtime
from yulu.storage.models import CaseReason

pytestmark = pytest.mark.integration


def _env(settings: Settings, tmp_path: Path, **extra: str) -> dict[str, str]:
    empty = tmp_path / "empty.yml"
    empty.write_text("", encoding="utf-8")
    return {
        "YULU_CONFIG": str(empty),
        "YULU_DATABASE_URL": settings.database_url,
        "YULU_SECRET_KEY": settings.secret_key.get_secret_value(),
        **extra,
    }


def _yulu(args: list[str], env: dict[str, str], *, code: int = 0) -> str:
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == code, result.output
    return result.output


def _graduate_with_case(settings: Settings) -> int:
    async def make() -> int:
        async with open_runtime(settings) as runtime, runtime.session_factory.begin() as session:
            region = await places.region_for(session, places.county("隆回"))
            person = graduate(runtime.cipher, user_id=8900, region_id=region.id, cadre_id=None)
            session.add(person)
            await session.flush()
            await cases.open_case(
                session, runtime.cipher, get_translator(), person, CaseReason.LOST_JOB, actor="x"
            )
            return person.id

    return asyncio.run(make())


def test_audit_list_names_the_operator_of_a_full_view_and_a_full_export(
    settings: Settings, tmp_path: Path
) -> None:
    graduate_id = _graduate_with_case(settings)
    env = _env(settings, tmp_path)
    _yulu(["graduates", "show", str(graduate_id), "--operator", "张科长"], env)
    export = tmp_path / "ledger.csv"
    _yulu(["export", "graduates", str(export), "--full"], {**env, "YULU_OPERATOR": "王干事"})
    _yulu(["export", "cases", str(tmp_path / "cases.csv"), "--operator", "张科长"], env)
    listed = _yulu(["audit", "list"], env)
    lines = listed.splitlines()
    assert any("operator:张科长" in line and "graduate.view_full" in line for line in lines)
    assert any("operator:王干事" in line and "graduate.export_full" in line for line in lines)
    assert any("operator:张科长" in line and "case.export" in line for line in lines)
    only = _yulu(["audit", "list", "--actor", "王干事"], env)
    assert "graduate.export_full" in only and "view_full" not in only
    since = _yulu(["audit", "list", "--since", "2999-01-01"], env)
    assert "graduate." not in since


def test_production_refuses_personal_data_without_an_operator(
    settings: Settings, tmp_path: Path
) -> None:
    graduate_id = _graduate_with_case(settings)
    env = _env(settings, tmp_path, YULU_ENV="production")
    refused = _yulu(["graduates", "show", str(graduate_id)], env, code=2)
    assert "--operator" in refused
    _yulu(["graduates", "show", str(graduate_id), "--operator", "张科长"], env)


def test_cases_show_and_export_carry_the_history_and_the_path(
    settings: Settings, tmp_path: Path
) -> None:
    _graduate_with_case(settings)
    env = _env(settings, tmp_path)
    shown = _yulu(["cases", "show", "1", "--operator", "张科长"], env)
    assert "发起" in shown and "无人可通知" in shown  # no administrator: stuck
    stuck = _yulu(["cases", "list", "--stuck"], env)
    assert "失业" in stuck
    export = tmp_path / "cases.csv"
    _yulu(["export", "cases", str(export), "--operator", "张科长"], env)
    header = export.read_text(encoding="utf-8-sig").splitlines()[0]
    assert "上报路径" in header and "备注" in header


def test_jobs_list_shows_the_weekly_matching_next_on_a_monday(
    settings: Settings, tmp_path: Path
) -> None:
    listed = _yulu(["jobs", "list"], _env(settings, tmp_path))
    line = next(line for line in listed.splitlines() if line.startswith("match_run"))
    assert "0 9 * * 1" in line and "Mon" in line.split("\t")[3]
    assert line.split("\t")[3].endswith("09:00 Mon")


def test_jobs_run_runs_one_job_as_if_at_a_local_time(settings: Settings, tmp_path: Path) -> None:
    env = _env(settings, tmp_path)
    ran = _yulu(["jobs", "run", "case_sla", "--at", "2026-12-07 09:30"], env)
    assert "case_sla" in ran and "reminded=0" in ran
    listed = _yulu(["jobs", "list"], env)
    line = next(line for line in listed.splitlines() if line.startswith("case_sla"))
    assert "2026-12-07 09:30" in line
    _yulu(["jobs", "run", "no_such_job"], env, code=2)
