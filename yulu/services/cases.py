"""Cases (帮扶清单): opened by what a graduate said or did not say, owned by one cadre.

Every step (opened, alerted, acknowledged, note, resolved, handed over, reminded, escalated) is a
CaseEvent with who and when. Alerts go through the outbox like every proactive message.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.errors import NotAllowed, NotFound
from yulu.core.i18n import Translator
from yulu.services import audit, validation
from yulu.services.actions import case_choices, to_json
from yulu.services.privacy import FieldCipher, mask_phone
from yulu.storage import outbox
from yulu.storage.cases import cases_query, county_admin, open_case_for, unacknowledged_since
from yulu.storage.models import Cadre, Case, CaseEvent, CaseReason, CaseStatus, Graduate
from yulu.storage.people import cadre_by_phone_hash

OUTCOMES = ("employed", "contacted", "training", "other")


def _event(
    session: AsyncSession, case: Case, actor: str, action: str, note: str | None = None
) -> None:
    session.add(CaseEvent(case_id=case.id, actor=actor, action=action, note=note))


async def open_case(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    graduate: Graduate,
    reason: CaseReason,
    *,
    actor: str,
    detail: str = "",
) -> Case:
    """Open a case (or return the open one for the same reason) and alert its owner once."""
    existing = await open_case_for(session, graduate.id, reason)
    if existing is not None:
        return existing
    owner = graduate.cadre or await county_admin(session, graduate.hukou_region_id)
    case = Case(graduate=graduate, reason=reason, cadre=owner)
    session.add(case)
    await session.flush()
    _event(session, case, actor, "opened", detail or None)
    if owner is not None and owner.telegram_user_id:
        await _alert(session, cipher, t, case, owner, key=f"case-alert:{case.id}", kind="alert")
        _event(session, case, "system", "alerted", f"cadre:{owner.id}")
    return case


async def _alert(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    case: Case,
    to: Cadre,
    *,
    key: str,
    kind: str,
    intro: str = "",
) -> None:
    text = case_text(t, cipher, case)
    await outbox.enqueue(
        session,
        outbox.Outgoing(
            key=key,
            kind=kind,
            chat_id=to.telegram_user_id,
            text=f"{intro}\n{text}" if intro else text,
            buttons=to_json(case_choices(case.id)),
        ),
    )


def case_text(t: Translator, cipher: FieldCipher, case: Case) -> str:
    """The case as a cadre sees it: masked details, why, what to do."""
    graduate = case.graduate
    return t(
        "case-alert",
        id=case.id,
        reason=t(f"case-reason-{case.reason.value}"),
        name=graduate.name,
        phone=mask_phone(cipher.decrypt(graduate.phone_enc)),
        hukou=graduate.hukou_region.full_name,
        school=graduate.school,
        major=graduate.major,
        status=t(f"status-{graduate.status.value}"),
        todo=t(f"case-todo-{case.reason.value}"),
        state=t(f"case-status-{case.status.value}"),
    )


async def case_for_cadre(session: AsyncSession, case_id: int, cadre: Cadre) -> Case:
    """A case the cadre owns; someone else's case is refused."""
    case = await session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id}")
    if case.cadre_id != cadre.id:
        raise NotAllowed(f"case {case_id} belongs to another cadre")
    return case


async def acknowledge(session: AsyncSession, case: Case, cadre: Cadre) -> None:
    """受理: the cadre takes the case on."""
    if case.status is CaseStatus.OPEN:
        case.status, case.acknowledged_at = CaseStatus.ACKNOWLEDGED, datetime.now(UTC)
        _event(session, case, f"cadre:{cadre.id}", "acknowledged")


async def add_note(session: AsyncSession, case: Case, cadre: Cadre, text: str | None) -> None:
    """A free-text note on the case (e.g. "已电话联系，下周面试")."""
    note = validation.text_answer(text)
    _event(session, case, f"cadre:{cadre.id}", "note", note)


async def resolve(session: AsyncSession, case: Case, cadre: Cadre, outcome: str) -> None:
    """办结 with an outcome."""
    if outcome not in OUTCOMES:
        raise NotFound(f"outcome {outcome}")
    if case.status is not CaseStatus.RESOLVED:
        case.status, case.outcome, case.resolved_at = (
            CaseStatus.RESOLVED,
            outcome,
            datetime.now(UTC),
        )
        case.acknowledged_at = case.acknowledged_at or case.resolved_at
        _event(session, case, f"cadre:{cadre.id}", "resolved", outcome)


