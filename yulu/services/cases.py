"""Cases (帮扶清单): opened by what a graduate said or did not, climbing a chain until someone acts.

The chain of a case is its owner → the owner's supervisors (`cases.supervisor_levels` hops) →
the administrator of the graduate's county → of its city → of its province, and nobody outside
the graduate's own county, city and province. Not acknowledged within the SLA → a reminder to
whoever holds the case, then one more person up the chain each further SLA period; the same for
acknowledged cases not resolved in time. People who have not bound Telegram, or who blocked the
bot, are skipped at once (and the skip is recorded); a case that reaches nobody is "stuck" until
someone can be reached. When Telegram refuses a message to a cadre, every case waiting on them
climbs at once (`staff_unreachable`).

Every step is a CaseEvent with who and when. Alerts go through the outbox like every proactive
message, under keys `case:<id>:…`, so every message about a case can be found and edited when the
case changes (the channel does the editing: see `CaseMessages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.errors import NotAllowed, NotFound
from yulu.core.i18n import Translator
from yulu.services import audit, validation
from yulu.services.actions import Buttons, case_choices, to_json
from yulu.services.privacy import FieldCipher, mask_phone
from yulu.storage import outbox
from yulu.storage.cases import (
    admins_over,
    case_events,
    case_messages,
    cases_held_by,
    cases_query,
    due_reveals,
    in_scope,
    open_case_for,
    overdue_cases,
    refresh_queued_alerts,
)
from yulu.storage.models import (
    Cadre,
    Case,
    CaseEvent,
    CaseReason,
    CaseStatus,
    Graduate,
    PhoneReveal,
)
from yulu.storage.people import cadre_by_phone_hash

OUTCOMES = ("employed", "contacted", "training", "other")
FOLLOW_OUTCOMES = frozenset({"contacted"})  # "已联系，持续跟进": the case stays open (跟进中)
PHONE_REASONS = frozenset({CaseReason.LOST_CONTACT, CaseReason.BLOCKED, CaseReason.LOST_JOB})
EVENT_ACTIONS = (  # every CaseEvent.action, each with a case-event-* text
    "opened",
    "alerted",
    "escalated",
    "skipped",
    "stuck",
    "reminded",
    "acknowledged",
    "note",
    "following",
    "resolved",
    "handed_over",
    "phone_revealed",
    "reachable",
    "escalation_impossible",
    "unreachable",
)
ALLOWED = {
    CaseStatus.OPEN: ("ack", "note", "resolve", "handover"),
    CaseStatus.ACKNOWLEDGED: ("note", "resolve", "handover"),
    CaseStatus.FOLLOWING: ("note", "resolve", "handover"),
    CaseStatus.RESOLVED: (),
}


class WrongState(NotAllowed):
    """The case's state does not allow this action (受理 on a closed case)."""

    def __init__(self, case: Case, verb: str) -> None:
        super().__init__(f"case {case.id} is {case.status.value}: no {verb}")
        self.case = case


class CaseMessages(Protocol):
    """How a channel edits a message it sent about a case (Telegram: editMessageText)."""

    async def edit(self, *, chat_id: int, message_id: int, text: str, buttons: Buttons) -> None:
        """Replace the message's text and buttons; a message gone or unchanged is no error."""


@dataclass(frozen=True)
class Chain:
    """The people a case can climb to, in order; `people[0]` is the owner when there is one."""

    people: list[Cadre]

    def position_of(self, cadre: Cadre) -> int | None:
        return next((i for i, p in enumerate(self.people) if p.id == cadre.id), None)


def _actor(cadre: Cadre) -> str:
    return f"cadre:{cadre.id}"


def _event(
    session: AsyncSession,
    case: Case,
    actor: str,
    action: str,
    note: str | None = None,
    *,
    at: datetime | None = None,
) -> None:
    session.add(CaseEvent(case_id=case.id, actor=actor, action=action, note=note, at=at or _now()))


def _now() -> datetime:
    return datetime.now(UTC)


# --- the chain -------------------------------------------------------------------------------


