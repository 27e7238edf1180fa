"""The programme's tables; Alembic migrations (storage/migrations) are the only way they change."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored in UTC; SQLite's naive values come back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, bytes: LargeBinary}


class EmploymentStatus(enum.StrEnum):
    """A graduate's employment situation (就业状态)."""

    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    SEEKING = "seeking"
    LOST_JOB = "lost_job"
    FURTHER_STUDY = "further_study"
    UNKNOWN = "unknown"


class EducationLevel(enum.StrEnum):
    """中职 / 高职 / 技工."""

    SECONDARY = "secondary"  # 中职
    HIGHER = "higher"  # 高职
    TECHNICAL = "technical"  # 技工


class CadreRole(enum.StrEnum):
    CADRE = "cadre"  # 帮扶干部
    ADMIN = "admin"  # 县/市/省级管理员


class StaffLevel(enum.StrEnum):
    """Where a member of staff works; follows from the region they were added with."""

    VILLAGE = "village"  # 村
    TOWNSHIP = "township"  # 乡镇
    COUNTY = "county"  # 县
    CITY = "city"  # 市
    PROVINCE = "province"  # 省


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class Region(Base):
    """An administrative division a cadre serves or a graduate comes from (省/市/县)."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120), unique=True)
    province: Mapped[str] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(40))
    county: Mapped[str | None] = mapped_column(String(40))
    key_county: Mapped[bool] = mapped_column(Boolean, default=False)  # 国家乡村振兴重点帮扶县


class Cadre(Base):
    """A 帮扶干部 or county administrator; bound to Telegram only through a one-time invite."""

    __tablename__ = "cadre"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    phone_enc: Mapped[bytes]
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone_tail: Mapped[str] = mapped_column(String(4))
    role: Mapped[CadreRole] = mapped_column(_enum(CadreRole), default=CadreRole.CADRE)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"))
    level: Mapped[StaffLevel | None] = mapped_column(_enum(StaffLevel))  # None: before 0007
    area: Mapped[str | None] = mapped_column(String(60))  # the township/village below the county
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    bound_at: Mapped[datetime | None]
    # Telegram refused a message to them (they blocked the bot): skipped by the escalation
    # chain until they write to the bot again
    unreachable_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    region: Mapped[Region | None] = relationship(lazy="joined")

    @property
    def reachable(self) -> bool:
        """Bound to Telegram and not refusing the bot's messages."""
        return self.telegram_user_id is not None and self.unreachable_at is None


class CadreInvite(Base):
    """A one-time code a cadre sends as /start CODE; only its hash is kept."""

    __tablename__ = "cadre_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RosterEntry(Base):
    """One row of a school/county roster (学籍/帮扶名单): what a sign-up is verified against."""

    __tablename__ = "roster_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    id_number_enc: Mapped[bytes]
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone_enc: Mapped[bytes | None]
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    school: Mapped[str] = mapped_column(String(120))
    major: Mapped[str] = mapped_column(String(120))
    education_level: Mapped[EducationLevel] = mapped_column(_enum(EducationLevel))
    graduation_year: Mapped[int]
    hukou_region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    household_type: Mapped[str] = mapped_column(String(20))  # 脱贫家庭 / 监测对象
    relocated: Mapped[bool] = mapped_column(Boolean, default=False)  # 易地搬迁
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))  # keyed hash of the row's content
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Graduate(Base):
    """A graduate who signed up through the bot (实名登记)."""

    __tablename__ = "graduate"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(60))
    phone_enc: Mapped[bytes]
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    phone_tail: Mapped[str] = mapped_column(String(4))
    id_number_enc: Mapped[bytes | None]
    id_number_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    school: Mapped[str] = mapped_column(String(120))
    major: Mapped[str] = mapped_column(String(120))
    education_level: Mapped[EducationLevel] = mapped_column(_enum(EducationLevel))
    graduation_year: Mapped[int]
    hukou_region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    desired_region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))  # None: anywhere
    status: Mapped[EmploymentStatus] = mapped_column(_enum(EmploymentStatus))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    roster_entry_id: Mapped[int | None] = mapped_column(ForeignKey("roster_entry.id"))
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"))
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime]
    unsubscribed_at: Mapped[datetime | None]
    unreachable_at: Mapped[datetime | None]
    paused_until: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM: studying or serving
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    hukou_region: Mapped[Region] = relationship(foreign_keys=[hukou_region_id], lazy="joined")
    desired_region: Mapped[Region | None] = relationship(
        foreign_keys=[desired_region_id], lazy="joined"
    )
    cadre: Mapped[Cadre | None] = relationship(lazy="joined")

    __table_args__ = (Index("ix_graduate_verified_created", "verified", "created_at"),)


