"""Rows built the way the services build them, for tests that need many graduates quickly."""

from __future__ import annotations

from datetime import UTC, date, datetime

from yulu.services import cadres, places
from yulu.services.context import Runtime
from yulu.services.privacy import FieldCipher
from yulu.storage import outbox
from yulu.storage.models import Cadre, EducationLevel, EmploymentStatus, Graduate, OutboxStatus


async def make_cadre(
    runtime: Runtime,
    *,
    name: str = "王书记",
    phone: str = "13900000001",
    telegram_user_id: int | None = 2001,
) -> Cadre:
    async with runtime.session_factory.begin() as session:
        cadre = await cadres.add_cadre(
            session, runtime.cipher, name=name, phone=phone, region="隆回"
        )
        cadre.telegram_user_id = telegram_user_id
        return cadre


def graduate(
    cipher: FieldCipher, *, user_id: int, region_id: int, cadre_id: int | None, name: str = "测试"
) -> Graduate:
    phone = f"135{user_id:08d}"[-11:]
    return Graduate(
        telegram_user_id=user_id,
        chat_id=user_id,
        name=name,
        phone_enc=cipher.encrypt(phone),
        phone_hash=cipher.lookup_hash(phone),
        phone_tail=phone[-4:],
        school="隆回职中",
        major="汽车运用与维修",
        education_level=EducationLevel.SECONDARY,
        graduation_year=date.today().year,
        hukou_region_id=region_id,
        cadre_id=cadre_id,
        status=EmploymentStatus.SEEKING,
        verified=True,
        consent_version="test",
        consent_at=datetime.now(UTC),
    )


async def make_graduates(
    runtime: Runtime, user_ids: list[int], *, cadre_id: int | None
) -> list[int]:
    """Registered graduates (in 隆回) for these Telegram users; returns their ids."""
    async with runtime.session_factory.begin() as session:
        region = await places.region_for(session, places.county("隆回"))
        rows = [
            graduate(
                runtime.cipher, user_id=u, region_id=region.id, cadre_id=cadre_id, name=f"学生{i}"
            )
            for i, u in enumerate(user_ids)
        ]
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]


async def queued_messages(runtime: Runtime) -> int:
    """Outbox rows still to go: waiting to be sent or on the wire."""
    async with runtime.session_factory() as session:
        counts = await outbox.counts_by_status(session)
    return counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.SENDING, 0)