async def chain_for(session: AsyncSession, case: Case, *, levels: int = 3) -> Chain:
    """Owner → supervisors → county → city → province admins, all within the graduate's region."""
    region = case.graduate.hukou_region
    people: list[Cadre] = []
    person = case.cadre
    hops = 0
    while person is not None and hops <= levels:
        if in_scope(person, region) and all(p.id != person.id for p in people):
            people.append(person)
        if person.supervisor_id is None:
            break
        person = await session.get(Cadre, person.supervisor_id)
        hops += 1
    for admin in await admins_over(session, region):
        if all(p.id != admin.id for p in people):
            people.append(admin)
    return Chain(people)


def allowed_actions(case: Case) -> tuple[str, ...]:
    """What can still be done with a case in its state, 查看电话 included where it applies."""
    verbs = ALLOWED[case.status]
    if verbs and case.reason in PHONE_REASONS:
        verbs = (*verbs, "phone")
    return verbs


def choices_for(case: Case) -> Buttons:
    """The buttons that still apply under a message about this case."""
    return case_choices(case.id, allowed=allowed_actions(case))


def _require(case: Case, verb: str) -> None:
    if verb not in allowed_actions(case):
        raise WrongState(case, verb)


# --- opening and alerting --------------------------------------------------------------------


async def open_case(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    graduate: Graduate,
    reason: CaseReason,
    *,
    actor: str,
    detail: str = "",
    levels: int = 3,
    now: datetime | None = None,
) -> Case:
    """Open a case (or return the open one for the same reason) and alert the first reachable."""
    existing = await open_case_for(session, graduate.id, reason)
    if existing is not None:
        return existing
    now = now or _now()
    unloaded = {"cadre", "hukou_region"} & inspect(graduate).unloaded
    if unloaded:  # a graduate built or fetched without its joined rows
        await session.refresh(graduate, list(unloaded))
    owner = graduate.cadre
    if owner is None:  # no cadre of their own: the county administrator owns it
        admins = await admins_over(session, graduate.hukou_region)
        owner = next((a for a in admins if a.region_id == graduate.hukou_region_id), None)
    case = Case(graduate=graduate, reason=reason, cadre=owner, opened_at=now, stage_since=now)
    session.add(case)
    await session.flush()
    _event(session, case, actor, "opened", detail or None, at=now)
    chain = await chain_for(session, case, levels=levels)
    await _climb(session, cipher, t, case, chain, start=0, now=now, intro_key=None)
    return case


async def _climb(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    case: Case,
    chain: Chain,
    *,
    start: int,
    now: datetime,
    intro_key: str | None,
    first_reach: bool = True,
    about: Cadre | None = None,
) -> Cadre | None:
    """Alert the first person from `start` up who can be reached; skipped people are recorded.

    `first_reach`: nobody has had the case yet, so reaching nobody makes it stuck; otherwise the
    climb stays with the last person reached, at the top of the chain. The intro names `about`
    (the person the climb is about), else the one just below whoever is reached.
    """
    for position in range(start, len(chain.people)):
        person = chain.people[position]
        if not person.reachable:
            if case.stuck_at is None:  # a stuck case retried each hour skips silently
                _event(session, case, "system", "skipped", f"cadre:{person.id}", at=now)
            continue
        below = about.name if about else chain.people[position - 1].name if position > 0 else ""
        key = intro_key or ("case-escalation-unbound" if position > 0 else None)
        intro = t(key, cadre=below or t("case-nobody"), reason=_reason(t, case)) if key else ""
        kind = "alert" if position == 0 else "escalation"
        await _alert(session, cipher, t, case, person, kind=kind, intro=intro, stage=_stage(case))
        action = "alerted" if position == 0 else "escalated"
        _event(session, case, "system", action, f"cadre:{person.id}", at=now)
        case.escalation_level, case.escalated_at, case.stuck_at = position, now, None
        return person
    if first_reach:
        if case.stuck_at is None:
            _event(session, case, "system", "stuck", at=now)
        case.stuck_at = case.stuck_at or now
    else:
        case.escalation_level = max(case.escalation_level, len(chain.people) - 1)
    return None


