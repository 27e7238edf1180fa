"""The second roster (新成长劳动力名单) and the indexes the ledger and its figures read by.

新成长劳动力 are the 初中/高中 leavers of 脱贫/监测 households: not yet vocational students, asked
each 入学季 whether they will enrol (入读意愿). They are kept apart from ``roster_entry`` (the
雨露计划 student roster a sign-up is verified against) because they have no major and no
vocational education level; the ledger counts both, and a graduate who signs up with the same ID
number is the same person (linked by the ID number's look-up hash).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from yulu.storage.models import Base, Graduate, RosterEntry, _enum, utcnow


class SchoolStage(enum.StrEnum):
    """Where a new labourer left school (学历层次 of the 新成长劳动力 roster)."""

    JUNIOR = "junior"  # 初中
    SENIOR = "senior"  # 高中


class LabourEntry(Base):
    """One row of the 新成长劳动力 roster: an 初中/高中 leaver of a 脱贫/监测 household."""

    __tablename__ = "labour_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    id_number_enc: Mapped[bytes]
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone_enc: Mapped[bytes | None]
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    school: Mapped[str] = mapped_column(String(120))
    stage: Mapped[SchoolStage] = mapped_column(_enum(SchoolStage))
    leaving_year: Mapped[int]  # 毕业年份: the year they leave 初中/高中
    hukou_region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    household_type: Mapped[str] = mapped_column(String(20))  # 脱贫家庭 / 监测对象
    relocated: Mapped[bool] = mapped_column(Boolean, default=False)  # 易地搬迁
    intention: Mapped[str | None] = mapped_column(String(20))  # 入读意愿: enrol/considering/…
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# The ledger and the figures are read per region: a county's people without a full scan.
Index("ix_roster_entry_hukou_region_id", RosterEntry.hukou_region_id)
Index("ix_graduate_hukou_region_id", Graduate.hukou_region_id)


async def labour_fingerprints(session: AsyncSession, id_hashes: Sequence[str]) -> dict[str, str]:
    """id_number_hash → fingerprint for the new-labour rows among `id_hashes`."""
    rows = await session.execute(
        select(LabourEntry.id_number_hash, LabourEntry.fingerprint).where(
            LabourEntry.id_number_hash.in_(id_hashes)
        )
    )
    return {id_hash: fingerprint for id_hash, fingerprint in rows}
