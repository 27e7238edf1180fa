"""Matching (供需匹配) and job notices (岗位推送): which posting goes to whom, why, and when.

A run only decides and enqueues. Graduates are taken in batches by id; for each batch the
database picks the best open postings within the weekly cap (storage.matching, tier by tier:
the kind that suits the graduate first, then the closest trade, place and newest posting), and
the notice rows and their outbox rows are written in one transaction, both keyed by (posting,
graduate): a second run, or a restart half-way, sends nothing twice. Each notice says why
(推荐理由), from the same score the database ranked by.

```mermaid
flowchart LR
    import[yulu import postings] --> codes[trade codes per posting]
    signup[sign-up major] --> gcodes[trade codes per graduate]
    codes & gcodes --> tiers[SQL: tiers per batch] --> notice[job_notice + outbox_message]
    notice --> sender[outbox sender] --> tap{感兴趣/报名 · 不合适}
    tap --> interest[job_interest + cadre alert]
    tap --> rejection[job_rejection → excluded next time]
```
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from yulu.core.errors import InvalidInput, NotFound
from yulu.core.i18n import Translator
from yulu.services import audit
from yulu.services.actions import Buttons, Choice, notice_choices, to_json
from yulu.services.context import ServiceContext
from yulu.services.majors import WEIGHT, MajorMap, major_map
from yulu.services.postings import refresh_posting_trades
from yulu.services.privacy import FieldCipher, mask_phone
from yulu.services.tabular import table_writer
from yulu.storage.matching import (
    MatchWindow,
    Pick,
    Recipient,
    batch_settings,
    cancel_expired_notices,
    current_matches,
    eligible_graduates,
    insert_notices,
    next_batch,
    notice_picks,
    recipients,
    refresh_statistics,
    region_label,
)
from yulu.storage.models import Graduate
from yulu.storage.outbox import Outgoing, enqueue, enqueue_many
from yulu.storage.postings import (
    STUDENT_KINDS,
    WORKING,
    JobInterest,
    Posting,
    PostingKind,
    RejectionReason,
    add_interest,
    graduate_trades_current,
    notices_while_employed,
    postings_by_ids,
    replace_graduate_trades,
    set_notices_while_employed,
    stale_graduate_majors,
    stream_interest,
    upsert_rejection,
)

INTERNSHIP_KINDS = (PostingKind.INTERNSHIP, PostingKind.TRAINEESHIP)
DECLINE_REASONS = (
    RejectionReason.PLACE,
    RejectionReason.PAY,
    RejectionReason.TRADE,
    RejectionReason.OTHER,
)  # the buttons under "哪里不合适？"
CARD_CACHE = 60_000  # posting texts kept during a run: every open posting, at the brief's scale


class MatchingSettingsLike(Protocol):
    weekly_cap: int
    batch_size: int


class SettingsLike(Protocol):
    """The parts of yulu.core.config.Settings matching reads."""

    timezone: str
    matching: MatchingSettingsLike


@dataclass
class MatchReport:
    """What a matching run decided: notices per county, a few samples, housekeeping counts."""

    dry_run: bool = False
    week: str = ""
    graduates: int = 0  # graduates who could still get a notice this week
    notices: int = 0  # notices enqueued (or, in a dry run, that would be)
    per_county: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    trades_refreshed: int = 0
    postings_refreshed: int = 0
    expired_cancelled: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0  # in the notice and outbox INSERTs and their commits


def match_window(settings: SettingsLike, now: datetime | None = None) -> MatchWindow:
    """Today, this ISO week and this month in the programme's time zone, and the weekly cap."""
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo(settings.timezone))
    year, week, _ = local.isocalendar()
    return MatchWindow(
        today=local.date(),
        week=f"{year}-W{week:02d}",
        period=local.strftime("%Y-%m"),
        cap=settings.matching.weekly_cap,
    )