def _stage(case: Case) -> str:
    return "ack" if case.status is CaseStatus.OPEN else "resolve"


def _reason(t: Translator, case: Case) -> str:
    return t(f"case-reason-{case.reason.value}")


async def _alert(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    case: Case,
    to: Cadre,
    *,
    kind: str,
    intro: str = "",
    stage: str = "ack",
    suffix: str = "",
) -> None:
    text = case_text(t, cipher, case)
    await outbox.enqueue(
        session,
        outbox.Outgoing(
            key=f"case:{case.id}:alert:{stage}:{to.id}{suffix}",
            kind=kind,
            chat_id=to.telegram_user_id,
            text=f"{intro}\n{text}" if intro else text,
            buttons=to_json(choices_for(case)),
        ),
    )


def case_text(t: Translator, cipher: FieldCipher, case: Case, *, full_phone: bool = False) -> str:
    """The case as staff see it: masked details (unless revealed), why, what to do."""
    graduate = case.graduate
    phone = cipher.decrypt(graduate.phone_enc)
    return t(
        "case-alert",
        id=case.id,
        reason=_reason(t, case),
        name=graduate.name,
        phone=phone if full_phone else mask_phone(phone),
        hukou=graduate.hukou_region.full_name,
        school=graduate.school,
        major=graduate.major,
        status=t(f"status-{graduate.status.value}"),
        todo=t(f"case-todo-{case.reason.value}"),
        state=t(f"case-status-{case.status.value}"),
        owner=case.cadre.name if case.cadre else t("case-nobody"),
    )


# --- the SLA climb ---------------------------------------------------------------------------


@dataclass
class SlaReport:
    reminded: int = 0
    escalated: int = 0
    skipped: int = 0
    stuck: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


async def enforce_sla(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    *,
    ack_sla: timedelta,
    resolve_sla: timedelta,
    levels: int = 3,
    now: datetime | None = None,
) -> dict[str, int]:
    """One step of the climb for every overdue case: a reminder, or the next person up."""
    now = now or _now()
    report = SlaReport()
    query = overdue_cases(now=now, ack_cutoff=now - ack_sla, resolve_cutoff=now - resolve_sla)
    for case in (await session.scalars(query)).all():
        sla = ack_sla if case.status is CaseStatus.OPEN else resolve_sla
        await _step(session, cipher, t, case, sla=sla, levels=levels, now=now, report=report)
    return report.as_dict()


async def _step(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    case: Case,
    *,
    sla: timedelta,
    levels: int,
    now: datetime,
    report: SlaReport,
) -> None:
    chain = await chain_for(session, case, levels=levels)
    if case.stuck_at is not None:  # someone may have bound Telegram since
        if await _climb(session, cipher, t, case, chain, start=0, now=now, intro_key=None):
            report.escalated += 1
        else:
            report.stuck += 1
        return
    since = case.stage_since or case.opened_at
    if since > now - sla:
        return
    people = chain.people
    holder = people[case.escalation_level] if case.escalation_level < len(people) else None
    reachable = holder is not None and holder.reachable
    if case.reminded_at is None and reachable:
        open_stage = case.status is CaseStatus.OPEN
        key = "case-reminder-intro" if open_stage else "case-resolve-reminder-intro"
        await _alert(
            session,
            cipher,
            t,
            case,
            holder,
            kind="reminder",
            intro=t(key),
            stage=_stage(case),
            suffix=":remind",
        )
        _event(session, case, "system", "reminded", f"cadre:{holder.id}", at=now)
        case.reminded_at = now
        report.reminded += 1
        return
    last_step = max(case.reminded_at or since, case.escalated_at or since)
    if (reachable and last_step > now - sla) or case.escalation_level + 1 >= len(people):
        return
    key = "case-escalation" if case.status is CaseStatus.OPEN else "case-escalation-resolve"
    reached = await _climb(
        session,
        cipher,
        t,
        case,
        chain,
        start=case.escalation_level + 1,
        now=now,
        intro_key=key,
        first_reach=False,
    )
    case.reminded_at = case.reminded_at or now
    if reached is not None:
        report.escalated += 1