async def hand_over(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    case: Case,
    cadre: Cadre,
    phone_text: str | None,
) -> Cadre:
    """转交: give the case to another bound cadre, who is alerted."""
    phone = validation.phone(validation.text_answer(phone_text))
    target = await cadre_by_phone_hash(session, cipher.lookup_hash(phone))
    if target is None or target.telegram_user_id is None or target.id == cadre.id:
        raise NotFound("cadre-unknown")
    case.cadre = target
    _event(session, case, f"cadre:{cadre.id}", "handed_over", f"cadre:{target.id}")
    await _alert(
        session,
        cipher,
        t,
        case,
        target,
        key=f"case-handover:{case.id}:{target.id}",
        kind="alert",
        intro=t("case-handed-over-intro", name=cadre.name),
    )
    audit.record(
        session,
        actor=f"cadre:{cadre.id}",
        action="case.hand_over",
        subject=f"case:{case.id}",
        to=target.id,
    )
    return target


async def enforce_sla(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    *,
    sla: timedelta,
    now: datetime | None = None,
) -> dict[str, int]:
    """Remind the cadre once after the SLA, then alert the supervisor after twice the SLA."""
    now = now or datetime.now(UTC)
    counts = {"reminded": 0, "escalated": 0}
    for case in (await session.scalars(unacknowledged_since(now - sla))).all():
        if case.cadre is None or case.cadre.telegram_user_id is None:
            continue
        if case.reminded_at is None:
            await _alert(
                session,
                cipher,
                t,
                case,
                case.cadre,
                key=f"case-remind:{case.id}",
                kind="reminder",
                intro=t("case-reminder-intro"),
            )
            case.reminded_at = now
            _event(session, case, "system", "reminded")
            counts["reminded"] += 1
        elif case.escalated_at is None and case.opened_at <= now - 2 * sla:
            counts["escalated"] += await _escalate(session, cipher, t, case, now)
    return counts


async def _escalate(
    session: AsyncSession, cipher: FieldCipher, t: Translator, case: Case, now: datetime
) -> int:
    supervisor = (
        await session.get(Cadre, case.cadre.supervisor_id) if case.cadre.supervisor_id else None
    )
    if supervisor is None:
        supervisor = await county_admin(session, case.graduate.hukou_region_id)
    case.escalated_at = now
    if supervisor is None or supervisor.telegram_user_id is None or supervisor.id == case.cadre_id:
        _event(session, case, "system", "escalation_impossible")
        return 0
    text = t("case-escalation", cadre=case.cadre.name) + "\n" + case_text(t, cipher, case)
    await outbox.enqueue(
        session,
        outbox.Outgoing(
            key=f"case-escalate:{case.id}",
            kind="escalation",
            chat_id=supervisor.telegram_user_id,
            text=text,
        ),
    )
    _event(session, case, "system", "escalated", f"cadre:{supervisor.id}")
    return 1


def _local(moment: datetime | None, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if moment else ""


def case_row(case: Case, cipher: FieldCipher, t: Translator, *, tz: str) -> dict[str, Any]:
    """A case as the ledger lists it (masked, times in the local zone)."""
    return {
        "id": case.id,
        "graduate": case.graduate.name,
        "phone": mask_phone(cipher.decrypt(case.graduate.phone_enc)),
        "hukou": case.graduate.hukou_region.full_name,
        "reason": t(f"case-reason-{case.reason.value}"),
        "status": t(f"case-status-{case.status.value}"),
        "cadre": case.cadre.name if case.cadre else "",
        "opened_at": _local(case.opened_at, tz),
        "acknowledged_at": _local(case.acknowledged_at, tz),
        "resolved_at": _local(case.resolved_at, tz),
        "outcome": t(f"case-outcome-{case.outcome}") if case.outcome else "",
    }


async def open_cases(
    session: AsyncSession,
    cadre: Cadre,
    cipher: FieldCipher,
    t: Translator,
    *,
    tz: str,
    limit: int = 30,
) -> list[dict[str, Any]]:
    """A cadre's open cases as list rows."""
    query = cases_query(open_only=True, cadre_id=cadre.id).limit(limit)
    return [case_row(case, cipher, t, tz=tz) for case in (await session.scalars(query)).all()]
