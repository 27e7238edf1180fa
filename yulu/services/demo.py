"""A small demo data set for the sandbox: a bound cadre, an administrator and roster rows.

The sandbox page's cadre identity (Telegram user 2001) is bound to the demo cadre, so a visitor
can switch to it and see alerts; the roster holds 李小红 (phone 13800138000), so signing up with
that name and phone is verified and assigned to the cadre.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from yulu.core.i18n import get_translator
from yulu.nlu.entities import id_check_digit
from yulu.services import cadres
from yulu.services.postings import load_demo_postings
from yulu.services.roster import import_roster
from yulu.services.tabular import table_writer
from yulu.storage.models import CadreRole
from yulu.storage.people import cadre_by_user

if TYPE_CHECKING:
    from yulu.services.context import Runtime

DEMO_CADRE_USER_ID = 2001


@dataclass(frozen=True)
class DemoPerson:
    name: str
    phone: str
    birth: str
    major: str


DEMO_ROSTER = (
    DemoPerson("李小红", "13800138000", "20050312", "汽车运用与维修"),
    DemoPerson("张伟", "13800138001", "20040821", "会计事务"),
    DemoPerson("王芳", "13800138002", "20051102", "护理"),
)


def demo_id_number(birth: str, sequence: int) -> str:
    """A checksum-valid ID number from 隆回县 (430524) for demo and test rows."""
    first17 = f"430524{birth}{sequence:03d}"
    return first17 + id_check_digit(first17)


async def load_demo(runtime: Runtime) -> str:
    """Create the demo cadre (bound to the sandbox cadre identity) and roster; idempotent."""
    async with runtime.session_factory.begin() as session:
        await cadres.add_cadre(
            session,
            runtime.cipher,
            name="赵主任",
            phone="13900000000",
            region="湖南省邵阳市隆回县",
            role=CadreRole.ADMIN,
            actor="demo",
        )
        cadre = await cadres.add_cadre(
            session,
            runtime.cipher,
            name="王书记",
            phone="13900000001",
            region="湖南省邵阳市隆回县",
            supervisor_phone="13900000000",
            actor="demo",
        )
        bound = await cadre_by_user(session, DEMO_CADRE_USER_ID)
        if bound is None:
            cadre.telegram_user_id, cadre.bound_at = DEMO_CADRE_USER_ID, datetime.now(UTC)
    await _demo_roster(runtime)
    await load_demo_postings(runtime)
    return get_translator()("demo-loaded")


async def _demo_roster(runtime: Runtime) -> None:
    """Import the demo roster through the same path an administrator's file takes."""
    year = date.today().year
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.csv"
        header = [
            "姓名",
            "身份证号",
            "手机号",
            "学校",
            "专业",
            "学历层次",
            "毕业年份",
            "户籍地",
            "家庭类型",
            "易地搬迁",
            "帮扶干部手机号",
        ]
        with table_writer(path, header) as write:
            for i, person in enumerate(DEMO_ROSTER, start=1):
                write(
                    [
                        person.name,
                        demo_id_number(person.birth, i),
                        person.phone,
                        "邵阳职业技术学院",
                        person.major,
                        "高职",
                        year,
                        "湖南省邵阳市隆回县",
                        "脱贫家庭",
                        "否",
                        "13900000001",
                    ]
                )
        await import_roster(runtime.session_factory, runtime.cipher, path, actor="demo")