async def staff_unreachable(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    cadre: Cadre,
    *,
    levels: int = 3,
    now: datetime | None = None,
) -> int:
    """Telegram refused a message to this cadre (they blocked the bot): skip them from now on.

    Every unfinished case waiting on them goes at once to the next person up the chain who can
    be reached (stuck if nobody can), instead of waiting out the SLA for a reminder they would
    never get. Writing to the bot again makes them reachable (`staff_reachable_again`).
    Returns how many cases moved.
    """
    if cadre.unreachable_at is not None:  # several queued messages fail one after another
        return 0
    now = now or _now()
    cadre.unreachable_at = now
    moved = 0
    for case in (await session.scalars(cases_held_by(cadre.id))).all():
        chain = await chain_for(session, case, levels=levels)
        position = chain.position_of(cadre)
        if position is None or position != case.escalation_level:
            continue  # the case has moved past them already
        _event(session, case, "system", "unreachable", f"cadre:{cadre.id}", at=now)
        climbed = await _climb(
            session,
            cipher,
            t,
            case,
            chain,
            start=position + 1,
            now=now,
            intro_key="case-escalation-unreachable",
            about=cadre,
        )
        moved += climbed is not None
    return moved


def staff_reachable_again(cadre: Cadre) -> None:
    """The cadre wrote to the bot: messages reach them again (the chain counts them in)."""
    cadre.unreachable_at = None


# --- acting on a case ------------------------------------------------------------------------


async def case_for_staff(
    session: AsyncSession, case_id: int, cadre: Cadre, *, levels: int = 3
) -> Case:
    """A case the cadre owns or is above on its chain; anyone else is refused."""
    case = await session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id}")
    if case.cadre_id == cadre.id:
        return case
    if (await chain_for(session, case, levels=levels)).position_of(cadre) is None:
        raise NotAllowed(f"case {case_id} is not on {cadre.id}'s chain")
    return case


# Kept for callers that only know cadres own cases.
case_for_cadre = case_for_staff


async def _tell_owner(
    session: AsyncSession, t: Translator, case: Case, cadre: Cadre, what: str, event_no: str
) -> None:
    """Someone above the owner acted: the owner is told who did what."""
    owner = case.cadre
    if owner is None or owner.id == cadre.id or not owner.reachable:
        return
    await outbox.enqueue(
        session,
        outbox.Outgoing(
            key=f"case:{case.id}:told:{owner.id}:{event_no}",
            kind="notice",
            chat_id=owner.telegram_user_id,
            text=t("case-owner-told", id=case.id, name=cadre.name, what=what),
        ),
    )


def _new_stage(case: Case, now: datetime) -> None:
    case.stage_since, case.reminded_at, case.escalated_at = now, None, None
    case.escalation_level, case.stuck_at = 0, None


async def acknowledge(
    session: AsyncSession, case: Case, cadre: Cadre, *, t: Translator | None = None
) -> None:
    """受理: the cadre takes the case on; a second tap changes nothing (WrongState)."""
    _require(case, "ack")
    now = _now()
    case.status, case.acknowledged_at = CaseStatus.ACKNOWLEDGED, now
    _new_stage(case, now)
    _event(session, case, _actor(cadre), "acknowledged", at=now)
    if t is not None:
        await _tell_owner(session, t, case, cadre, t("case-status-acknowledged"), "ack")


async def add_note(
    session: AsyncSession,
    case: Case,
    cadre: Cadre,
    text: str | None,
    *,
    t: Translator | None = None,
) -> None:
    """A free-text note on the case (e.g. "已电话联系，下周面试")."""
    _require(case, "note")
    note = validation.text_answer(text)
    _event(session, case, _actor(cadre), "note", note)
    await session.flush()
    if t is not None:
        await _tell_owner(session, t, case, cadre, t("case-told-note", note=note), _stamp())


def _stamp() -> str:
    return _now().strftime("%Y%m%d%H%M%S%f")


