"""帮扶清单: the case inbox (filters: status, reason, age, SLA), one case, and its actions.

Actions go through yulu/services/cases.py, the functions the Telegram cadre handlers call, so
the same rules hold (who may act, in which state); the owner's chat is told what changed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from yulu.core.errors import NotAllowed
from yulu.core.i18n import Translator
from yulu.services import audit
from yulu.services import cases as case_service
from yulu.storage import console, outbox
from yulu.storage.models import Cadre, Case, CaseReason, CaseStatus
from yulu.web.context import (
    case_messages,
    db,
    render,
    runtime,
    see_other,
    staff,
    translator,
)
from yulu.web.pages.paging import Pager

routes = web.RouteTableDef()
AGES = {"1d": 1, "3d": 3, "7d": 7, "30d": 30}
STATUS_FILTERS = {
    "open": (CaseStatus.OPEN,),
    "active": tuple(s for s in CaseStatus if s is not CaseStatus.RESOLVED),
    "acknowledged": tuple(s for s in CaseStatus if s not in (CaseStatus.OPEN, CaseStatus.RESOLVED)),
    "resolved": (CaseStatus.RESOLVED,),
    "all": (),
}
STATUS_LABELS = {
    "active": "web-cases-filter-active",
    "open": "web-cases-filter-open",
    "acknowledged": "web-cases-filter-acknowledged",
    "resolved": "web-cases-filter-resolved",
    "all": "web-cases-filter-all",
}


def _filter(request: web.Request) -> tuple[console.CaseFilter, dict[str, str]]:
    query = request.query
    chosen = {
        "status": query.get("status", "active"),
        "reason": query.get("reason", ""),
        "age": query.get("age", ""),
        "sla": query.get("sla", ""),
    }
    now = datetime.now(UTC)
    sla = timedelta(hours=runtime(request).settings.cases.ack_sla_hours)
    reason = next((r for r in CaseReason if r.value == chosen["reason"]), None)
    days = AGES.get(chosen["age"])
    wanted = console.CaseFilter(
        statuses=STATUS_FILTERS.get(chosen["status"], STATUS_FILTERS["active"]),
        reason=reason,
        opened_before=now - timedelta(days=days) if days else None,
        overdue_before=now - sla if chosen["sla"] == "overdue" else None,
    )
    return wanted, chosen


def _overdue(case: Case, sla: timedelta) -> bool:
    return case.status is CaseStatus.OPEN and case.opened_at < datetime.now(UTC) - sla


@routes.get("/cases")
async def inbox(request: web.Request) -> web.Response:
    me, session, t = staff(request), db(request), translator(request)
    rt = runtime(request)
    wanted, chosen = _filter(request)
    query = console.cases_query(me.reach, wanted)
    pager = Pager.of(request, total=await console.count_rows(session, query))
    page = await console.page_of(session, query, page=pager.page, size=pager.size)
    sla = timedelta(hours=rt.settings.cases.ack_sla_hours)
    rows = [
        {
            **case_service.case_row(case, rt.cipher, t, tz=rt.settings.timezone),
            "overdue": _overdue(case, sla),
            "mine": case.cadre_id == me.cadre_id,
        }
        for case in page
    ]
    return render(
        request, "cases.html", rows=rows, chosen=chosen, pager=pager, reasons=list(CaseReason),
        statuses=STATUS_LABELS, ages=list(AGES),
    )  # fmt: skip


async def _case_in_scope(request: web.Request) -> Case:
    """The case of the URL, if it lies in the staff member's reach (403 otherwise)."""
    case_id = int(request.match_info["case_id"])
    session = db(request)
    if not await console.case_in(session, staff(request).reach, case_id):
        raise NotAllowed(f"case {case_id} outside the staff member's reach")
    return await session.get(Case, case_id)