class ProcessedUpdate(Base):
    """A Telegram update already handled: the same update_id twice has one effect."""

    __tablename__ = "processed_update"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationState(Base):
    """aiogram FSM state and data, so any process can take a user's next message."""

    __tablename__ = "conversation_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxMessage(Base):
    """A proactive message, written in the same transaction as the decision that caused it."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    graduate_id: Mapped[int | None] = mapped_column(ForeignKey("graduate.id"))
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[Any] | None] = mapped_column(JSON)  # yulu.services.actions JSON
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_outbox_message_status_not_before", "status", "not_before"),)


class CheckIn(Base):
    """One graduate's answer for one month: the ledger's status history (就业台账)."""

    __tablename__ = "check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    graduate_id: Mapped[int] = mapped_column(ForeignKey("graduate.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    status: Mapped[EmploymentStatus | None] = mapped_column(_enum(EmploymentStatus))
    same_job: Mapped[bool | None] = mapped_column(Boolean)
    employer: Mapped[str | None] = mapped_column(String(120))
    work_place: Mapped[str | None] = mapped_column(String(120))
    income_band: Mapped[str | None] = mapped_column(String(20))
    stable: Mapped[bool | None] = mapped_column(Boolean)
    via: Mapped[str | None] = mapped_column(String(10))  # button / text

    __table_args__ = (
        UniqueConstraint("graduate_id", "period"),
        Index("ix_check_in_period_answered", "period", "answered_at"),
    )


class CaseReason(enum.StrEnum):
    LOST_JOB = "lost_job"  # 失业
    LOST_CONTACT = "lost_contact"  # 失联
    ASKED_HUMAN = "asked_human"  # 求助
    BLOCKED = "blocked"  # 屏蔽了机器人
    LOW_INCOME = "low_income"  # 收入偏低


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"  # 已受理
    FOLLOWING = "following"  # 跟进中: contacted, still being helped
    RESOLVED = "resolved"  # 已办结


class Case(Base):
    """One graduate who needs a person (帮扶清单), owned by one cadre at a time."""

    __tablename__ = "help_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    graduate_id: Mapped[int] = mapped_column(ForeignKey("graduate.id", ondelete="CASCADE"))
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"))
    reason: Mapped[CaseReason] = mapped_column(_enum(CaseReason))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(40))
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    # The escalation climb of the current stage (to acknowledge, then to resolve): the chain
    # position last alerted, when the stage began, and since when nobody on it is reachable.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stage_since: Mapped[datetime | None]
    stuck_at: Mapped[datetime | None]

    graduate: Mapped[Graduate] = relationship(lazy="joined")
    cadre: Mapped[Cadre | None] = relationship(lazy="joined")

    __table_args__ = (
        Index("ix_help_case_status_opened", "status", "opened_at"),
        Index("ix_help_case_graduate_reason", "graduate_id", "reason"),
    )


class CaseEvent(Base):
    """Every step of a case, with who and when."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("help_case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)


class PhoneReveal(Base):
    """A full phone number shown in a chat (查看电话), to be masked again at `mask_at`."""

    __tablename__ = "phone_reveal"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("help_case.id", ondelete="CASCADE"))
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadre.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    revealed_at: Mapped[datetime] = mapped_column(default=utcnow)
    mask_at: Mapped[datetime]
    masked_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_phone_reveal_masked_mask_at", "masked_at", "mask_at"),)


class SchedulerRun(Base):
    """The last period each scheduled job ran for, so a missed run is caught up at start."""

    __tablename__ = "scheduler_run"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    period: Mapped[str] = mapped_column(String(20))
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """Who did what, when: every view of a full record, every binding, every export."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


__all__ = [
    "AuditLog",
    "Base",
    "Cadre",
    "CadreInvite",
    "CadreRole",
    "Case",
    "CaseEvent",
    "CaseReason",
    "CaseStatus",
    "CheckIn",
    "ConversationState",
    "EducationLevel",
    "EmploymentStatus",
    "Graduate",
    "OutboxMessage",
    "OutboxStatus",
    "PhoneReveal",
    "ProcessedUpdate",
    "Region",
    "RosterEntry",
    "SchedulerRun",
    "StaffLevel",
    "utcnow",
]
# Register the job and campaign tables on Base.metadata (they import this module).
import yulu.storage.campaigns  # noqa: E402, F401
import yulu.storage.ledger  # noqa: E402, F401
import yulu.storage.pacing  # noqa: E402, F401
import yulu.storage.postings  # noqa: E402, F401