async def resolve(
    session: AsyncSession,
    case: Case,
    cadre: Cadre,
    outcome: str,
    *,
    t: Translator | None = None,
) -> None:
    """办结 with an outcome; "keep following" outcomes keep it open as 跟进中."""
    if outcome not in OUTCOMES:
        raise NotFound(f"outcome {outcome}")
    _require(case, "resolve")
    now = _now()
    case.outcome = outcome
    case.acknowledged_at = case.acknowledged_at or now
    if outcome in FOLLOW_OUTCOMES:
        case.status = CaseStatus.FOLLOWING
        _new_stage(case, now)
        _event(session, case, _actor(cadre), "following", outcome, at=now)
    else:
        case.status, case.resolved_at = CaseStatus.RESOLVED, now
        _event(session, case, _actor(cadre), "resolved", outcome, at=now)
    if t is not None:
        what = t(f"case-outcome-{outcome}")
        await _tell_owner(session, t, case, cadre, what, f"resolve:{_stamp()}")


async def hand_over(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    case: Case,
    cadre: Cadre,
    phone_text: str | None,
) -> Cadre:
    """转交: give the case to another bound cadre in the graduate's region, who is alerted."""
    _require(case, "handover")
    phone = validation.phone(validation.text_answer(phone_text))
    target = await cadre_by_phone_hash(session, cipher.lookup_hash(phone))
    if (
        target is None
        or not target.reachable
        or target.id == case.cadre_id
        or not in_scope(target, case.graduate.hukou_region)
    ):
        raise NotFound("cadre-unknown")
    previous = case.cadre
    case.cadre = target
    _new_stage(case, _now())
    _event(session, case, _actor(cadre), "handed_over", f"cadre:{target.id}")
    await _alert(
        session,
        cipher,
        t,
        case,
        target,
        kind="alert",
        intro=t("case-handed-over-intro", name=cadre.name),
        stage="handover",
        suffix=f":{_stamp()}",
    )
    if previous is not None and previous.id != cadre.id and previous.reachable:
        await outbox.enqueue(
            session,
            outbox.Outgoing(
                key=f"case:{case.id}:told:{previous.id}:handover:{_stamp()}",
                kind="notice",
                chat_id=previous.telegram_user_id,
                text=t(
                    "case-owner-told",
                    id=case.id,
                    name=cadre.name,
                    what=t("case-told-handover", name=target.name),
                ),
            ),
        )
    audit.record(
        session,
        actor=_actor(cadre),
        action="case.hand_over",
        subject=f"case:{case.id}",
        to=target.id,
    )
    return target


# --- keeping the messages in step -------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    """What a message about a case shows now."""

    text: str
    buttons: Buttons = field(default_factory=list)


def view(t: Translator, cipher: FieldCipher, case: Case) -> CaseView:
    """The case's current text and the buttons that still apply."""
    return CaseView(case_text(t, cipher, case), choices_for(case))


async def refresh(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    case: Case,
    messages: CaseMessages,
    *,
    also: Sequence[tuple[int, int]] = (),
) -> int:
    """Edit every alert about the case (and `also`) to its current state; returns how many."""
    await session.flush()
    current = view(t, cipher, case)
    await refresh_queued_alerts(
        session, case.id, text=current.text, buttons=to_json(current.buttons)
    )
    targets = dict.fromkeys([*await case_messages(session, case.id), *also])
    if session.in_transaction():
        await session.commit()  # what people are about to see is durable first
    for chat_id, message_id in targets:
        await messages.edit(
            chat_id=chat_id, message_id=message_id, text=current.text, buttons=current.buttons
        )
    return len(targets)


# --- 查看电话 ----------------------------------------------------------------------------------


async def reveal_phone(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    case: Case,
    cadre: Cadre,
    *,
    chat_id: int,
    message_id: int,
    minutes: float,
) -> CaseView:
    """The full number for whoever may act on the case, on the record, masked again later."""
    _require(case, "phone")
    now = _now()
    session.add(
        PhoneReveal(
            case_id=case.id,
            cadre_id=cadre.id,
            chat_id=chat_id,
            message_id=message_id,
            revealed_at=now,
            mask_at=now + timedelta(minutes=minutes),
        )
    )
    _event(session, case, _actor(cadre), "phone_revealed", at=now)
    audit.record(
        session,
        actor=_actor(cadre),
        action="case.reveal_phone",
        subject=f"graduate:{case.graduate_id}",
        case=case.id,
    )
    text = (
        case_text(t, cipher, case, full_phone=True) + "\n" + t("case-phone-shown", minutes=minutes)
    )
    return CaseView(text, choices_for(case))