async def run_matching(
    session_factory: async_sessionmaker[AsyncSession],
    t: Translator,
    *,
    settings: SettingsLike,
    dry_run: bool = False,
    now: datetime | None = None,
    samples: int = 5,
    on_batch: Callable[[int], None] = lambda n: None,
) -> MatchReport:
    """Match every graduate who may get notices against open postings, batch by batch.

    A dry run writes no notice and no message (it does refresh the derived trade codes).
    """
    started, window = time.monotonic(), match_window(settings, now)
    batch = settings.matching.batch_size
    report = MatchReport(dry_run=dry_run, week=window.week)
    async with session_factory.begin() as session:
        await refresh_statistics(session)
    report.postings_refreshed = await refresh_posting_trades(session_factory, batch=batch)
    report.trades_refreshed = await refresh_graduate_trades(session_factory, batch=batch)
    async with session_factory.begin() as session:
        if report.postings_refreshed or report.trades_refreshed:
            await refresh_statistics(session)
        if not dry_run:
            report.expired_cancelled = await cancel_expired_notices(session, today=window.today)
    notices = _NoticeWriter(t, major_map(), window, report, samples=samples)
    after, saving = 0, None
    while True:
        async with session_factory() as session:
            await batch_settings(session)
            upto = await next_batch(session, after_id=after, size=batch)
            if upto is None:
                break
            remaining = await eligible_graduates(session, window, after_id=after, upto_id=upto)
            picks = await notice_picks(session, window, remaining)
            people = await recipients(session, after_id=after, upto_id=upto) if picks else {}
            decided = await notices.render(session, picks, people)
        if saving is not None:
            await saving
        # Written in its own transaction while the next batch is matched: the two touch
        # different graduates, and the database and Python each get a core.
        saving = None if dry_run else asyncio.create_task(notices.save(session_factory, decided))
        if dry_run:
            notices.count(decided, decided.pairs())
        report.graduates += len(remaining)
        after = upto
        on_batch(len(remaining))
    if saving is not None:
        await saving
    report.seconds = time.monotonic() - started
    return report


async def refresh_graduate_trades(
    session_factory: async_sessionmaker[AsyncSession], *, batch: int = 1000
) -> int:
    """Recompute the trade codes of graduates whose major (or the majors map) changed."""
    majors, after, count = major_map(), 0, 0
    while True:
        async with session_factory.begin() as session:
            upto = await next_batch(session, after_id=after, size=batch)
            if upto is None:
                return count
            stale = await stale_graduate_majors(
                session, version=majors.version, after_id=after, upto_id=upto
            )
            if stale:
                await replace_graduate_trades(
                    session,
                    {gid: (major, majors.graduate_codes(major)) for gid, major in stale},
                    version=majors.version,
                )
        after, count = upto, count + len(stale)


async def ensure_trades(session: AsyncSession, graduate: Graduate) -> None:
    """Bring one graduate's trade codes up to date (before showing them matches)."""
    majors = major_map()
    if not await graduate_trades_current(
        session, graduate.id, major=graduate.major, version=majors.version
    ):
        await replace_graduate_trades(
            session,
            {graduate.id: (graduate.major, majors.graduate_codes(graduate.major))},
            version=majors.version,
        )


@dataclass
class _Decided:
    """One batch's notices and their outbox messages, rendered, not yet written."""

    notices: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)

    def pairs(self) -> set[tuple[int, int]]:
        return {(n["graduate_id"], n["posting_id"]) for n in self.notices}


class _NoticeWriter:
    """Turns a batch's picks into notice rows and outbox messages, writes them, keeps count."""

    def __init__(
        self,
        t: Translator,
        majors: MajorMap,
        window: MatchWindow,
        report: MatchReport,
        *,
        samples: int,
    ) -> None:
        self.t, self.majors, self.window, self.report = t, majors, window, report
        self.samples = samples
        self.cards: dict[int, Card] = {}

    async def render(
        self, session: AsyncSession, picks: list[Pick], people: dict[int, Recipient]
    ) -> _Decided:
        decided = _Decided()
        cards = await self._cards(session, {p.posting_id for p in picks})
        for pick in picks:
            person, card = people[pick.graduate_id], cards[pick.posting_id]
            key = f"notice:{pick.posting_id}:{pick.graduate_id}"
            decided.notices.append(
                {
                    "graduate_id": pick.graduate_id,
                    "posting_id": pick.posting_id,
                    "score": pick.score,
                    "outbox_key": key,
                }
            )
            decided.messages.append(
                Outgoing(
                    key=key,
                    kind="job_notice",
                    chat_id=person.chat_id,
                    graduate_id=pick.graduate_id,
                    text=notice_text(self.t, self.majors, card, person, pick.score),
                    buttons=to_json(notice_choices(pick.posting_id)),
                )
            )
            decided.counties.append(person.home)
        return decided

    async def save(
        self, session_factory: async_sessionmaker[AsyncSession], decided: _Decided
    ) -> None:
        """Write a batch's notices and their messages in one transaction (decision and effect)."""
        if not decided.notices:
            return
        started = time.perf_counter()
        async with session_factory.begin() as session:
            await batch_settings(session)
            new = await insert_notices(session, decided.notices, week=self.window.week)
            pairs = zip(decided.messages, decided.notices, strict=True)
            await enqueue_many(
                session,
                [m for m, n in pairs if (n["graduate_id"], n["posting_id"]) in new],
            )
        self.report.write_seconds += time.perf_counter() - started
        self.count(decided, new)

    def count(self, decided: _Decided, new: set[tuple[int, int]]) -> None:
        """Add the notices that were new to the report (per county, and a few samples)."""
        for notice, message, county in zip(
            decided.notices, decided.messages, decided.counties, strict=True
        ):
            if (notice["graduate_id"], notice["posting_id"]) not in new:
                continue
            self.report.notices += 1
            self.report.per_county[county] += 1
            if len(self.report.samples) < self.samples:
                self.report.samples.append(message.text)

    async def _cards(self, session: AsyncSession, ids: set[int]) -> dict[int, Card]:
        missing = ids - self.cards.keys()
        if len(self.cards) + len(missing) > CARD_CACHE:
            self.cards.clear()
            missing = ids
        for posting in (await postings_by_ids(session, missing)).values():
            self.cards[posting.id] = card_of(self.t, posting)
        return {pid: self.cards[pid] for pid in ids}


