"""台账: search by name, phone or ID number (through the look-up hashes, never by decrypting the
table), filter, page, export the current filter; and one person's page (masked, reveal on the
record)."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from yulu.core.errors import InvalidInput, NotAllowed
from yulu.core.i18n import Translator
from yulu.services import audit, graduates, reports, validation
from yulu.services import campaigns as campaign_service
from yulu.services import cases as case_service
from yulu.services import ledger as ledger_service
from yulu.services.privacy import FieldCipher, mask_phone
from yulu.storage import console
from yulu.storage.models import EmploymentStatus, Graduate, RosterEntry
from yulu.web.context import db, render, runtime, see_other, staff, translator
from yulu.web.pages.paging import Pager

routes = web.RouteTableDef()
LIST_FIELDS = ("name", "phone", "school", "major", "graduation_year", "hukou", "status", "cadre")
EXPORT_BATCH = 500


def _filter(request: web.Request) -> console.PeopleFilter:
    query = request.query
    status = next((s for s in EmploymentStatus if s.value == query.get("status")), None)
    year = query.get("year", "")
    verified = {"yes": True, "no": False}.get(query.get("verified", ""))
    return console.PeopleFilter(
        name=query.get("name") or None,
        phone_hash=query.get("ph") or None,
        id_hash=query.get("idh") or None,
        status=status,
        graduation_year=int(year) if year.isdigit() else None,
        verified=verified,
    )


@routes.post("/people/search")
async def search(request: web.Request) -> web.Response:
    """Turn what was typed into a name, or the look-up hash of a phone or ID number, so no number
    ever appears in a URL, a log line or the browser's history."""
    form = await request.post()
    cipher = runtime(request).cipher
    text = str(form.get("q", "")).strip()
    params = {k: str(form.get(k, "")) for k in ("status", "year", "verified")}
    if text:
        params.update(_search_terms(cipher, text))
    raise see_other("/people?" + urlencode({k: v for k, v in params.items() if v}))


def _search_terms(cipher: FieldCipher, text: str) -> dict[str, str]:
    """{"idh": …} for an ID number, {"ph": …} for a phone, else {"name": …}."""
    if len(re.sub(r"[\s-]", "", text)) == 18:
        with contextlib.suppress(InvalidInput):
            number = validation.id_number(text)
            return {"idh": cipher.lookup_hash(number)}
    if re.search(r"\d{3}", text):
        with contextlib.suppress(InvalidInput):
            return {"ph": cipher.lookup_hash(validation.phone(text))}
    return {"name": text[:60]}


@routes.get("/people")
async def ledger(request: web.Request) -> web.Response:
    me, session, t = staff(request), db(request), translator(request)
    cipher = runtime(request).cipher
    wanted = _filter(request)
    query = console.people_query(me.reach, wanted)
    pager = Pager.of(request, total=await console.count_rows(session, query))
    rows = [
        graduates.row_for(g, cipher, t, full=False)
        for g in await console.page_of(session, query, page=pager.page, size=pager.size)
    ]
    unmatched = []
    for roster_query in console.unmatched_roster_queries(me.reach, wanted):
        for entry, hukou in await console.rows_of(session, roster_query, limit=pager.size):
            unmatched.append(_roster_row(t, cipher, entry, hukou))
    return render(
        request, "people.html", rows=rows, pager=pager, fields=LIST_FIELDS,
        statuses=list(EmploymentStatus), query=request.query, unmatched=unmatched,
    )  # fmt: skip


def _roster_row(t: Translator, cipher: FieldCipher, entry: Any, hukou: str) -> dict[str, str]:
    """A roster row nobody signed up for, masked (学籍/帮扶名单 or 新成长劳动力)."""
    phone = cipher.decrypt(entry.phone_enc) if entry.phone_enc else ""
    student = isinstance(entry, RosterEntry)
    return {
        "name": entry.name,
        "phone": mask_phone(phone) if phone else "",
        "school": entry.school,
        "major": entry.major if student else "",
        "graduation_year": str(entry.graduation_year if student else entry.leaving_year),
        "hukou": hukou,
        "kind": t("web-people-kind-roster") if student else t("web-people-kind-labour"),
    }