async def mask_revealed(
    session: AsyncSession,
    cipher: FieldCipher,
    t: Translator,
    messages: CaseMessages,
    *,
    now: datetime | None = None,
) -> int:
    """Edit every revealed number whose time is up back to the masked view."""
    now = now or _now()
    done = 0
    for reveal in await due_reveals(session, now):
        case = await session.get(Case, reveal.case_id)
        current = view(t, cipher, case)
        await messages.edit(
            chat_id=reveal.chat_id,
            message_id=reveal.message_id,
            text=current.text,
            buttons=current.buttons,
        )
        reveal.masked_at = now
        done += 1
    return done


# --- reading -----------------------------------------------------------------------------------


def _local(moment: datetime | None, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if moment else ""


async def _names(session: AsyncSession, refs: set[str]) -> dict[str, str]:
    names = {}
    for ref in refs:
        kind, _, number = ref.partition(":")
        if kind == "cadre" and number.isdigit():
            cadre = await session.get(Cadre, int(number))
            names[ref] = cadre.name if cadre else ref
    return names


async def history(
    session: AsyncSession, t: Translator, case: Case, *, tz: str
) -> list[dict[str, str]]:
    """Every event of a case: when, who, what, the note (names instead of ids)."""
    events = await case_events(session, case.id)
    refs = {e.actor for e in events} | {e.note for e in events if e.note}
    names = await _names(session, refs)
    rows = []
    for event in events:
        note = event.note or ""
        if event.action in ("resolved", "following") and note in OUTCOMES:
            note = t(f"case-outcome-{note}")
        rows.append(
            {
                "at": _local(event.at, tz),
                "who": names.get(event.actor) or _who(t, event.actor),
                "what": t(f"case-event-{event.action}"),
                "note": names.get(note, note),
            }
        )
    return rows


def _who(t: Translator, actor: str) -> str:
    if actor == "system":
        return t("case-who-system")
    if actor.startswith("graduate:"):
        return t("case-who-graduate")
    return actor


async def path(session: AsyncSession, case: Case) -> str:
    """Who the case reached, in order (the escalation path): 王书记 → 李镇长 → 赵主任."""
    events = await case_events(session, case.id)
    refs = [
        e.note for e in events if e.action in ("alerted", "escalated", "handed_over") and e.note
    ]
    names = await _names(session, set(refs))
    return " → ".join(dict.fromkeys(names.get(r, r) for r in refs))


def case_row(case: Case, cipher: FieldCipher, t: Translator, *, tz: str) -> dict[str, Any]:
    """A case as the ledger lists it (masked, times in the local zone)."""
    return {
        "id": case.id,
        "graduate": case.graduate.name,
        "phone": mask_phone(cipher.decrypt(case.graduate.phone_enc)),
        "hukou": case.graduate.hukou_region.full_name,
        "reason": _reason(t, case),
        "status": t(f"case-status-{case.status.value}"),
        "cadre": case.cadre.name if case.cadre else "",
        "opened_at": _local(case.opened_at, tz),
        "acknowledged_at": _local(case.acknowledged_at, tz),
        "resolved_at": _local(case.resolved_at, tz),
        "outcome": t(f"case-outcome-{case.outcome}") if case.outcome else "",
    }


async def export_row(
    session: AsyncSession, case: Case, cipher: FieldCipher, t: Translator, *, tz: str
) -> dict[str, Any]:
    """A case for `yulu export cases`: the list row, the escalation path and every note."""
    row = case_row(case, cipher, t, tz=tz)
    notes = [
        f"{e['at']} {e['who']}：{e['note']}"
        for e in await history(session, t, case, tz=tz)
        if e["what"] == t("case-event-note")
    ]
    return {**row, "path": await path(session, case), "notes": "\n".join(notes)}


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