# --- texts --------------------------------------------------------------------------------


def posting_card(t: Translator, posting: Posting) -> str:
    """A posting as the graduate reads it: title, employer, place, pay, deadline, how to apply."""
    lines = [
        t("jobs-card-title", title=posting.title, employer=posting.employer),
        t(
            "jobs-card-kind",
            kind=t(f"posting-kind-{posting.kind.value}"),
            type=t(f"employer-type-{posting.employer_type.value}"),
        ),
        t("jobs-card-place", place=_place_name(t, posting)),
        t("jobs-card-majors", majors=posting.majors or t("jobs-any-major")),
        t("jobs-card-pay", pay=pay_text(t, posting)),
    ]
    if posting.education_min:
        education = t(f"jobs-education-{posting.education_min}")
        lines.append(t("jobs-card-education", education=education))
    if posting.headcount:
        lines.append(t("jobs-card-headcount", count=posting.headcount))
    if posting.deadline:
        lines.append(t("jobs-card-deadline", date=posting.deadline.isoformat()))
    lines.append(t("jobs-card-apply", how=posting.apply_how))
    if posting.notes:
        lines.append(t("jobs-card-notes", notes=posting.notes))
    return "\n".join(lines)


@dataclass(frozen=True)
class Card:
    """A posting as a notice shows it, kept for the run (a few hundred bytes)."""

    text: str
    nationwide: bool
    student: bool


def card_of(t: Translator, posting: Posting) -> Card:
    """The posting's text and what the 推荐理由 needs to know about it."""
    return Card(posting_card(t, posting), posting.region_id is None, posting.kind in STUDENT_KINDS)


def _place_name(t: Translator, posting: Posting) -> str:
    return posting.region.full_name if posting.region else t("jobs-nationwide")


def pay_text(t: Translator, posting: Posting) -> str:
    """4000–6000 元/月, 4000 元/月起, 最高 6000 元/月, or 面议."""
    low, high = posting.pay_min, posting.pay_max
    if low and high:
        if low == high:
            return t("jobs-pay-exact", pay=low)
        return t("jobs-pay-range", low=low, high=high)
    if low:
        return t("jobs-pay-from", pay=low)
    if high:
        return t("jobs-pay-upto", pay=high)
    return t("jobs-pay-negotiable")


def reasons(t: Translator, majors: MajorMap, card: Card, person: Recipient, score: int) -> str:
    """推荐理由: where (求职地/户籍地), what (专业), and for whom (在校生/应届生)."""
    weight, place_score = score // 10 % 10, score % 10
    near = person.home_province if place_score > 0 and person.wanted is None else None
    parts = [
        _place_reason(t, card.nationwide, person.wanted, near),
        _trade_reason(t, majors, weight, person.major),
    ]
    if card.student:
        parts.append(_texts(t)["student"])
    texts = _texts(t)
    return texts["reason"].replace(_SLOT, texts["separator"].join(parts))


# A run repeats the same few hundred places and trades thousands of times: each part is
# formatted once (Fluent takes ~20 µs a call, which at 300,000 notices is most of a run).
_SLOT = "\x00"


@lru_cache(maxsize=4)
def _texts(t: Translator) -> dict[str, str]:
    return {
        "reason": t("jobs-reason", reasons=_SLOT),
        "separator": t("jobs-reason-separator"),
        "student": t("jobs-reason-student"),
        "title": t("jobs-notice-title"),
        "footer": t("jobs-notice-footer"),
    }


