"""The audit log: who did what to whom, and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.storage.models import AuditLog


def record(
    session: AsyncSession, *, actor: str, action: str, subject: str | None = None, **detail: Any
) -> None:
    """Add an audit entry to the caller's transaction (never phones or ID numbers in `detail`)."""
    session.add(AuditLog(actor=actor, action=action, subject=subject, detail=detail))
