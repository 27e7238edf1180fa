"""All routers, in the order they get a message: specific journeys first, the fallback last."""

from __future__ import annotations

from aiogram import Router

from yulu.bot.handlers import (
    cadre,
    campaign,
    checkin,
    enrol,
    errors,
    fallback,
    jobs,
    membership,
    signup,
    start,
    stop,
    talk,
)


def get_routers() -> list[Router]:
    """The routers to include in the dispatcher, fallback last."""
    return [
        errors.router,
        stop.router,  # 退订 in any state, before any question takes it as an answer
        membership.router,
        enrol.router,
        cadre.router,  # staff get their own /start and /help, before the graduate's
        start.router,
        checkin.router,
        jobs.router,
        campaign.router,
        signup.router,
        talk.router,
        fallback.router,
    ]