@lru_cache(maxsize=10_000)
def _place_reason(
    t: Translator, nationwide: bool, wanted: str | None, near_home: str | None
) -> str:
    if nationwide:
        return t("jobs-reason-nationwide")
    if wanted is not None:
        return t("jobs-reason-desired", place=wanted)
    if near_home is not None:
        return t("jobs-reason-near-home", place=near_home)
    return t("jobs-reason-anywhere")


@lru_cache(maxsize=50_000)
def _trade_reason(t: Translator, majors: MajorMap, weight: int, major: str) -> str:
    if weight == WEIGHT["major"]:
        return t("jobs-reason-major", major=major)
    if weight:
        return t("jobs-reason-category", major=major, category=majors.category(major, weight))
    return t("jobs-reason-any-major")


def notice_text(t: Translator, majors: MajorMap, card: Card, person: Recipient, score: int) -> str:
    """The proactive notice: a header, the posting, why it was picked, what to tap."""
    texts = _texts(t)
    return "\n".join(
        [texts["title"], card.text, reasons(t, majors, card, person, score), texts["footer"]]
    )


# --- on request: /jobs, 有什么工作, 有实习吗 ------------------------------------------------


@dataclass(frozen=True)
class MatchPage:
    """One current match as /jobs shows it: its text and posting, where it is in the list."""

    posting_id: int | None
    text: str
    index: int
    total: int


async def match_page(
    session: AsyncSession,
    t: Translator,
    graduate: Graduate,
    *,
    settings: SettingsLike,
    kind: str | None = None,
    index: int = 0,
    now: datetime | None = None,
) -> MatchPage:
    """The graduate's index-th best open match (kind "internship": internships and 见习 only)."""
    await ensure_trades(session, graduate)
    window = match_window(settings, now)
    kinds = INTERNSHIP_KINDS if kind == "internship" else None
    picks, total = await current_matches(
        session, window, graduate_id=graduate.id, kinds=kinds, offset=max(index, 0), limit=1
    )
    if not picks and total:  # the list shrank since the page was shown: the last one instead
        index = total - 1
        picks, total = await current_matches(
            session, window, graduate_id=graduate.id, kinds=kinds, offset=index, limit=1
        )
    if not picks:
        return MatchPage(None, "", index, total)
    posting = (await postings_by_ids(session, [picks[0].posting_id]))[picks[0].posting_id]
    wanted = region_label(graduate.desired_region) if graduate.desired_region else None
    person = Recipient(
        graduate.id,
        graduate.chat_id or 0,
        graduate.major,
        wanted,
        graduate.hukou_region.province,
        graduate.hukou_region.full_name,
    )
    card = card_of(t, posting)
    text = "\n".join([card.text, reasons(t, major_map(), card, person, picks[0].score)])
    return MatchPage(posting.id, text, index, total)


async def may_opt_in(session: AsyncSession, graduate: Graduate) -> bool:
    """Whether an employed graduate gets no notices now and could ask for them."""
    return graduate.status in WORKING and not await notices_while_employed(session, graduate.id)


@dataclass(frozen=True)
class MatchView:
    """What /jobs shows: the text and the buttons (channel-neutral actions)."""

    text: str
    buttons: Buttons


async def match_view(
    ctx: ServiceContext, graduate: Graduate, *, kind: str | None = None, index: int = 0
) -> MatchView:
    """The graduate's current match number `index` (kind "internship": internships and 见习)."""
    t = ctx.t
    page = await match_page(ctx.session, t, graduate, settings=ctx.settings, kind=kind, index=index)
    suffix = "-internship" if kind == "internship" else ""
    buttons: Buttons = []
    if page.posting_id is None:
        text = t(f"jobs-none{suffix}")
    else:
        header = t(f"jobs-page-header{suffix}", total=page.total, number=page.index + 1)
        text = f"{header}\n{page.text}"
        buttons += notice_choices(page.posting_id)
        turns = [("jobs-button-previous", page.index - 1), ("jobs-button-next", page.index + 1)]
        buttons.append(
            [
                Choice(key, ("jobs", "page", kind or "", number))
                for key, number in turns
                if 0 <= number < page.total
            ]
        )
    if await may_opt_in(ctx.session, graduate):
        text += "\n\n" + t("jobs-employed-note")
        buttons.append([Choice("jobs-button-opt-in", ("job", "optin", 0))])
    return MatchView(text, [row for row in buttons if row])


def decline_choices(posting_id: int) -> Buttons:
    """Why 不合适: place, pay, trade, other."""
    choices = [
        Choice(f"jobs-decline-{r.value}", ("job", "why", posting_id, r.value))
        for r in DECLINE_REASONS
    ]
    return [choices[:2], choices[2:]]