@routes.get("/people/export")
async def export(request: web.Request) -> web.StreamResponse:
    """The current filter as CSV (UTF-8 with BOM for Excel), masked; audit-logged."""
    me, session, t = staff(request), db(request), translator(request)
    cipher = runtime(request).cipher
    query = console.people_query(me.reach, _filter(request))
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": "attachment; filename=ledger.csv",
        }
    )
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([t(f"column-{name}") for name in graduates.EXPORT_FIELDS])
    await response.write(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    count = 0
    result = await session.stream_scalars(query.execution_options(yield_per=EXPORT_BATCH))
    async for graduate in result:
        buffer.seek(0)
        buffer.truncate()
        row = graduates.row_for(graduate, cipher, t, full=False)
        writer.writerow([_cell(row[name]) for name in graduates.EXPORT_FIELDS])
        await response.write(buffer.getvalue().encode("utf-8"))
        count += 1
    audit.record(
        session, actor=me.actor, action="graduate.export", subject="web:ledger.csv", rows=count,
        filter={k: v for k, v in request.query.items() if k not in ("ph", "idh")},
    )  # fmt: skip
    await response.write_eof()
    return response


@routes.get("/people/ledger.xlsx")
async def full_ledger(request: web.Request) -> web.StreamResponse:
    """The county's whole ledger (台账) as `yulu ledger export` writes it: every person the county
    knows — roster rows and 新成长劳动力 signed up or not — with this year's months; masked,
    audit-logged by the ledger service. County administrators only (a city or province sees
    aggregates, a cadre their own graduates)."""
    me, t, rt = staff(request), translator(request), runtime(request)
    if me.level != "county":
        raise NotAllowed("web-admin-only")
    area = me.reach
    folder = Path(tempfile.mkdtemp(prefix="yulu-ledger-"))
    path = folder / "ledger.xlsx"
    try:
        await ledger_service.export_ledger(
            rt.session_factory, rt.cipher, t, path,
            scope=reports.Scope(province=area.province, city=area.city, county=area.county),
            period=reports.Period.year(datetime.now(ZoneInfo(rt.settings.timezone)).year),
            full=False, actor=me.actor, tz=rt.settings.timezone,
            batch=rt.settings.report.batch_size,
            intention_campaign=rt.settings.report.intention_campaign,
        )  # fmt: skip
        body = path.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return web.Response(
        body=body,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=ledger.xlsx"},
    )


def _cell(value: str) -> str:
    """A cell Excel will not run as a formula (a school name typed as "=…" in a roster)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


async def _person_in_scope(request: web.Request) -> Graduate:
    graduate_id = int(request.match_info["graduate_id"])
    session = db(request)
    if not await console.graduate_in(session, staff(request).reach, graduate_id):
        raise NotAllowed(f"graduate {graduate_id} outside the staff member's reach")
    return await session.get(Graduate, graduate_id)


def _local(moment: datetime | None, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if moment else ""


def _answer(t: Translator, campaigns: dict, name: str, value: str) -> tuple[str, str]:
    """(campaign title, answer label); a campaign since removed from config shows its codes."""
    campaign = campaigns.get(name)
    if campaign is None:
        return name, value
    title = t(campaign.title) if t.has(campaign.title) else name
    return title, campaign_service.answer_label(t, campaign, value)


async def _person_page(request: web.Request, *, revealed: bool) -> web.Response:
    me, session, t = staff(request), db(request), translator(request)
    rt = runtime(request)
    tz = rt.settings.timezone
    graduate = await _person_in_scope(request)
    if revealed:
        profile = await graduates.full_record(session, rt.cipher, t, graduate.id, actor=me.actor)
    else:
        profile = graduates.row_for(graduate, rt.cipher, t, full=False)
        audit.record(
            session, actor=me.actor, action="graduate.view", subject=f"graduate:{graduate.id}"
        )
    cases = [
        case_service.case_row(case, rt.cipher, t, tz=tz)
        for case in await console.cases_of(session, graduate.id)
    ]
    return render(
        request,
        "person.html",
        graduate=graduate,
        profile=profile,
        revealed=revealed,
        check_ins=await console.check_ins_of(session, graduate.id),
        cases=cases,
        notices=[
            (_local(at, tz), employer, title, place, interested)
            for at, employer, title, place, interested in await console.notices_of(
                session, graduate.id
            )
        ],
        interest=[
            (_local(row.created_at, tz), row.posting.employer, row.posting.title)
            for row in await console.interest_of(session, graduate.id)
        ],
        answers=[
            (
                *_answer(t, rt.settings.campaigns, row.campaign, row.value),
                row.edition,
                _local(row.answered_at, tz),
            )
            for row in await console.answers_of(session, graduate.id)
        ],  # fmt: skip
    )


@routes.get(r"/people/{graduate_id:\d+}")
async def person(request: web.Request) -> web.Response:
    return await _person_page(request, revealed=False)


@routes.post(r"/people/{graduate_id:\d+}/reveal")
async def reveal(request: web.Request) -> web.Response:
    """The full phone and ID number, shown in this answer only; the view is audit-logged."""
    return await _person_page(request, revealed=True)
