"""What free text leads to: from an understood intent to what happens, decided in one place.

A channel hands over what the person said (already parsed by the NLU) and renders the Reply it
gets back: the Telegram bot as a message with buttons, a web chat or WeCom adapter its own way.
Saying "我失业了" follows one chain: `respond` → `act` → `checkin.record_choice` (status lost
job) → `cases.open_case` (the cadre's alert, through the outbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from yulu.nlu import Parse
from yulu.services import assist, checkin, subscription
from yulu.services.checkin import FollowUp
from yulu.services.context import ServiceContext
from yulu.storage.models import Graduate

# Intents answered with a fixed text and the menu, whoever asks.
CANNED = frozenset(
    {"greet", "goodbye", "thanks", "ask_policy", "ask_training", "update_profile", "sign_up"}
)

# "有什么工作" / "有实习吗": the current matches, as /jobs shows them.
JOB_INTENTS = {"ask_jobs": "", "ask_internship": "internship"}


@dataclass(frozen=True)
class Reply:
    """What to tell the person, as data.

    `key`/`args`: the text. `menu`: offer the main menu. `status_period`: offer the check-in
    answers for that month (a guess is never recorded). `confirm`: ask 是的/不是 before acting
    on this intent. `follow_up`: a status was recorded; the channel asks its next question.
    `jobs`: show the current job matches ("" all, "internship" internships and 见习).
    """

    key: str
    args: dict[str, Any] = field(default_factory=dict)
    menu: bool = False
    status_period: str | None = None
    confirm: str | None = None
    follow_up: FollowUp | None = None
    period: str | None = None
    jobs: str | None = None


async def respond(
    ctx: ServiceContext,
    graduate: Graduate | None,
    parse: Parse | None,
    *,
    confident: bool,
    needs_confirmation: bool,
    said: str,
    now: datetime,
) -> Reply:
    """Act on a confident parse, confirm an uncertain critical one, else offer the menu."""
    if parse is None or not confident and not needs_confirmation:
        return not_sure(ctx, graduate, now)
    if needs_confirmation:
        return Reply("nlu-confirm", confirm=parse.intent)
    return await act(ctx, graduate, parse.intent, said=said, now=now)


async def act(
    ctx: ServiceContext, graduate: Graduate | None, intent: str, *, said: str, now: datetime
) -> Reply:
    """Carry out an understood (or confirmed) intent for this person."""
    if intent in CANNED:
        return Reply(f"reply-{intent}", menu=True)
    if graduate is None:
        return Reply("not-registered")
    if intent in JOB_INTENTS:
        return Reply("jobs", jobs=JOB_INTENTS[intent])
    if intent in checkin.INTENT_CHOICE:
        period = checkin.period_of(now, ctx.settings.timezone)
        follow_up = await checkin.record_choice(
            ctx.session,
            ctx.cipher,
            ctx.t,
            graduate,
            period=period,
            choice=checkin.INTENT_CHOICE[intent],
            via="text",
        )
        return Reply(follow_up.reply, follow_up=follow_up, period=period)
    if intent == "request_human":
        own_cadre = await assist.request_human(ctx.session, ctx.cipher, ctx.t, graduate, said=said)
        return Reply("human-requested" if own_cadre else "human-no-cadre")
    if intent == "unsubscribe":  # the classifier's wordings; STOP words never reach here
        await subscription.stop(ctx.session, graduate)
        return Reply("unsubscribe-done")
    return not_sure(ctx, graduate, now)


def not_sure(ctx: ServiceContext, graduate: Graduate | None, now: datetime) -> Reply:
    """The menu, plus this month's status answers for a registered graduate."""
    period = checkin.period_of(now, ctx.settings.timezone) if graduate is not None else None
    return Reply("nlu-not-sure", menu=True, status_period=period)
