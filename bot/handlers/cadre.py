"""Cadre commands (帮扶干部). The whole router only lets bound cadres in."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import IsCadre
from services import graduates
from services.privacy import FieldCipher
from storage.models import Cadre
from yulu.i18n import Translator

router = Router(name="cadre")
router.message.filter(IsCadre())
router.callback_query.filter(IsCadre())
MAX_LISTED = 30


@router.message(Command("mygraduates"))
async def my_graduates(
    message: Message, session: AsyncSession, cadre: Cadre, t: Translator, cipher: FieldCipher
) -> None:
    """The cadre's own graduates, masked."""
    lines = []
    async for graduate in graduates.iter_graduates(session, cadre_id=cadre.id):
        row = graduates.row_for(graduate, cipher, t, full=False)
        lines.append(t("cadre-graduate-line", **row))
        if len(lines) >= MAX_LISTED:
            break
    text = "\n".join(lines) if lines else t("cadre-no-graduates")
    await message.answer(t("cadre-graduates-title", name=cadre.name) + "\n" + text)