async def opt_in(session: AsyncSession, graduate: Graduate) -> None:
    """An employed graduate asks for job notices all the same."""
    await set_notices_while_employed(session, graduate.id, True)


# --- 感兴趣/报名 and 不合适 -------------------------------------------------------------------


@dataclass(frozen=True)
class Interest:
    """The outcome of 感兴趣/报名: new or repeated, the posting, the cadre told (if any)."""

    new: bool
    posting: Posting
    cadre_name: str | None


async def _open_posting(session: AsyncSession, posting_id: int, *, today: date) -> Posting:
    posting = (await postings_by_ids(session, [posting_id])).get(posting_id)
    if posting is None:
        raise NotFound(f"posting {posting_id}")
    if posting.deadline is not None and posting.deadline < today:
        raise InvalidInput("posting-closed")
    return posting


async def record_interest(
    session: AsyncSession,
    t: Translator,
    cipher: FieldCipher,
    graduate: Graduate,
    posting_id: int,
    *,
    settings: SettingsLike,
    now: datetime | None = None,
) -> Interest:
    """Record interest once and tell the assigned cadre through the outbox."""
    posting = await _open_posting(session, posting_id, today=match_window(settings, now).today)
    cadre = graduate.cadre
    reachable = cadre is not None and cadre.reachable
    new = await add_interest(
        session,
        graduate_id=graduate.id,
        posting_id=posting.id,
        cadre_id=cadre.id if cadre else None,
        cadre_told=reachable,
    )
    if new and reachable:
        await enqueue(
            session,
            Outgoing(
                key=f"interest:{posting.id}:{graduate.id}",
                kind="job_interest",
                chat_id=cadre.telegram_user_id,
                text=_cadre_text(t, cipher, graduate, posting),
            ),
        )
    return Interest(new, posting, cadre.name if reachable else None)


def _cadre_text(t: Translator, cipher: FieldCipher, graduate: Graduate, posting: Posting) -> str:
    return t(
        "jobs-cadre-interest",
        name=graduate.name,
        id=graduate.id,
        phone=mask_phone(cipher.decrypt(graduate.phone_enc)),
        title=posting.title,
        employer=posting.employer,
        place=_place_name(t, posting),
        apply=posting.apply_how,
    )


async def decline(
    session: AsyncSession,
    graduate: Graduate,
    posting_id: int,
    reason: RejectionReason = RejectionReason.UNSPECIFIED,
) -> Posting:
    """不合适: record it (and why, once said); later matching leaves out it and its like."""
    posting = (await postings_by_ids(session, [posting_id])).get(posting_id)
    if posting is None:
        raise NotFound(f"posting {posting_id}")
    region = posting.region
    await upsert_rejection(
        session,
        {
            "graduate_id": graduate.id,
            "posting_id": posting.id,
            "reason": reason.value,
            "region_key": posting.region_id or 0,
            "province": region.province if region else "",
            "city_key": (region.city or "") if region else "",
            "trade_key": posting.trade_key,
            "pay": posting.pay_max or posting.pay_min or 0,
        },
    )
    return posting


# --- export -------------------------------------------------------------------------------

INTEREST_COLUMNS = (
    "interest-at",
    "id",
    "name",
    "phone",
    "hukou",
    "posting",
    "employer",
    "posting-place",
    "posting-kind",
    "cadre",
    "cadre-told",
)


async def export_interest(
    session: AsyncSession, cipher: FieldCipher, t: Translator, path: Path, *, tz: str, actor: str
) -> int:
    """Write every 感兴趣/报名 to CSV/XLSX with Chinese headers (phones masked); audit-logged."""
    count = 0
    with table_writer(path, [t(f"column-{c}") for c in INTEREST_COLUMNS]) as write:
        async for interest in stream_interest(session):
            write(_interest_row(interest, cipher, t, tz=tz))
            count += 1
    audit.record(session, actor=actor, action="interest.export", subject=path.name, rows=count)
    return count


def _interest_row(
    interest: JobInterest, cipher: FieldCipher, t: Translator, *, tz: str
) -> list[str]:
    graduate, posting = interest.graduate, interest.posting
    return [
        interest.created_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M"),
        str(graduate.id),
        graduate.name,
        mask_phone(cipher.decrypt(graduate.phone_enc)),
        graduate.hukou_region.full_name,
        posting.title,
        posting.employer,
        posting.region.full_name if posting.region else t("jobs-nationwide"),
        t(f"posting-kind-{posting.kind.value}"),
        interest.cadre.name if interest.cadre else "",
        t("yes") if interest.cadre_told else t("no"),
    ]