@routes.get(r"/cases/{case_id:\d+}")
async def one_case(request: web.Request) -> web.Response:
    me, session, t = staff(request), db(request), translator(request)
    rt = runtime(request)
    case = await _case_in_scope(request)
    audit.record(session, actor=me.actor, action="case.view", subject=f"case:{case.id}")
    row = case_service.case_row(case, rt.cipher, t, tz=rt.settings.timezone)
    history = await case_service.history(session, t, case, tz=rt.settings.timezone)
    me_cadre = await session.get(Cadre, me.cadre_id)
    try:
        await case_service.case_for_staff(session, case.id, me_cadre)
        may_act = case_service.allowed_actions(case)
    except NotAllowed:
        may_act = ()
    return render(
        request, "case.html", case=case, row=row, history=history, may_act=may_act,
        outcomes=case_service.OUTCOMES, notice=request.query.get("done", ""),
    )  # fmt: skip


async def _act(request: web.Request, verb: str) -> web.Response:
    """Do one verb through the cases service; a case that changed meanwhile (a second tap, or
    someone acted in Telegram first) shows its current state instead."""
    try:
        return await _do(request, verb)
    except case_service.WrongState as exc:
        raise see_other(f"/cases/{exc.case.id}?done=stale") from exc


async def _do(request: web.Request, verb: str) -> web.Response:
    """Do one verb through the cases service as the signed-in staff member."""
    me, session, t = staff(request), db(request), translator(request)
    rt = runtime(request)
    case = await _case_in_scope(request)
    cadre = await session.get(Cadre, me.cadre_id)
    case = await case_service.case_for_staff(session, case.id, cadre)
    form = await request.post()
    owner_before = case.cadre
    if verb == "ack":
        await case_service.acknowledge(session, case, cadre, t=t)
        told = t("case-acknowledged", id=case.id)
    elif verb == "note":
        text = str(form.get("note", ""))
        await case_service.add_note(session, case, cadre, text, t=t)
        told = t("case-note-saved", id=case.id)
    elif verb == "resolve":
        outcome = str(form.get("outcome", ""))
        await case_service.resolve(session, case, cadre, outcome, t=t)
        told = t("case-resolved", id=case.id, outcome=t(f"case-outcome-{outcome}"))
    else:
        target = await case_service.hand_over(
            session, rt.cipher, t, case, cadre, str(form.get("phone", ""))
        )
        told = t("case-handed-over", name=target.name)
    audit.record(session, actor=me.actor, action=f"case.web_{verb}", subject=f"case:{case.id}")
    await _tell_own_chat(session, t, case.id, owner_before, cadre, told, verb)
    # The alerts already in Telegram chats now show the new state and only the buttons left.
    await case_service.refresh(session, rt.cipher, t, case, case_messages(request))
    if not await console.case_in(session, me.reach, case.id):  # handed over out of reach
        raise see_other("/cases")
    raise see_other(f"/cases/{case.id}?done={verb}")


async def _tell_own_chat(
    session: AsyncSession,
    t: Translator,
    case_id: int,
    owner: Cadre | None,
    actor: Cadre,
    told: str,
    verb: str,
) -> None:
    """The owner acted on the web: their Telegram chat shows it too (others are told by the
    cases service itself)."""
    if owner is None or owner.id != actor.id or not owner.reachable:
        return
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    await outbox.enqueue(
        session,
        outbox.Outgoing(
            key=f"web-case:{case_id}:{verb}:{stamp}",
            kind="notice",
            chat_id=owner.telegram_user_id,
            text=t("web-case-told", text=told),
        ),
    )


@routes.post(r"/cases/{case_id:\d+}/ack")
async def acknowledge(request: web.Request) -> web.Response:
    return await _act(request, "ack")


@routes.post(r"/cases/{case_id:\d+}/note")
async def note(request: web.Request) -> web.Response:
    return await _act(request, "note")


@routes.post(r"/cases/{case_id:\d+}/resolve")
async def resolve(request: web.Request) -> web.Response:
    return await _act(request, "resolve")


@routes.post(r"/cases/{case_id:\d+}/handover")
async def hand_over(request: web.Request) -> web.Response:
    return await _act(request, "handover")
